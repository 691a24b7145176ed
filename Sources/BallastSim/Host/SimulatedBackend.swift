import BallastCore
import Synchronization

/// The simulator behind the engine's `Backend` protocol, for `ballast run
/// --backend sim`: each `sample()` advances simulated time by one tick (demand
/// interpolated from the traces, held at the end, or replayed again from the
/// start when `loopPeriod` is set), then returns what a real host would show;
/// `apply` sets balloon, quota, vCPUs and weight. Time advances per sample, so a caller that samples faster runs faster than real
/// time. Thread-safe: one mutex guards the host.
public final class SimulatedBackend: Backend {
    private struct State: Sendable {
        var host: SimulatedHost
        var traces: [VMTrace]
        var cursors: [Int]
        var cpu: [Double]
        var memory: [Double]
        var ticks = 0
        var indexByID: [VMID: Int]
    }

    private let state: Mutex<State>
    /// Simulated seconds per `sample()`.
    public let tick: Double
    /// With a value, demand repeats with this period in simulated seconds (the
    /// traces' replay starts again); the host's clock goes on.
    public let loopPeriod: Double?

    /// - Parameter loop: replay the traces again from their start each time the
    ///   longest one ends (period: `VMTrace.replayPeriod(of:)`), for runs longer
    ///   than the trace; otherwise demand holds its last values.
    public init(traces unordered: [VMTrace], host: HostConfig, tick: Double, loop: Bool = false) {
        let (vms, traces) = SimulatedVM.inIDOrder(unordered)
        let zeros = [Double](repeating: 0, count: traces.count)
        self.tick = tick
        resizeLatency = host.memoryMechanisms.resizeLatency
        let period = VMTrace.replayPeriod(of: traces)
        loopPeriod = loop && period > 0 ? period : nil
        state = Mutex(State(host: SimulatedHost(config: host, vms: vms), traces: traces,
                            cursors: [Int](repeating: 0, count: traces.count), cpu: zeros, memory: zeros,
                            indexByID: Dictionary(uniqueKeysWithValues: vms.enumerated().map { ($1.id, $0) })))
    }

    /// A backend replaying a generated scenario on its own host at its own tick.
    public convenience init(scenario: Scenario, seed: UInt64) {
        self.init(traces: scenario.traces(seed: seed), host: scenario.host, tick: scenario.tick)
    }

    public func sample() async throws -> HostSnapshot {
        state.withLock { state in
            var offset = Double(state.ticks) * tick
            if let loopPeriod {
                offset = offset.truncatingRemainder(dividingBy: loopPeriod)
                if offset < tick {  // a new round: the cursors only move forward
                    for index in state.cursors.indices { state.cursors[index] = 0 }
                }
            }
            for index in state.traces.indices {
                let demand = state.traces[index].demand(at: offset, cursor: &state.cursors[index])
                state.cpu[index] = demand.cpu
                state.memory[index] = demand.memory
            }
            state.host.step(cpuDemand: state.cpu, memoryDemand: state.memory, seconds: tick)
            state.ticks += 1
            return state.host.observe()
        }
    }

    public func apply(_ changes: [Change]) async -> [ChangeResult] {
        state.withLock { state in
            changes.map { change in
                guard let index = state.indexByID[change.vm] else {
                    return ChangeResult(.failed("no simulated VM with id \(change.vm)"))
                }
                var allocation = state.host.allocations[index]
                switch change.adjustment {
                case .memory(_, let to): allocation.memory = to
                case .cpuQuota(_, let to): allocation.cpu = to
                case .vcpus(_, let to): allocation.vcpus = to
                case .cpuWeight(_, let to): allocation.cpuWeight = to
                }
                state.host.apply(allocation, at: index)
                return .applied
            }
        }
    }

    /// A simulated balloon is at its target as soon as it is set, unless the host models
    /// a resize latency (virtio-mem's asynchronous plug).
    public var shrinksReleaseAtOnce: Bool { resizeLatency == 0 }
    private let resizeLatency: Double

    /// Nothing to wait for: shrinks are done within `apply`.
    public func growthAwaitsRelease(_ awaiting: Bool) async {}

    /// The true demand of the last sampled tick, per VM, for display next to
    /// the estimate (the demo table). Never given to a policy.
    public func trueDemand() -> [VMID: ResourceVector] {
        state.withLock { state in
            var result: [VMID: ResourceVector] = [:]
            for (index, vm) in state.host.vms.enumerated() {
                result[vm.id] = ResourceVector(cpu: Int(state.cpu[index]), memory: UInt64(state.memory[index]))
            }
            return result
        }
    }

    /// Simulated seconds elapsed.
    public var time: Double { state.withLock { $0.host.time } }
}

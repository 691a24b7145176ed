import BallastCore
import BallastSim

/// What the simulator backend replays for `ballast run --backend sim`: a named
/// generated scenario (on its own host) or a trace file or folder (on one host
/// sized by `TraceHostSize`). Simulated time advances by `tick` seconds per sample.
public struct SimulatorSource: Sendable, Hashable {
    public enum Input: Sendable, Hashable {
        case scenario(String)
        case trace(path: String, format: TraceFormat?, vms: Int?)
    }

    public var input: Input
    public var seed: UInt64
    public var tick: Double
    /// Host for trace replays (scenarios bring their own).
    public var hostSize: TraceHostSize
    /// Replay the demand again from its start whenever it ends (`ballast run --loop`).
    public var loop: Bool

    public init(input: Input, seed: UInt64 = 1, tick: Double, hostSize: TraceHostSize = .fixed(HostConfig()),
                loop: Bool = false) {
        self.input = input
        self.seed = seed
        self.tick = tick
        self.hostSize = hostSize
        self.loop = loop
    }

    /// Builds the simulated backend; throws a message naming the bad scenario or trace.
    public func prepare() throws -> PreparedSimulator {
        switch input {
        case .scenario(let name):
            let scenario = try NamedScenarios.named(name, seed: seed)
            let traces = scenario.traces(seed: seed)
            return PreparedSimulator(traces: traces, host: scenario.host, tick: tick, loop: loop,
                                     origin: "scenario \(name)", sizing: "the scenario's host")
        case .trace(let path, let format, let vms):
            guard let resolved = format ?? TraceFormat.detect(path: path) else {
                throw SimulatorSourceError(
                    "cannot tell the trace format of \(path) from its first line; pass --format gcd|planetlab|gwa|csv")
            }
            let report = try TraceLoader(format: resolved, seed: seed).load(path: path, limit: vms, seed: seed)
            let sizing: String
            switch hostSize {
            case .fixed(let host) where host == HostConfig():
                sizing = "the default size; size it for the trace with --overcommit or --host-cpus/--host-memory"
            case .fixed: sizing = "sized by --host-cpus/--host-memory"
            case .overcommit: sizing = "memory sized by --overcommit"
            }
            return PreparedSimulator(traces: report.traces, host: hostSize.host(for: report.traces), tick: tick,
                                     loop: loop, origin: "trace \(path)", sizing: sizing)
        }
    }
}

/// A simulated backend ready to run, and the line that says what it simulates
/// (the daemon logs it first, so an operator sees the host's size).
public struct PreparedSimulator: Sendable {
    public let backend: SimulatedBackend
    public let host: HostConfig
    public let vms: Int
    /// E.g. "simulated host: 500 VMs of trace T (6080 GiB configured) on one host of 380 cores,
    /// 1520 GiB (memory overcommit 4.0); memory sized by --overcommit".
    public let summary: String

    init(traces: [VMTrace], host: HostConfig, tick: Double, loop: Bool, origin: String, sizing: String) {
        backend = SimulatedBackend(traces: traces, host: host, tick: tick, loop: loop)
        self.host = host
        vms = traces.count
        let gibibyte = Double(ByteUnits.gibibyte)
        let configured = Double(traces.reduce(UInt64(0)) { $0 + $1.memory }) / gibibyte
        let physical = Double(host.memory) / gibibyte
        let ratio = physical > 0 ? configured / physical : 0
        summary = "simulated host: \(traces.count) VMs of \(origin) (\(Int(configured.rounded())) GiB configured) "
            + "on one host of \(host.cpus) cores, \(Int(physical.rounded())) GiB (memory overcommit "
            + "\(Self.tenths(ratio))); \(sizing)"
            + (backend.loopPeriod.map { "; demand replayed every \(Self.tenths($0 / 3600)) h" } ?? "")
    }

    private static func tenths(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// A simulator input that cannot be used, with what to do about it.
public struct SimulatorSourceError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

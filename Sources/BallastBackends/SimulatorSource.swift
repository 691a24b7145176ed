import BallastCore
import BallastSim

/// What the simulator backend replays for `ballast run --backend sim`: a named
/// generated scenario (on its own host) or a trace file or folder (on a host
/// of stated size). Simulated time advances by `tick` seconds per sample.
public struct SimulatorSource: Sendable, Hashable {
    public enum Input: Sendable, Hashable {
        case scenario(String)
        case trace(path: String, format: TraceFormat?, vms: Int?)
    }

    public var input: Input
    public var seed: UInt64
    public var tick: Double
    /// Host for trace replays (scenarios bring their own).
    public var host: HostConfig

    public init(input: Input, seed: UInt64 = 1, tick: Double, host: HostConfig = HostConfig()) {
        self.input = input
        self.seed = seed
        self.tick = tick
        self.host = host
    }

    /// Builds the simulated backend; throws a message naming the bad scenario or trace.
    public func makeBackend() throws -> SimulatedBackend {
        switch input {
        case .scenario(let name):
            let scenario = try NamedScenarios.named(name, seed: seed)
            return SimulatedBackend(traces: scenario.traces(seed: seed), host: scenario.host, tick: tick)
        case .trace(let path, let format, let vms):
            guard let resolved = format ?? TraceFormat.detect(path: path) else {
                throw SimulatorSourceError(
                    "cannot tell the trace format of \(path) from its first line; pass --format gcd|planetlab|gwa|csv")
            }
            let report = try TraceLoader(format: resolved, seed: seed).load(path: path, limit: vms, seed: seed)
            return SimulatedBackend(traces: report.traces, host: host, tick: tick)
        }
    }
}

/// A simulator input that cannot be used, with what to do about it.
public struct SimulatorSourceError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

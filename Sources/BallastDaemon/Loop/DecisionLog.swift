import BallastCore
import Logging

/// Writes one log line per change with its reason and outcome, and one per
/// plugin-stage failure: the decision log operators grep when asking "why did
/// my VM shrink?".
public struct DecisionLog: TickObserver {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        for applied in report.applied {
            let change = applied.change
            var metadata: Logger.Metadata = [
                "domain": "\(change.vmName)", "uuid": "\(change.vm.uuid)", "kind": "\(change.kind.rawValue)",
                "from": "\(change.from)", "to": "\(change.to)", "outcome": "\(applied.outcome.label)",
                "tick": "\(report.snapshot.tick)",
            ]
            switch applied.outcome {
            case .applied:
                logger.info("\(Self.describe(change)): \(change.reason)", metadata: metadata)
            case .skipped(let why):
                metadata["why"] = "\(why)"
                logger.info("\(Self.describe(change)) not applied (\(why)): \(change.reason)", metadata: metadata)
            case .failed(let error):
                metadata["error"] = "\(error)"
                logger.warning("\(Self.describe(change)) failed: \(error)", metadata: metadata)
            }
        }
        for stage in report.stages where !stage.succeeded {
            logger.warning("policy stage skipped this tick; previous proposal kept",
                           metadata: ["stage": "\(stage.stage)", "result": "\(stage.result)"])
        }
        if late {
            logger.warning("tick overran its interval", metadata: ["seconds": "\(seconds)"])
        }
    }

    public func tickFailed(_ error: any Error) async {}

    /// "vm-a memory 2.0 GiB -> 1.5 GiB".
    public static func describe(_ change: Change) -> String {
        "\(change.vmName) \(change.kind.rawValue) \(ChangeValue.describe(change.kind, change.from)) -> \(ChangeValue.describe(change.kind, change.to))"
    }
}

/// Renders a change's raw value in the unit of its kind.
public enum ChangeValue {
    public static func describe(_ kind: ChangeKind, _ value: Int64) -> String {
        switch kind {
        case .memory: ByteUnits.describe(UInt64(max(0, value)))
        case .cpuQuota: CPUUnits.describe(Int(value))
        case .vcpus: "\(value) vCPUs"
        case .cpuWeight: "weight \(value)"
        }
    }
}

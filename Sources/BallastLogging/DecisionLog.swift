import BallastCore
import Logging

/// The decision log: one swift-log line per change the governor decided,
/// with its reason in the message and the details as structured metadata
/// (`vm`, `uuid`, `kind`, `from`, `to`, `outcome`, `detail`, `tick`, and for
/// JSON `reason`: a text line already ends with the reason, so it is not repeated).
public enum DecisionLog {
    /// Logs every change of the tick. Applied changes at `info`, skipped at
    /// `notice`, failed at `warning`.
    public static func log(_ report: TickReport, to logger: Logger, format: LogFormat) {
        for applied in report.applied {
            let change = applied.change
            let values = change.adjustment.wireValues
            var metadata: Logger.Metadata = [
                "vm": .string(change.vmName),
                "uuid": .string(change.vm.uuid),
                "kind": .string(change.kind.rawValue),
                "from": .stringConvertible(values.from),
                "to": .stringConvertible(values.to),
                "outcome": .string(applied.outcome.label),
                "tick": .stringConvertible(report.snapshot.tick),
            ]
            if format == .json { metadata["reason"] = .string(applied.explanation) }
            let level: Logger.Level
            switch applied.outcome {
            case .applied:
                level = .info
            case let .skipped(why):
                level = .notice
                metadata["detail"] = .string(why)
            case let .failed(message):
                level = .warning
                metadata["detail"] = .string(message)
            }
            logger.log(level: level, "\(message(for: applied))", metadata: metadata)
        }
    }

    /// The change in words, e.g. `web-1: memory 2.0 GiB -> 1.8 GiB applied: idle memory reclaimed`.
    public static func message(for applied: AppliedChange) -> String {
        "\(HumanFormat.oneLine(applied.change.vmName)): \(summary(of: applied)): \(applied.explanation)"
    }

    /// The change without its VM and reason, e.g. `memory 2.0 GiB -> 1.8 GiB applied`.
    public static func summary(of applied: AppliedChange) -> String {
        let change = applied.change
        let values = change.adjustment.wireValues
        return "\(change.kind.rawValue) \(HumanFormat.changeValue(kind: change.kind.rawValue, values.from)) -> "
            + "\(HumanFormat.changeValue(kind: change.kind.rawValue, values.to)) \(applied.outcome.label)"
    }
}

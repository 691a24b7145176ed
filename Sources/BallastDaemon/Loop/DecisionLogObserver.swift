import BallastCore
import BallastLogging
import Logging

/// Writes the decision log (one line per change, through BallastMetrics'
/// `DecisionLog`) and one line per skipped policy stage or late tick.
public struct DecisionLogObserver: TickObserver {
    public let logger: Logger
    public let format: LogFormat

    public init(logger: Logger, format: LogFormat) {
        self.logger = logger
        self.format = format
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        DecisionLog.log(report, to: logger, format: format)
        for stage in report.stages where !stage.succeeded {
            logger.warning("policy stage skipped this tick; previous proposal kept",
                           metadata: ["stage": "\(stage.stage)", "result": "\(stage.result)"])
        }
        if late {
            logger.warning("tick overran its interval", metadata: ["seconds": "\(seconds)"])
        }
    }

    public func tickFailed(_ error: any Error) async {}
}

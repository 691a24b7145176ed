import BallastCore
import BallastMetrics
import Logging

/// Runs the KSM controller after every tick: reads the kernel's KSM files, decides
/// from the tick's committed memory and ksmd's CPU, writes what changed (never in
/// mode `off`, never in a dry run), and hands the result to `/metrics` and
/// `/v1/state`. A KSM that cannot be read or written is reported (logged once per
/// distinct error, `ballast_ksm_readable` 0) and the daemon carries on.
public actor KSMObserver: TickObserver {
    private let ksm: any KSMInterface
    private let state: ObservabilityState
    private let logger: Logger
    private let dryRun: Bool
    private var controller: KSMController
    private var lastError: String?
    private var lastWrites: [KSMWrite]?

    public init(ksm: any KSMInterface, settings: KSMSettings, dryRun: Bool, state: ObservabilityState, logger: Logger) {
        self.ksm = ksm
        self.state = state
        self.logger = logger
        self.dryRun = dryRun
        self.controller = KSMController(settings: settings)
    }

    /// New `[ksm]` settings from a reload; they apply from the next tick.
    public func replaceSettings(_ settings: KSMSettings) {
        guard settings != controller.settings else { return }
        if settings.mode == .off, controller.settings.mode != .off {
            logger.info("[ksm] mode is now off: KSM is left as it is, Ballast no longer writes to it")
        }
        controller.settings = settings
        lastWrites = nil
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        let status = step(committed: KSMController.committedFraction(of: report), time: report.snapshot.time)
        await state.recordKSM(status)
    }

    public func tickFailed(_ error: any Error) async {}

    /// One read, decision and write. What could not be read or written is reported in
    /// the status's `error`, beside whatever got that far (the decision, the reading as
    /// it was before a refused write).
    func step(committed: Double, time: Double) -> KSMStatus {
        var status = KSMStatus(settings: controller.settings, reading: nil, decision: nil, dryRun: dryRun, error: nil)
        do throws(KSMAccessError) {
            var reading = try ksm.read()
            status.reading = reading
            let decision = controller.decide(reading, committed: committed, time: time)
            status.decision = decision
            if !decision.writes.isEmpty, decision.writes != lastWrites {
                announce(decision)
            }
            lastWrites = decision.writes
            if !dryRun, !decision.writes.isEmpty {
                try ksm.write(decision.writes)
                for write in decision.writes { reading.apply(write) }
                status.reading = reading
            }
            recovered()
        } catch {
            report(error)
            status.error = error.description
        }
        return status
    }

    /// Starting and stopping ksmd are worth a line; a new pace only at debug level.
    private func announce(_ decision: KSMDecision) {
        let metadata: Logger.Metadata = ["writes": "\(decision.writes.map { "\($0.file)=\($0.value)" }.joined(separator: " "))"]
        let prefix = dryRun ? "dry run, KSM not changed: would " : ""
        if decision.writes.contains(.run(1)) {
            logger.info("\(prefix)\(dryRun ? "start" : "KSM started"): \(decision.reason)", metadata: metadata)
        } else if decision.writes.contains(.run(0)) {
            logger.info("\(prefix)\(dryRun ? "stop" : "KSM stopped"): \(decision.reason)", metadata: metadata)
        } else {
            logger.debug("\(prefix)KSM paced: \(decision.reason)", metadata: metadata)
        }
    }

    private func report(_ error: KSMAccessError) {
        guard error.description != lastError else { return }
        lastError = error.description
        logger.warning("KSM: \(error.description)")
    }

    private func recovered() {
        if lastError != nil { logger.info("KSM readable again") }
        lastError = nil
    }
}

extension KSMReading {
    /// The reading as it is after `write` took effect.
    mutating func apply(_ write: KSMWrite) {
        switch write {
        case .run(let value): run = value
        case .pagesToScan(let value): pagesToScan = value
        case .sleepMilliseconds(let value): sleepMilliseconds = value
        case .advisorMode(let mode): advisorMode = mode
        case .advisorMaxCPUPercent(let value): advisorMaxCPUPercent = value
        }
    }
}

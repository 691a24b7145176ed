import BallastCore
import BallastLogging
import Logging

/// What became of one resized VM at stop: the restoring changes with their outcomes,
/// or why it was left alone.
struct ReleaseOutcome: Sendable, Hashable {
    var vm: String
    var applied: [AppliedChange]
    /// Why nothing was done (gone, not running, opted out, already at its size).
    var left: String?

    /// Restored, or nothing needed restoring: every change applied.
    var restored: Bool { applied.allSatisfy { $0.outcome == .applied } }
}

/// `on_stop = "release"` when the daemon stops: every VM the engine resized gets its
/// starting size back through the normal actuators, within `stop_timeout`, one log line
/// per VM with the outcome. Returns whether every VM was restored; a VM that was not
/// (a refused change, the backend unreachable, the time out) is named in an error line.
struct StopRelease: Sendable {
    let engine: BalancerEngine
    let policy: StopPolicy
    let dryRun: Bool
    let logger: Logger

    func run() async -> Bool {
        guard policy.action == .release else { return true }
        guard !dryRun else {
            logger.info("on_stop = release: dry run, nothing was changed, so nothing to release")
            return true
        }
        let resized = await engine.resizedVMs
        guard !resized.isEmpty else {
            logger.info("on_stop = release: no VM was resized, nothing to release")
            return true
        }
        let whom = resized.count == 1 ? "1 VM its starting size" : "\(resized.count) VMs their starting sizes"
        logger.notice("on_stop = release: giving \(whom) back",
                      metadata: ["timeout_s": "\(policy.timeout)"])
        let engine = self.engine
        let attempt = Task<[ReleaseOutcome], any Error> { try await engine.release() }
        let outcomes: [ReleaseOutcome]
        do {
            guard let finished = try await DeadlineRace.value(of: attempt, within: policy.timeout) else {
                logger.error("on_stop = release: not finished within stop_timeout; these VMs may keep Ballast's sizes",
                             metadata: ["vms": "\(resized.joined(separator: ", "))", "stop_timeout": "\(policy.timeout)"])
                return false
            }
            outcomes = finished
        } catch {
            logger.error("on_stop = release: the backend cannot be sampled; these VMs keep Ballast's sizes",
                         metadata: ["vms": "\(resized.joined(separator: ", "))", "error": "\(error)"])
            return false
        }
        for outcome in outcomes { log(outcome) }
        return outcomes.allSatisfy(\.restored)
    }

    private func log(_ outcome: ReleaseOutcome) {
        if let left = outcome.left {
            logger.info("released \(outcome.vm): \(left)", metadata: ["vm": "\(outcome.vm)"])
            return
        }
        let moves = outcome.applied.map { applied in
            switch applied.outcome {
            case .applied: DecisionLog.summary(of: applied)
            case .skipped(let why), .failed(let why): "\(DecisionLog.summary(of: applied)) (\(why))"
            }
        }.joined(separator: ", ")
        if outcome.restored {
            logger.info("released \(outcome.vm): back to its starting size: \(moves)", metadata: ["vm": "\(outcome.vm)"])
        } else {
            logger.error("not released \(outcome.vm): could not be given its starting size: \(moves)",
                         metadata: ["vm": "\(outcome.vm)"])
        }
    }
}

import BallastCore

/// KSM on the wire (`/v1/state`'s `ksm`, absent where Ballast does not look at KSM:
/// the simulator). Pages are counted in the kernel's page size; bytes are given too.
public struct KSMDocument: Sendable, Hashable, Codable {
    /// "off", "auto" or "advisor", as configured.
    public var mode: String
    /// The kernel's `run` (0 stopped, 1 running, 2 unmerged); nil when unreadable.
    public var run: Int?
    public var pagesToScan: Int?
    public var sleepMilliseconds: Int?
    public var pagesShared: UInt64?
    public var pagesSharing: UInt64?
    /// Memory the merging saves: `pages_sharing` × the page size.
    public var savedBytes: UInt64?
    public var generalProfitBytes: Int64?
    /// The selected `advisor_mode`; nil on kernels without the advisor.
    public var advisorMode: String?
    /// The running guests' memory over the host's, as the controller saw it.
    public var committedFraction: Double?
    /// ksmd's CPU over the last tick, fraction of one core.
    public var ksmdCPUFraction: Double?
    public var maxCPUFraction: Double
    /// Why KSM is (not) running, in words.
    public var reason: String?
    public var dryRun: Bool
    /// Why KSM could not be read or written, if it could not.
    public var error: String?

    public init(_ status: KSMStatus) {
        mode = status.settings.mode.rawValue
        run = status.reading?.run
        pagesToScan = status.reading?.pagesToScan
        sleepMilliseconds = status.reading?.sleepMilliseconds
        pagesShared = status.reading?.pagesShared
        pagesSharing = status.reading?.pagesSharing
        savedBytes = status.reading.map { $0.pagesSharing &* $0.pageSize }
        generalProfitBytes = status.reading?.generalProfit
        advisorMode = status.reading?.advisorMode
        committedFraction = status.decision?.committedFraction
        ksmdCPUFraction = status.decision?.ksmdCPUFraction
        maxCPUFraction = status.settings.maxCPUFraction
        reason = status.decision?.reason
        dryRun = status.dryRun
        error = status.error
    }
}

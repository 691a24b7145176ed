/// What the kernel says about KSM at one instant (`/sys/kernel/mm/ksm/*`, and
/// ksmd's CPU time from `/proc`). Counts are pages; `nil` where the kernel has no
/// such file (older kernels lack `general_profit` and the advisor).
public struct KSMReading: Sendable, Hashable, Codable {
    /// `run`: 0 stopped (merged pages kept), 1 running, 2 stopped and unmerged.
    public var run: Int
    public var pagesToScan: Int
    public var sleepMilliseconds: Int
    /// Shared pages in use (`pages_shared`) and how many more sites use them
    /// (`pages_sharing`: the pages saved).
    public var pagesShared: UInt64
    public var pagesSharing: UInt64
    public var pagesUnshared: UInt64
    public var pagesVolatile: UInt64
    public var fullScans: UInt64
    /// `general_profit`, bytes: memory saved minus KSM's own metadata (Linux 6.1+).
    public var generalProfit: Int64?
    /// `advisor_mode`'s selected value ("none", "scan-time"); nil without the advisor (before Linux 6.7).
    public var advisorMode: String?
    /// `advisor_max_cpu`, percent of one core.
    public var advisorMaxCPUPercent: Int?
    /// ksmd's user + system CPU time, seconds; nil when ksmd was not found.
    public var ksmdCPUSeconds: Double?
    /// The page size the counts are in, bytes.
    public var pageSize: UInt64

    public init(run: Int, pagesToScan: Int, sleepMilliseconds: Int, pagesShared: UInt64 = 0, pagesSharing: UInt64 = 0,
                pagesUnshared: UInt64 = 0, pagesVolatile: UInt64 = 0, fullScans: UInt64 = 0, generalProfit: Int64? = nil,
                advisorMode: String? = nil, advisorMaxCPUPercent: Int? = nil, ksmdCPUSeconds: Double? = nil,
                pageSize: UInt64 = 4096) {
        self.run = run
        self.pagesToScan = pagesToScan
        self.sleepMilliseconds = sleepMilliseconds
        self.pagesShared = pagesShared
        self.pagesSharing = pagesSharing
        self.pagesUnshared = pagesUnshared
        self.pagesVolatile = pagesVolatile
        self.fullScans = fullScans
        self.generalProfit = generalProfit
        self.advisorMode = advisorMode
        self.advisorMaxCPUPercent = advisorMaxCPUPercent
        self.ksmdCPUSeconds = ksmdCPUSeconds
        self.pageSize = pageSize
    }

    /// Whether this kernel has the scan-time advisor.
    public var hasAdvisor: Bool { advisorMode != nil }
}

/// One value Ballast writes to a KSM file.
public enum KSMWrite: Sendable, Hashable, Codable {
    case run(Int)
    case pagesToScan(Int)
    case sleepMilliseconds(Int)
    case advisorMode(String)
    case advisorMaxCPUPercent(Int)

    /// The file under `/sys/kernel/mm/ksm` and the text written to it.
    public var file: String {
        switch self {
        case .run: "run"
        case .pagesToScan: "pages_to_scan"
        case .sleepMilliseconds: "sleep_millisecs"
        case .advisorMode: "advisor_mode"
        case .advisorMaxCPUPercent: "advisor_max_cpu"
        }
    }

    public var value: String {
        switch self {
        case .run(let v), .pagesToScan(let v), .sleepMilliseconds(let v), .advisorMaxCPUPercent(let v): String(v)
        case .advisorMode(let mode): mode
        }
    }
}

/// Why KSM could not be read or written: the file and the system's answer.
public struct KSMAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    public var detail: String

    public init(_ detail: String) {
        self.detail = detail
    }

    public var description: String { detail }
}

/// The host's KSM files, behind a protocol so that the controller runs against a
/// fixture tree in tests and nothing at all for the simulator.
public protocol KSMInterface: Sendable {
    /// Every value Ballast reports or decides on; throws when a required file
    /// (`run`, `pages_to_scan`, `sleep_millisecs`, the page counts) is missing or unreadable.
    func read() throws(KSMAccessError) -> KSMReading
    /// Writes the values in order; throws at the first that the kernel refused.
    func write(_ writes: [KSMWrite]) throws(KSMAccessError)
}

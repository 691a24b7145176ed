/// How Ballast drives the kernel's same-page merging (`[ksm]` in ballast.toml).
/// KSM saves memory when guests hold identical pages, but ksmd burns CPU while
/// it scans, so Ballast runs it only while the host is committed past a line and
/// keeps its CPU under a cap. Off by default: in mode `off` Ballast never writes
/// to `/sys/kernel/mm/ksm`.
public struct KSMSettings: Sendable, Hashable, Codable {
    /// Who tunes ksmd.
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Ballast leaves KSM as it finds it (it still reports what the kernel says).
        case off
        /// Ballast starts and stops ksmd and sets `pages_to_scan` from its committed
        /// memory and ksmd's measured CPU.
        case auto
        /// Ballast starts and stops ksmd; the kernel's scan-time advisor
        /// (`advisor_mode`, Linux 6.7+) sets `pages_to_scan` under `max_cpu_fraction`.
        case advisor
    }

    public var mode: Mode
    /// ksmd starts when the running guests' memory (their current sizes) reaches this
    /// fraction of the host's physical memory.
    public var startCommittedFraction: Double
    /// ksmd stops (merged pages stay merged) when committed memory falls below this;
    /// below `startCommittedFraction`, so that a host at the line does not flap.
    public var stopCommittedFraction: Double
    /// `pages_to_scan` at the start line and at full commitment (mode `auto`).
    public var pagesToScanMin: Int
    public var pagesToScanMax: Int
    /// `sleep_millisecs` while Ballast runs ksmd (mode `auto`).
    public var sleepMilliseconds: Int
    /// ksmd's CPU, as a fraction of one core, that Ballast keeps it under.
    public var maxCPUFraction: Double

    public init(mode: Mode = .off, startCommittedFraction: Double = 0.8, stopCommittedFraction: Double = 0.7,
                pagesToScanMin: Int = 64, pagesToScanMax: Int = 1250, sleepMilliseconds: Int = 20,
                maxCPUFraction: Double = 0.2) {
        self.mode = mode
        self.startCommittedFraction = startCommittedFraction
        self.stopCommittedFraction = stopCommittedFraction
        self.pagesToScanMin = pagesToScanMin
        self.pagesToScanMax = pagesToScanMax
        self.sleepMilliseconds = sleepMilliseconds
        self.maxCPUFraction = maxCPUFraction
    }
}

/// The trace file formats the simulator reads (see docs/simulator.md).
public enum TraceFormat: String, Sendable, CaseIterable {
    /// Google cluster-data 2011 as published per VM: two space-separated columns, CPU % and memory %.
    case gcd
    /// PlanetLab CoMon as shipped with CloudSim: one integer column, CPU %.
    case planetlab
    /// Bitbrains GWA-T-12: `;`+TAB separated with a header row, absolute sizes.
    case gwa
    /// Ballast's own CSV: `vm,time,cpu_millicores,memory_bytes`, RFC 4180 quoting.
    case csv

    /// Sample step of the %-based formats, seconds (the files carry no timestamps).
    static let percentTraceStep: Double = 300
}

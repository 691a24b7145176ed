import BallastCore

extension ConfigLoader {
    /// `[ksm]`: the KSM controller (docs/configuration.md, "KSM").
    static func readKSM(_ table: TableReader, into ksm: inout KSMSettings) {
        if let mode = table.string("mode") {
            if let parsed = KSMSettings.Mode(rawValue: mode) { ksm.mode = parsed } else {
                table.report("mode", "must be \"off\", \"auto\" or \"advisor\", found \"\(mode)\"")
            }
        }
        if let v = table.number("start_committed_fraction", in: 0...4) { ksm.startCommittedFraction = v }
        if let v = table.number("stop_committed_fraction", in: 0...4) { ksm.stopCommittedFraction = v }
        if ksm.stopCommittedFraction > ksm.startCommittedFraction {
            table.report("stop_committed_fraction", "(\(ksm.stopCommittedFraction)) is above start_committed_fraction "
                + "(\(ksm.startCommittedFraction)); ksmd would stop before it could start")
        }
        // The kernel takes any pages_to_scan up to UINT_MAX; 100,000 pages per wake is a full core and more.
        if let v = table.integer("pages_to_scan_min", in: 1...100_000) { ksm.pagesToScanMin = v }
        if let v = table.integer("pages_to_scan_max", in: 1...100_000) { ksm.pagesToScanMax = v }
        if ksm.pagesToScanMin > ksm.pagesToScanMax {
            table.report("pages_to_scan_min", "(\(ksm.pagesToScanMin)) is above pages_to_scan_max (\(ksm.pagesToScanMax))")
        }
        if let v = table.integer("sleep_ms", in: 1...60_000) { ksm.sleepMilliseconds = v }
        if let v = table.number("max_cpu_fraction", in: 0.01...1) { ksm.maxCPUFraction = v }
        table.finish()
    }
}

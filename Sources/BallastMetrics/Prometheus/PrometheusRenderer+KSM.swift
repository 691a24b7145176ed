import BallastCore

extension PrometheusRenderer {
    /// `ballast_ksm_*`: what the kernel's same-page merging saves and costs, and what
    /// the controller decided (docs/observability.md, "KSM").
    static func renderKSM(_ status: KSMStatus, into out: inout PrometheusText) {
        header("ballast_ksm_mode_info", "gauge", "The [ksm] mode Ballast runs with; the value is always 1.", into: &out)
        out.append("ballast_ksm_mode_info{")
        out.appendLabel("mode", status.settings.mode.rawValue)
        out.append("} 1\n")
        header("ballast_ksm_readable", "gauge", "1 when the last tick could read (and write) KSM, 0 when not (see /v1/state).",
               into: &out)
        sample("ballast_ksm_readable", status.error == nil ? 1 : 0, into: &out)
        header("ballast_ksm_max_cpu_ratio", "gauge", "The cap on ksmd's CPU, as a fraction of one core.", into: &out)
        sample("ballast_ksm_max_cpu_ratio", status.settings.maxCPUFraction, into: &out)
        if let decision = status.decision {
            header("ballast_ksm_committed_ratio", "gauge",
                   "Running guests' memory over the host's physical memory, as the KSM controller saw it.", into: &out)
            sample("ballast_ksm_committed_ratio", decision.committedFraction, into: &out)
            if let cpu = decision.ksmdCPUFraction {
                header("ballast_ksmd_cpu_ratio", "gauge", "ksmd's CPU over the last tick, as a fraction of one core.", into: &out)
                sample("ballast_ksmd_cpu_ratio", cpu, into: &out)
            }
        }
        guard let reading = status.reading else { return }
        header("ballast_ksm_running", "gauge", "1 while ksmd runs (run = 1), 0 when it is stopped.", into: &out)
        sample("ballast_ksm_running", reading.run == 1 ? 1 : 0, into: &out)
        header("ballast_ksm_pages", "gauge",
               "KSM pages by state: shared (merged pages), sharing (sites using them: pages saved), unshared, volatile.",
               into: &out)
        for (state, pages) in [("shared", reading.pagesShared), ("sharing", reading.pagesSharing),
                               ("unshared", reading.pagesUnshared), ("volatile", reading.pagesVolatile)] {
            out.append("ballast_ksm_pages{")
            out.appendLabel("state", state)
            out.append("} ")
            out.appendInteger(pages)
            out.append("\n")
        }
        header("ballast_ksm_saved_bytes", "gauge", "Memory KSM saves: pages_sharing times the page size.", into: &out)
        sampleInteger("ballast_ksm_saved_bytes", reading.pagesSharing &* reading.pageSize, into: &out)
        if let profit = reading.generalProfit {
            header("ballast_ksm_general_profit_bytes", "gauge",
                   "KSM's general_profit: memory saved minus its own metadata (negative when it costs more than it saves).",
                   into: &out)
            sample("ballast_ksm_general_profit_bytes", Double(profit), into: &out)
        }
        header("ballast_ksm_pages_to_scan", "gauge", "Pages ksmd scans per wake (pages_to_scan).", into: &out)
        sampleInteger("ballast_ksm_pages_to_scan", UInt64(max(0, reading.pagesToScan)), into: &out)
        header("ballast_ksm_sleep_seconds", "gauge", "ksmd's sleep between wakes (sleep_millisecs).", into: &out)
        sample("ballast_ksm_sleep_seconds", Double(reading.sleepMilliseconds) / 1000, into: &out)
        header("ballast_ksm_full_scans_total", "counter", "Full scans of mergeable memory ksmd completed.", into: &out)
        sampleInteger("ballast_ksm_full_scans_total", reading.fullScans, into: &out)
        if let seconds = reading.ksmdCPUSeconds {
            header("ballast_ksmd_cpu_seconds_total", "counter", "CPU time ksmd has used since boot (user + system).",
                   into: &out)
            sample("ballast_ksmd_cpu_seconds_total", seconds, into: &out)
        }
    }
}

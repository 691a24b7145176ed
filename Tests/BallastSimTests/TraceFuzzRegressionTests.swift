import BallastSim
import Testing

/// Trace inputs that broke the loaders, minimized: each once trapped (a Double too large
/// for the integer it was converted to) and is now a skipped line with a diagnostic.
@Suite struct TraceFuzzRegressionTests {
    private func load(_ format: TraceFormat, _ text: String) -> LoadReport {
        var report = LoadReport()
        TraceLoader(format: format, seed: 1).parse(text: text, path: "fuzz/vm-1", into: &report)
        return report
    }

    /// GWA sizes come from the file: cores past Int and memory past UInt64 trapped in the
    /// conversions (and cores × 1000 overflowed Int).
    @Test(arguments: [
        "0;1e20;2600;1300;50;4194304;2097152\n300;1e20;2600;1300;50;4194304;2097152",
        "0;1e16;2600;1300;50;4194304;2097152\n300;1e16;2600;1300;50;4194304;2097152",
        "0;2;2600;1300;50;1e300;2097152\n300;2;2600;1300;50;1e300;2097152",
    ])
    func gwaSizesPastTheIntegersAreRefused(text: String) {
        let report = load(.gwa, "Timestamp;cores;capacity;usage;percent;memory;usage\n" + text)
        #expect(report.traces.isEmpty)
        #expect(report.diagnostics.contains { $0.message.contains("too large") })
    }

    /// A GWA memory capacity above zero but under one byte (1.65e-8 KB, found by CI's fuzz
    /// step) sized the VM at 0 bytes: now a skipped line, like a zero capacity.
    @Test func gwaMemoryUnderOneByteIsRefused() {
        let report = load(.gwa, "Timestamp;cores;capacity;usage;percent;memory;usage\n"
                                + "0;2;2600;1300;50;0.00000001654245656;1\n300;2;2600;1300;50;0.00000001654245656;1")
        #expect(report.traces.isEmpty)
        #expect(report.diagnostics.contains { $0.message.contains("under one byte") })
    }

    /// Ballast's CSV sizes each VM by its peaks: memory past UInt64 (found by CI's fuzz step,
    /// minimized) and CPU past Int trapped when the size was rounded to whole GiB and cores.
    @Test(arguments: [
        "vm,time,cpu_millicores,memory_bytes\nweb,0,500,1e70\nweb,10,700,1073741824",
        "vm,time,cpu_millicores,memory_bytes\nweb,0,1e30,1073741824\nweb,10,700,1073741824",
    ])
    func csvSizesPastTheIntegersAreRefused(text: String) {
        let report = load(.csv, text)
        #expect(report.traces.isEmpty)
        #expect(report.diagnostics.contains { $0.message.contains("too large") })
    }

    /// Timestamps are unbounded: one past Int that does not increase (found by CI's fuzz
    /// step) trapped in its diagnostic, and gaps and epochs past Int in the alignment's.
    @Test func timestampsPastTheIntegersAreReportedNotTrapped() {
        let header = "Timestamp;cores;capacity;usage;percent;memory;usage\n"
        let repeated = load(.gwa, header + "1e300;2;2600;1300;50;4194304;2097152\n"
                                 + "1e300;2;2600;1300;50;4194304;2097152\n2e300;2;2600;1300;50;4194304;2097152")
        #expect(repeated.diagnostics.contains { $0.message.contains("not after the previous one") })
        #expect(repeated.traces.count == 1)
        let rows = ["0", "300", "600", "900", "1e300"].map { "\($0);2;2600;1300;50;4194304;2097152" }
        var traces = load(.gwa, header + rows.joined(separator: "\n")).traces
        let late = load(.gwa, header + "1e301;2;2600;1300;50;4194304;2097152\n2e301;2;2600;1300;50;4194304;2097152")
        traces += late.traces
        let (alignment, diagnostics) = TraceAlignment.align(&traces)
        #expect(diagnostics.contains { $0.message.contains("gap") }, "\(diagnostics)")
        #expect(alignment.description.contains("start later"), "\(alignment.description)")
    }
}

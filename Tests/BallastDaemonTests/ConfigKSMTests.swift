import BallastCore
@testable import BallastDaemon
import Testing

/// `[ksm]`: the KSM controller's mode, lines, pace and CPU cap.
@Suite("Config [ksm]")
struct ConfigKSMTests {
    @Test("off by default; the table sets every key")
    func everyKey() throws {
        #expect(try ConfigLoader.parse("", file: "t.toml").ksm == KSMSettings())
        #expect(KSMSettings().mode == .off)
        let ksm = try ConfigLoader.parse("""
            [ksm]
            mode = "advisor"
            start_committed_fraction = 0.9
            stop_committed_fraction = 0.85
            pages_to_scan_min = 32
            pages_to_scan_max = 4000
            sleep_ms = 50
            max_cpu_fraction = 0.1
            """, file: "t.toml").ksm
        #expect(ksm == KSMSettings(mode: .advisor, startCommittedFraction: 0.9, stopCommittedFraction: 0.85,
                                   pagesToScanMin: 32, pagesToScanMax: 4000, sleepMilliseconds: 50, maxCPUFraction: 0.1))
    }

    @Test("bad values name the key and the file; nothing is defaulted silently")
    func badValues() {
        let text = """
            [ksm]
            mode = "on"
            start_committed_fraction = 0.5
            stop_committed_fraction = 0.6
            pages_to_scan_min = 5000
            pages_to_scan_max = 100
            sleep_ms = 0
            max_cpu_fraction = 2
            pages = 3
            """
        do {
            _ = try ConfigLoader.parse(text, file: "bad.toml")
            Issue.record("a bad [ksm] table was accepted")
        } catch {
            let keys = Set(error.issues.map(\.key))
            #expect(keys == ["ksm.mode", "ksm.stop_committed_fraction", "ksm.pages_to_scan_min", "ksm.sleep_ms",
                             "ksm.max_cpu_fraction", "ksm.pages"])
            #expect(error.issues.allSatisfy { $0.file == "bad.toml" && $0.line != nil })
            #expect(error.issues.contains { $0.message.contains("\"off\", \"auto\" or \"advisor\", found \"on\"") })
        }
    }
}

import BallastCore
@testable import BallastDoctor
import Testing

/// `host.ksm`: the `[ksm]` mode against what the host's KSM allows.
@Suite("Doctor: KSM")
struct KSMCheckTests {
    static let ksm618: [String: String] = [
        "run": "1", "pages_to_scan": "100", "sleep_millisecs": "20", "pages_shared": "10", "pages_sharing": "2560",
        "pages_unshared": "0", "pages_volatile": "0", "full_scans": "3", "advisor_mode": "[none] scan-time",
        "advisor_max_cpu": "70",
    ]

    static func tree(_ ksm: [String: String]) throws -> ScratchTree {
        try ScratchTree(Dictionary(uniqueKeysWithValues: ksm.map { ("/sys/kernel/mm/ksm/\($0.key)", $0.value + "\n") }))
    }

    @Test("mode off is fine anywhere and says what KSM is doing")
    func off() throws {
        let tree = try Self.tree(Self.ksm618)
        defer { tree.remove() }
        let finding = KSMCheck.finding(KSMSettings(), in: tree.fileSystem, writable: { _ in false })
        #expect(finding.severity == .ok)
        #expect(finding.found.contains("run = 1") && finding.found.contains("10.0 MiB saved"))
        let none = try ScratchTree(["/proc/meminfo": "MemTotal: 1 kB\n"])
        defer { none.remove() }
        #expect(KSMCheck.finding(KSMSettings(), in: none.fileSystem).severity == .ok)
    }

    @Test("auto needs KSM and a writable run; advisor needs the advisor (Linux 6.7)")
    func driving() throws {
        let tree = try Self.tree(Self.ksm618)
        defer { tree.remove() }
        let auto = KSMSettings(mode: .auto)
        #expect(KSMCheck.finding(auto, in: tree.fileSystem, writable: { _ in true }).severity == .ok)
        let readOnly = KSMCheck.finding(auto, in: tree.fileSystem, writable: { _ in false })
        #expect(readOnly.severity == .warning && readOnly.found.contains("/sys/kernel/mm/ksm/run is not writable"))
        var older = Self.ksm618
        older["advisor_mode"] = nil
        let old = try Self.tree(older)
        defer { old.remove() }
        let advisor = KSMCheck.finding(KSMSettings(mode: .advisor), in: old.fileSystem, writable: { _ in true })
        #expect(advisor.severity == .warning && advisor.why.contains("Linux 6.7"))
        let none = try ScratchTree(["/proc/meminfo": "MemTotal: 1 kB\n"])
        defer { none.remove() }
        let missing = KSMCheck.finding(auto, in: none.fileSystem)
        #expect(missing.severity == .warning && missing.fix?.contains("CONFIG_KSM") == true)
    }
}

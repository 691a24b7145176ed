import Foundation
import Testing
import BallastCore
@testable import BallastCgroups

/// `KernelKSM` against a writable copy of the files a Linux 6.18 host has under
/// /sys/kernel/mm/ksm (values as this build machine showed them) and a /proc with ksmd.
@Suite("Kernel KSM files")
struct KernelKSMTests {
    static let host618: [String: String] = [
        "run": "0", "pages_to_scan": "100", "sleep_millisecs": "20", "pages_shared": "1200",
        "pages_sharing": "35000", "pages_unshared": "900", "pages_volatile": "12", "full_scans": "7",
        "general_profit": "142606336", "advisor_mode": "[none] scan-time", "advisor_max_cpu": "70",
        "max_page_sharing": "256", "merge_across_nodes": "1",
    ]
    /// A /proc/PID/stat line of ksmd (a kernel thread: utime 250 and stime 1250 ticks).
    static let ksmdStat = "39 (ksmd) S 2 0 0 0 -1 2129984 0 0 0 0 250 1250 0 0 25 5 1 0 12 0 0 "
        + "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0"

    /// A temporary root holding `files` (host path -> content); removed by the caller.
    static func tree(_ files: [String: String], ksm: [String: String]? = host618) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ksm-\(UUID().uuidString)").path
        var all = files
        for (name, value) in ksm ?? [:] { all["/sys/kernel/mm/ksm/\(name)"] = value + "\n" }
        for (path, content) in all {
            let url = URL(fileURLWithPath: root + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: false, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
        return root
    }

    static func contents(_ root: String, _ name: String) throws -> String {
        try String(contentsOfFile: root + "/sys/kernel/mm/ksm/" + name, encoding: .utf8)
    }

    @Test("reads every figure, the advisor's selected mode and ksmd's CPU time")
    func readsEverything() throws {
        let root = try Self.tree(["/proc/1/comm": "init\n", "/proc/39/comm": "ksmd\n", "/proc/39/stat": Self.ksmdStat,
                                  "/proc/self/comm": "ballast\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let reading = try KernelKSM(fileSystem: RootedFileSystem(root: root)).read()
        #expect(reading.run == 0 && reading.pagesToScan == 100 && reading.sleepMilliseconds == 20)
        #expect(reading.pagesShared == 1200 && reading.pagesSharing == 35000 && reading.pagesUnshared == 900)
        #expect(reading.pagesVolatile == 12 && reading.fullScans == 7)
        #expect(reading.generalProfit == 142_606_336)
        #expect(reading.advisorMode == "none" && reading.advisorMaxCPUPercent == 70)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        #expect(reading.ksmdCPUSeconds == 1500 / ticks)
    }

    @Test("a kernel before 6.7 (no advisor) and before 6.1 (no general_profit) reads without them")
    func olderKernel() throws {
        var files = Self.host618
        for name in ["general_profit", "advisor_mode", "advisor_max_cpu"] { files[name] = nil }
        let root = try Self.tree([:], ksm: files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let reading = try KernelKSM(fileSystem: RootedFileSystem(root: root)).read()
        #expect(reading.generalProfit == nil && reading.advisorMode == nil && !reading.hasAdvisor)
        #expect(reading.ksmdCPUSeconds == nil)
    }

    @Test("no KSM, or a file holding something the kernel never writes: an error naming the file")
    func errors() throws {
        let none = try Self.tree([:], ksm: nil)
        defer { try? FileManager.default.removeItem(atPath: none) }
        #expect(!KernelKSM(fileSystem: RootedFileSystem(root: none)).isPresent)
        #expect {
            try KernelKSM(fileSystem: RootedFileSystem(root: none)).read()
        } throws: { error in
            "\(error)".contains("/sys/kernel/mm/ksm/run is missing: this kernel has no KSM")
        }
        var garbage = Self.host618
        garbage["pages_sharing"] = "lots"
        let hostile = try Self.tree([:], ksm: garbage)
        defer { try? FileManager.default.removeItem(atPath: hostile) }
        #expect {
            try KernelKSM(fileSystem: RootedFileSystem(root: hostile)).read()
        } throws: { error in
            "\(error)".contains("/sys/kernel/mm/ksm/pages_sharing holds \"lots\"")
        }
    }

    @Test("writes each value to its file, in order; a refused write names the file and the fix")
    func writes() throws {
        let root = try Self.tree([:])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ksm = KernelKSM(fileSystem: RootedFileSystem(root: root))
        try ksm.write([.sleepMilliseconds(30), .pagesToScan(640), .advisorMaxCPUPercent(15), .run(1)])
        #expect(try Self.contents(root, "run") == "1")
        #expect(try Self.contents(root, "pages_to_scan") == "640")
        #expect(try Self.contents(root, "sleep_millisecs") == "30")
        #expect(try Self.contents(root, "advisor_max_cpu") == "15")
        let reading = try ksm.read()
        #expect(reading.run == 1 && reading.pagesToScan == 640)
        try FileManager.default.removeItem(atPath: root + "/sys/kernel/mm/ksm/pages_to_scan")
        #expect {
            try ksm.write([.pagesToScan(10), .run(0)])
        } throws: { error in
            "\(error)".contains("cannot write 10 to /sys/kernel/mm/ksm/pages_to_scan")
        }
        // The write stopped at the refused file: run was not touched.
        #expect(try Self.contents(root, "run") == "1")
    }

    @Test("the selected word of a sysfs choice file, and ksmd's time from its stat line")
    func parsing() {
        #expect(KernelKSM.selectedChoice("none [scan-time]") == "scan-time")
        #expect(KernelKSM.selectedChoice("none scan-time") == nil)
        #expect(KernelKSM.selectedChoice("[] x") == nil)
        #expect(KernelKSM.ksmdCPUTicks(stat: Self.ksmdStat) == 1500)
        #expect(KernelKSM.ksmdCPUTicks(stat: "40 (kswapd0) S 2 0 0 0 -1 0 0 0 0 0 9 9 0") == nil)
        #expect(KernelKSM.ksmdCPUTicks(stat: "39 (ksmd) S 2") == nil)
    }

    @Test("this host's own KSM reads, ksmd's CPU time included", .enabled(if: KernelKSM().isPresent))
    func realKernel() throws {
        let reading = try KernelKSM().read()
        let run = try String(contentsOfFile: "/sys/kernel/mm/ksm/run", encoding: .utf8)
        #expect(String(reading.run) == run.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(reading.pageSize == UInt64(sysconf(Int32(_SC_PAGESIZE))))
        #expect(reading.ksmdCPUSeconds != nil, "ksmd not found in /proc")
    }
}

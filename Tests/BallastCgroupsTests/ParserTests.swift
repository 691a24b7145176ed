import BallastCore
import Testing
@testable import BallastCgroups

struct ParserTests {
    @Test func flatKeyedFileReadsMeminfoUnitsAndSkipsNonNumbers() {
        let parsed = FlatKeyedFile.parse("MemTotal:  100 kB\nHugePages_Total: 3\nweird line\nnr_periods 7\n")
        #expect(parsed["MemTotal"] == 102_400)
        #expect(parsed["HugePages_Total"] == 3)
        #expect(parsed["nr_periods"] == 7)
        #expect(parsed["weird"] == nil)
    }

    @Test func pressureWithoutFullLine() throws {
        let sample = try PressureFile.parse("some avg10=0.50 avg60=0.10 avg300=0.00 total=77\n", file: "cpu.pressure")
        #expect(sample == PressureSample(someAvg10: 0.5, fullAvg10: nil, someTotalMicros: 77))
    }

    @Test func pressureMissingTotalIsAnError() {
        #expect(throws: ParseError.self) { try PressureFile.parse("some avg10=0.50\n", file: "x") }
    }

    @Test func cpuListCountsRangesAndRejectsGarbage() throws {
        #expect(try CPUList.count("0-1\n", file: "online") == 2)
        #expect(try CPUList.count("0-3,8,10-11", file: "online") == 7)
        #expect(throws: ParseError.self) { try CPUList.count("3-1", file: "online") }
        #expect(throws: ParseError.self) { try CPUList.count("", file: "online") }
    }

    @Test func hybridMountinfoIsV1WithTheUnifiedMountNoted() throws {
        let text = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """
        let layout = try CgroupLayout.parse(mountinfo: text)
        #expect(layout.version == .v1)
        #expect(layout.mount(for: "cpu") == "/sys/fs/cgroup/cpu")
        #expect(layout.mount(for: "cpuacct") == "/sys/fs/cgroup/cpuacct")
        #expect(layout.unifiedMount == "/sys/fs/cgroup/unified")
    }

    @Test func comountedControllersAndEscapedMountPoints() throws {
        let text = "30 25 0:26 / /sys/fs/cgroup/cpu\\040acct rw - cgroup cgroup rw,cpu,cpuacct\n"
        let layout = try CgroupLayout.parse(mountinfo: text)
        #expect(layout.mount(for: "cpu") == "/sys/fs/cgroup/cpu acct")
        #expect(layout.mount(for: "cpuacct") == "/sys/fs/cgroup/cpu acct")
    }

    @Test func noCgroupMountsIsAnError() {
        #expect(throws: CgroupLayoutError.self) {
            try CgroupLayout.parse(mountinfo: "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n")
        }
    }

    @Test func machineNamesFollowLibvirtAndSystemd() {
        #expect(MachineCgroupName.machineName(id: 1, name: "alpha") == "qemu-1-alpha")
        // Non-hostname characters dropped, runs of '-'/'.' collapsed, leading ones dropped.
        #expect(MachineCgroupName.machineName(id: 3, name: "-my vm_1..prod-") == "qemu-3-myvm1.prod")
        #expect(MachineCgroupName.libvirtGroupName(id: 3, name: "web") == "qemu-3-web.libvirt-qemu")
        #expect(MachineCgroupName.systemdScopeName(id: 1, name: "alpha") == "machine-qemu\\x2d1\\x2dalpha.scope")
        #expect(MachineCgroupName.systemdEscape(".a/b c") == "\\x2ea-b\\x20c")
    }

    @Test func longNamesAreCutAt64Characters() {
        let name = String(repeating: "a", count: 100)
        let machine = MachineCgroupName.machineName(id: 12, name: name)
        #expect(machine.count == 64)
        #expect(machine.hasPrefix("qemu-12-aaaa"))
        // 7 + 56 characters, then the cut lands right after a dash, which is dropped.
        let dashed = String(repeating: "a", count: 56) + "-bbbb"
        #expect(MachineCgroupName.machineName(id: 1, name: dashed) == "qemu-1-" + String(repeating: "a", count: 56))
    }
}

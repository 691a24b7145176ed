import BallastCgroups
import BallastCore
import BallastDoctor
import Testing

/// The host checks on fixture trees: cgroup v2 found and each domain's cgroup resolved
/// as the cgroups module does, PSI present or missing, the reserve against MemTotal.
struct HostCheckTests {
    @Test func findsTheCgroupV2LayoutAndEachDomainsScope() throws {
        let (finding, layout) = HostChecks.cgroupLayout(in: HostFixtures.v2Host)
        #expect(finding.severity == .ok)
        #expect(finding.found == "cgroup v2, unified hierarchy at /sys/fs/cgroup")
        let resolver = MachineCgroupResolver(layout: try #require(layout), fileSystem: HostFixtures.v2Host)
        let found = DomainFacts(name: "alpha", uuid: "u", running: true, definition: try DomainXMLSample().definition(),
                                cgroup: resolver.resolve(id: 1, name: "alpha"))
        let ok = try #require(DomainChecks.findings(found).only("domain.cgroup"))
        #expect(ok.severity == .ok)
        #expect(ok.found.contains(#"/sys/fs/cgroup/machine.slice/machine-qemu\x2d1\x2dalpha.scope"#))
        let missing = DomainFacts(name: "ghost", uuid: "u", running: true, definition: try DomainXMLSample().definition(),
                                  cgroup: resolver.resolve(id: 9, name: "ghost"))
        let warning = try #require(DomainChecks.findings(missing).only("domain.cgroup"))
        #expect(warning.severity == .warning)
        #expect(warning.found.contains("ghost"))
    }

    @Test func findsCgroupV1Controllers() throws {
        let mountinfo = """
            30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct
            31 25 0:27 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
            """
        let tree = try ScratchTree(["/proc/self/mountinfo": mountinfo])
        defer { tree.remove() }
        let (finding, layout) = HostChecks.cgroupLayout(in: tree.fileSystem)
        #expect(layout?.version == .v1)
        #expect(finding.found == "cgroup v1, cpu at /sys/fs/cgroup/cpu,cpuacct, memory at /sys/fs/cgroup/memory")
    }

    @Test func noCgroupMountIsAWarning() throws {
        let mountinfo = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        let tree = try ScratchTree(["/proc/self/mountinfo": mountinfo])
        defer { tree.remove() }
        let (finding, layout) = HostChecks.cgroupLayout(in: tree.fileSystem)
        #expect(layout == nil)
        #expect(finding.severity == .warning)
        #expect(finding.fix?.contains("cgroup2") == true)
    }

    @Test func psiPresentIsOkAndMissingIsAWarningToBootWithPSI() throws {
        #expect(HostChecks.pressure(in: HostFixtures.v2Host).severity == .ok)
        let tree = try ScratchTree(["/proc/meminfo": "MemTotal: 1 kB\n"])
        defer { tree.remove() }
        let missing = HostChecks.pressure(in: tree.fileSystem)
        #expect(missing.severity == .warning)
        #expect(missing.found.contains("/proc/pressure/memory does not exist"))
        #expect(missing.fix?.contains("psi=1") == true)
    }

    @Test func theReserveIsJudgedAgainstMemTotal() throws {
        let host = try HostReader(fileSystem: HostFixtures.v2Host).read()
        func memory(_ bytes: UInt64) -> Finding? {
            HostChecks.reserve(ResourceVector(cpu: 500, memory: bytes), host: host).only("host.reserve-memory")
        }
        #expect(memory(.gibibytes(1))?.severity == .ok)
        #expect(memory(.mebibytes(64))?.severity == .warning)
        #expect(memory(.gibibytes(12))?.severity == .warning)
        #expect(memory(host.memoryTotal)?.severity == .blocker)
        let cpu = HostChecks.reserve(ResourceVector(cpu: 5000, memory: .gibibytes(1)), host: host).only("host.reserve-cpu")
        #expect(cpu?.severity == .blocker)
        #expect(cpu?.found.contains("5 online CPUs") == true)
    }
}

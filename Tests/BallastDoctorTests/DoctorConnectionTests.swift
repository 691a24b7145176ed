import BallastDoctor
import Testing

/// The whole doctor against libvirt's test driver and against a URI nobody answers;
/// host files come from the cgroup v2 fixture so the verdict does not depend on this machine.
struct DoctorConnectionTests {
    @Test func anUnreachableURIIsABlockerNamingTheURIAndTheFix() async {
        let uri = "qemu+unix:///system?socket=/nonexistent/ballast-doctor.sock"
        let report = await Doctor(options: DoctorOptions(uri: uri, connectTimeout: 10, fileSystem: HostFixtures.v2Host)).run()
        #expect(report.exitCode == 2)
        let connection = report.findings.only("host.libvirt")
        #expect(connection?.severity == .blocker)
        #expect(connection?.found.contains(uri) == true)
        #expect(connection?.fix?.contains("start libvirtd") == true)
        #expect(connection?.fix?.contains("socket path") == true)
        #expect(report.findings.allSatisfy { if case .host = $0.scope { true } else { false } })
    }

    @Test func aLibvirtdThatNeverAnswersIsABlockerAfterTheTimeoutNotAHang() async throws {
        let silent = try SilentSocket()
        defer { silent.close() }
        let uri = "qemu+unix:///system?socket=\(silent.path)"
        let report = await Doctor(options: DoctorOptions(uri: uri, connectTimeout: 2, fileSystem: HostFixtures.v2Host)).run()
        #expect(report.exitCode == 2)
        let connection = report.findings.only("host.libvirt")
        #expect(connection?.found == "no answer from \(uri) within 2 s")
        #expect(connection?.fix?.contains("libvirtd is not hung") == true)
    }

    @Test func readOnlyWithoutReadWriteIsAPermissionBlocker() {
        let finding = ConnectionCheck.finding(uri: "qemu:///system",
                                              outcome: .readOnlyOnly(readWriteError: "authentication unavailable"))
        #expect(finding.severity == .blocker)
        #expect(finding.found.contains("read-only") && finding.found.contains("authentication unavailable"))
        #expect(finding.fix?.contains("usermod -aG libvirt") == true)
    }

    @Test func theTestDriversDomainIsCheckedOverAReadWriteConnection() async {
        let report = await Doctor(options: DoctorOptions(uri: "test:///default", statsWait: 0,
                                                         fileSystem: HostFixtures.v2Host)).run()
        #expect(report.findings.only("host.libvirt")?.severity == .ok)
        let test = report.findings(forDomain: "test")
        #expect(test.contains { $0.check == "domain.balloon-device" })
        #expect(test.contains { $0.check == "domain.vcpu-maximum" })
        // The test driver runs no domain in a host cgroup: nothing to look for.
        #expect(!test.contains { $0.check == "domain.cgroup" })
    }

    @Test func aDomainNamedButAbsentIsABlocker() async {
        let report = await Doctor(options: DoctorOptions(uri: "test:///default", domains: ["nope"], statsWait: 0,
                                                         fileSystem: HostFixtures.v2Host)).run()
        #expect(report.exitCode == 2)
        #expect(report.findings.only("host.domains")?.found.contains("'nope'") == true)
        #expect(report.findings(forDomain: "test").isEmpty)
    }

    @Test func aDomainTheConfigOptsOutIsReportedAsSuchTheLastMatchingTableDeciding() async throws {
        let config = "[vm.\"t*\"]\nopt_out = false\n\n[vm.\"te*\"]\nopt_out = true\n"
        let tree = try ScratchTree(["/ballast.toml": config])
        defer { tree.remove() }
        let report = await Doctor(options: DoctorOptions(uri: "test:///default", configPath: tree.root + "/ballast.toml",
                                                         statsWait: 0, fileSystem: HostFixtures.v2Host)).run()
        let test = report.findings(forDomain: "test")
        #expect(test.map(\.check) == ["domain.opt-out"])
        #expect(test.first?.found.contains(#"[vm."te*"] opt_out = true"#) == true)
    }

    @Test func aBadConfigIsABlockerAndTheRestIsStillChecked() async throws {
        let tree = try ScratchTree(["/ballast.toml": "interval = \"soon\"\n"])
        defer { tree.remove() }
        let report = await Doctor(options: DoctorOptions(uri: "test:///default", configPath: tree.root + "/ballast.toml",
                                                         statsWait: 0, fileSystem: HostFixtures.v2Host)).run()
        #expect(report.findings.only("host.config")?.severity == .blocker)
        #expect(report.findings.only("host.config")?.found.contains("interval") == true)
        #expect(report.findings.only("host.libvirt")?.severity == .ok)
    }
}

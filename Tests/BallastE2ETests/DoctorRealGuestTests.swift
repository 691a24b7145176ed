import Foundation
import Testing

/// `ballast doctor` against real guests built to fail one check each (no balloon driver
/// in the initramfs, no statistics period, no guest agent channel) and one fit guest:
/// the exit code and the specific findings. Run alone:
/// `swift test --skip-build --filter DoctorRealGuests` (under /work/guest.lock on shared machines).
extension RealGuestTests {
    @Suite("ballast doctor on real guests")
    struct DoctorRealGuests {
        /// Every doctor guest: balloon with deflate-on-OOM and free page reporting, a 2 s
        /// period, an agent channel and 1 of 2 vCPUs, unless a test breaks one of them.
        static func guest(_ name: String) -> GuestSpec {
            var spec = GuestSpec("doctor-\(name)")
            spec.memoryMiB = 256
            spec.autodeflate = true
            spec.freePageReporting = true
            return spec
        }

        struct Run {
            var status: Int32
            var human: String
            var findings: [[String: Any]]

            /// The severity of the domain's finding of `check`, or nil when there is none.
            func severity(_ check: String) -> String? {
                findings.first { $0["check"] as? String == check }?["severity"] as? String
            }

            func found(_ check: String) -> String {
                findings.first { $0["check"] as? String == check }?["found"] as? String ?? ""
            }

            func fix(_ check: String) -> String {
                findings.first { $0["check"] as? String == check }?["fix"] as? String ?? ""
            }

            var problems: [String] {
                findings.filter { $0["severity"] as? String != "ok" }.compactMap { $0["check"] as? String }.sorted()
            }
        }

        /// `ballast doctor --domain NAME`, in both forms; the human form is kept for the docs.
        static func doctor(_ guest: GuestSpec) async throws -> Run {
            let arguments = ["doctor", "--connect", HarnessPaths.uri, "--domain", guest.name]
            let json = try await Shell.run(HarnessPaths.ballastBinary, arguments + ["--json"], timeout: 120)
            let human = try await Shell.run(HarnessPaths.ballastBinary, arguments, timeout: 120)
            #expect(json.status == human.status,
                    "the two forms disagree: \(json.stdout)\(json.stderr)\n\(human.stdout)\(human.stderr)")
            try human.stdout.write(toFile: "\(try HarnessPaths.runDirectory("doctor"))/\(guest.name).txt",
                                   atomically: true, encoding: .utf8)
            let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let findings = try #require(document?["findings"] as? [[String: Any]], "\(json.stdout)\(json.stderr)")
            #expect(document?["exit_code"] as? Int == Int(json.status))
            return Run(status: json.status, human: human.stdout, findings: findings)
        }

        @Test("a fit guest passes; no balloon driver, no period, no agent each fail their own check")
        func fitAndUnfitGuests() async throws {
            let noBalloonImage = try await Shell.run("bash", [HarnessPaths.buildNoBalloonScript], timeout: 300).check()
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let fit = Self.guest("fit")
            var noDriver = Self.guest("nodriver")
            noDriver.initrd = noBalloonImage
            var noPeriod = Self.guest("noperiod")
            noPeriod.statsPeriod = false
            var noAgent = Self.guest("noagent")
            noAgent.agentChannel = false
            try await withGuests([fit, noDriver, noPeriod, noAgent]) {
                // Settle: the agent connects and the driver's first report arrives a little after boot.
                for guest in [fit, noDriver, noPeriod] {
                    try await eventually("guest agent connected in \(guest.name)", within: 90) {
                        try await Virsh.run(["dumpxml", guest.name]).contains("state='connected'")
                    }
                }
                try await eventually("balloon statistics from \(fit.name)", within: 60) {
                    try await Virsh.domstats(fit.name, ["--balloon"])["balloon.usable"] != nil
                }
                #expect(SerialLog.contains(noDriver.name, "name=virtio_balloon loaded=0"))

                let fitRun = try await Self.doctor(fit)
                #expect(fitRun.status == 0, "\(fitRun.human)")
                #expect(fitRun.problems.isEmpty, "\(fitRun.human)")
                #expect(fitRun.severity("domain.balloon-driver") == "ok")
                #expect(fitRun.severity("domain.guest-agent") == "ok")

                let noDriverRun = try await Self.doctor(noDriver)
                #expect(noDriverRun.status == 2, "\(noDriverRun.human)")
                #expect(noDriverRun.problems == ["domain.balloon-driver"], "\(noDriverRun.human)")
                #expect(noDriverRun.severity("domain.balloon-driver") == "blocker")
                #expect(noDriverRun.found("domain.balloon-driver").contains("beyond actual/rss"))
                #expect(noDriverRun.fix("domain.balloon-driver").contains("modprobe virtio_balloon"))

                let noPeriodRun = try await Self.doctor(noPeriod)
                #expect(noPeriodRun.status == 1, "\(noPeriodRun.human)")
                #expect(noPeriodRun.problems == ["domain.stats-period"], "\(noPeriodRun.human)")
                #expect(noPeriodRun.severity("domain.stats-period") == "warning")
                #expect(noPeriodRun.fix("domain.stats-period").contains("virsh dommemstat \(noPeriod.name) --period 2 --live"))
                // The driver sends one report when it loads; without a period it is never refreshed.
                #expect(noPeriodRun.found("domain.balloon-driver").contains("not refreshed without a period"))

                let noAgentRun = try await Self.doctor(noAgent)
                #expect(noAgentRun.status == 1, "\(noAgentRun.human)")
                #expect(noAgentRun.problems == ["domain.guest-agent"], "\(noAgentRun.human)")
                #expect(noAgentRun.found("domain.guest-agent") == "no guest agent channel")
                #expect(noAgentRun.fix("domain.guest-agent").contains("org.qemu.guest_agent.0"))
            }
        }

        @Test("an unreachable URI exits 2 naming the URI and the fix, in bounded time")
        func unreachableURI() async throws {
            let uri = "qemu+unix:///system?socket=/nonexistent/ballast-doctor.sock"
            let run = try await Shell.run(HarnessPaths.ballastBinary, ["doctor", "--connect", uri, "--timeout", "10"], timeout: 60)
            #expect(run.status == 2, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("cannot connect to \(uri)"), "\(run.stdout)")
            #expect(run.stdout.contains("start libvirtd"), "\(run.stdout)")
        }
    }
}

import BallastDoctor
import BallastLibvirt
import Testing

/// Each domain check on parsed domain XML: a fit guest passes every one; each broken
/// part yields its own finding, with its severity and a fix naming the domain.
struct DomainCheckTests {
    /// The one finding of `check` on a running guest whose sample `edit` broke.
    func finding(_ check: String, reporting: Bool = true, _ edit: (inout DomainXMLSample) -> Void) throws -> Finding {
        var sample = DomainXMLSample()
        edit(&sample)
        return try #require(DomainChecks.findings(try sample.runningFacts(reporting: reporting)).only(check))
    }

    @Test func aFitGuestPassesEveryCheck() throws {
        let findings = DomainChecks.findings(try DomainXMLSample().runningFacts())
        #expect(findings.allSatisfy { $0.severity == .ok }, "\(findings)")
        #expect(Set(findings.map(\.check)) == ["domain.balloon-device", "domain.stats-period", "domain.balloon-driver",
                                                "domain.deflate-on-oom", "domain.free-page-reporting",
                                                "domain.guest-agent", "domain.vcpu-maximum", "domain.on-stop"])
    }

    @Test func noBalloonDeviceIsABlockerWithTheXMLToAdd() throws {
        for balloon in ["", "<memballoon model='none'/>"] {
            var sample = DomainXMLSample()
            sample.balloon = balloon
            let findings = DomainChecks.findings(try sample.runningFacts(reporting: false))
            let device = try #require(findings.only("domain.balloon-device"))
            #expect(device.severity == .blocker)
            #expect(device.fix?.contains("<memballoon model='virtio' autodeflate='on' freePageReporting='on'>") == true)
            #expect(device.fix?.contains("<stats period='2'/>") == true)
            // The balloon's own settings are meaningless without it.
            #expect(findings.only("domain.balloon-driver") == nil)
            #expect(findings.only("domain.stats-period") == nil)
        }
    }

    @Test func aGuestWithoutTheDriverReportsOnlyActualAndRSSAndIsABlocker() throws {
        let findings = DomainChecks.findings(try DomainXMLSample().runningFacts(reporting: false))
        let driver = try #require(findings.only("domain.balloon-driver"))
        #expect(driver.severity == .blocker)
        #expect(driver.found.contains("beyond actual/rss"))
        #expect(driver.fix?.contains("modprobe virtio_balloon") == true)
    }

    @Test func noStatsPeriodIsAWarningWithTheVirshCommandAndTheDriverCannotBeJudged() throws {
        var sample = DomainXMLSample()
        sample.balloon = "<memballoon model='virtio' autodeflate='on' freePageReporting='on'/>"
        let findings = DomainChecks.findings(try sample.runningFacts(reporting: false))
        let period = try #require(findings.only("domain.stats-period"))
        #expect(period.severity == .warning)
        #expect(period.fix?.contains("virsh dommemstat guest --period 2 --live") == true)
        let driver = try #require(findings.only("domain.balloon-driver"))
        #expect(driver.severity == .warning)
        #expect(driver.found.contains("cannot tell"))
    }

    @Test func withoutAPeriodTheDriversReportAtLoadShowsItIsThere() throws {
        var sample = DomainXMLSample()
        sample.balloon = "<memballoon model='virtio' autodeflate='on' freePageReporting='on'/>"
        let findings = DomainChecks.findings(try sample.runningFacts(reporting: true))
        let driver = try #require(findings.only("domain.balloon-driver"))
        #expect(driver.severity == .ok)
        #expect(driver.found.contains("not refreshed without a period"))
        #expect(findings.filter { $0.severity != .ok }.map(\.check) == ["domain.stats-period"])
    }

    @Test func aZeroPeriodCountsAsNoPeriod() throws {
        let period = try finding("domain.stats-period") {
            $0.balloon = "<memballoon model='virtio' autodeflate='on' freePageReporting='on'><stats period='0'/></memballoon>"
        }
        #expect(period.severity == .warning)
        #expect(period.found.contains("period 0"))
    }

    @Test func deflateOnOOMAndFreePageReportingOffAreWarnings() throws {
        var sample = DomainXMLSample()
        sample.balloon = "<memballoon model='virtio'><stats period='2'/></memballoon>"
        let findings = DomainChecks.findings(try sample.runningFacts())
        let deflate = try #require(findings.only("domain.deflate-on-oom"))
        let reporting = try #require(findings.only("domain.free-page-reporting"))
        #expect(deflate.severity == .warning && reporting.severity == .warning)
        #expect(deflate.fix?.contains("autodeflate='on'") == true)
        #expect(reporting.fix?.contains("freePageReporting='on'") == true)
    }

    @Test func noAgentChannelIsAWarningWithTheChannelXML() throws {
        let agent = try finding("domain.guest-agent") { $0.agentChannel = "" }
        #expect(agent.severity == .warning)
        #expect(agent.found == "no guest agent channel")
        #expect(agent.fix?.contains("<target type='virtio' name='org.qemu.guest_agent.0'/>") == true)
    }

    @Test func aChannelWithoutAnAgentListeningIsAWarningToStartTheAgent() throws {
        let agent = try finding("domain.guest-agent") {
            $0.agentChannel = "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/></channel>"
        }
        #expect(agent.severity == .warning)
        #expect(agent.fix?.contains("qemu-guest-agent") == true)
    }

    @Test func vcpusAtTheirMaximumCannotBeRaised() throws {
        let maximum = try finding("domain.vcpu-maximum") { $0.vcpu = "<vcpu placement='static'>2</vcpu>" }
        #expect(maximum.severity == .warning)
        #expect(maximum.found == "2 vCPUs of maximum 2")
        #expect(maximum.fix?.contains("virsh setvcpus guest 4 --maximum --config") == true)
    }

    @Test func aPassthroughDeviceIsABlockerNamingTheDevice() throws {
        var sample = DomainXMLSample()
        sample.hostdev = """
            <hostdev mode='subsystem' type='pci' managed='yes'>
              <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
            </hostdev>
            """
        let passthrough = try #require(DomainChecks.findings(try sample.runningFacts()).only("domain.passthrough"))
        #expect(passthrough.severity == .blocker)
        #expect(passthrough.found.contains("pci 0000:01:00.0"))
        #expect(passthrough.fix?.contains("opt_out = true") == true)
    }

    @Test func hugePagesAreABlockerWithTheOptOut() throws {
        let hugePages = try finding("domain.huge-pages") {
            $0.memoryBacking = "<memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>"
        }
        #expect(hugePages.severity == .blocker)
        #expect(hugePages.fix?.contains("<opt-out/>") == true)
        #expect(DomainChecks.findings(try DomainXMLSample().runningFacts()).only("domain.huge-pages") == nil)
    }

    @Test func anOptedOutDomainIsReportedAsSuchAndNotCheckedFurther() throws {
        var sample = DomainXMLSample()
        sample.balloon = ""
        sample.metadata = "<ballast:policy xmlns:ballast='https://ballast.dev/xmlns/policy/1'><opt-out/></ballast:policy>"
        var facts = try sample.runningFacts(reporting: false)
        #expect(facts.definition?.metadata?.optOut == true)
        facts.optOut = "Ballast metadata <opt-out/>"
        let findings = DomainChecks.findings(facts)
        #expect(findings.count == 1)
        #expect(findings.first?.check == "domain.opt-out")
        #expect(findings.first?.severity == .ok)
    }

    @Test func aStoppedDomainIsCheckedFromItsDefinitionWithoutRuntimeChecks() throws {
        let facts = DomainFacts(name: "guest", uuid: "u", running: false, definition: try DomainXMLSample().definition())
        let findings = DomainChecks.findings(facts)
        #expect(findings.only("domain.state")?.severity == .ok)
        #expect(findings.only("domain.balloon-driver") == nil)
        #expect(findings.allSatisfy { $0.severity == .ok })
    }

    @Test func unreadableXMLIsABlocker() {
        let facts = DomainFacts(name: "guest", uuid: "u", running: true, definitionError: "root element is not <domain>")
        let findings = DomainChecks.findings(facts)
        #expect(findings.only("domain.xml")?.severity == .blocker)
    }
}

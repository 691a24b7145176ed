import BallastDaemon
import BallastDoctor
import Testing

/// `domain.on-stop`: with `on_stop = "keep"` a running guest without deflate-on-OOM is
/// warned about, with both fixes; with `release`, or with autodeflate on, it is fit.
struct OnStopCheckTests {
    func onStop(_ action: StopPolicy.Action, balloon: String) throws -> Finding? {
        var sample = DomainXMLSample()
        sample.balloon = balloon
        return DomainChecks.findings(try sample.runningFacts(), onStop: action).only("domain.on-stop")
    }

    static let noAutodeflate = "<memballoon model='virtio'><stats period='2'/></memballoon>"
    static let autodeflate = "<memballoon model='virtio' autodeflate='on'><stats period='2'/></memballoon>"

    @Test func keepWithoutAutodeflateWarnsWithBothFixes() throws {
        let finding = try #require(try onStop(.keep, balloon: Self.noAutodeflate))
        #expect(finding.severity == .warning)
        #expect(finding.fix?.contains("autodeflate='on'") == true && finding.fix?.contains("on_stop = \"release\"") == true)
    }

    @Test func keepWithAutodeflateAndReleaseAreFit() throws {
        #expect(try onStop(.keep, balloon: Self.autodeflate)?.severity == .ok)
        #expect(try onStop(.release, balloon: Self.noAutodeflate)?.severity == .ok)
    }

    @Test func aDomainThatIsNotRunningIsNotChecked() throws {
        var sample = DomainXMLSample()
        sample.balloon = Self.noAutodeflate
        var facts = try sample.runningFacts()
        facts.running = false
        #expect(DomainChecks.findings(facts, onStop: .keep).only("domain.on-stop") == nil)
    }
}

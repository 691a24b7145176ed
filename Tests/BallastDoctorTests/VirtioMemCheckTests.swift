import BallastDoctor
import Testing

/// `domain.virtio-mem`: what doctor says of a domain's virtio-mem device.
@Suite("doctor: virtio-mem")
struct VirtioMemCheckTests {
    static func device(requested: Int, current: Int?, block: Int = 2048) -> String {
        """
        <memory model='virtio-mem'>
          <target><size unit='KiB'>262144</size><node>0</node><block unit='KiB'>\(block)</block>
            <requested unit='KiB'>\(requested)</requested>\(current.map { "<current unit='KiB'>\($0)</current>" } ?? "")</target>
          <alias name='virtiomem0'/>
        </memory>
        """
    }

    @Test("no device, no finding; a device the guest plugged is fine and says where it stands")
    func fitDevice() throws {
        #expect(DomainChecks.findings(try DomainXMLSample().runningFacts()).only("domain.virtio-mem") == nil)
        var sample = DomainXMLSample()
        sample.memoryDevices = Self.device(requested: 131072, current: 131072)
        let finding = try #require(DomainChecks.findings(try sample.runningFacts()).only("domain.virtio-mem"))
        #expect(finding.severity == .ok)
        #expect(finding.found.contains("256.0 MiB in 2.0 MiB blocks on 128.0 MiB of boot memory"))
        #expect(finding.found.contains("128.0 MiB plugged of 128.0 MiB requested"))
    }

    @Test("a request the guest has not plugged is a warning that names the driver")
    func unplugged() throws {
        var sample = DomainXMLSample()
        sample.memoryDevices = Self.device(requested: 131072, current: nil)
        let finding = try #require(DomainChecks.findings(try sample.runningFacts()).only("domain.virtio-mem"))
        #expect(finding.severity == .warning)
        #expect(finding.found.contains("0 B plugged of 128.0 MiB requested"))
        #expect(finding.fix?.contains("virtio_mem") == true)
    }

    @Test("a device Ballast cannot trust is a warning saying what is wrong and that the balloon moves alone")
    func untrusted() throws {
        var sample = DomainXMLSample()
        sample.memoryDevices = Self.device(requested: 0, current: nil, block: 3072)
        let finding = try #require(DomainChecks.findings(try sample.runningFacts()).only("domain.virtio-mem"))
        #expect(finding.severity == .warning)
        #expect(finding.found.contains("not a power of two"))
        #expect(finding.why.contains("balloon alone"))
    }
}

import BallastCore
import BallastLibvirt
import Testing

/// Domain XML that broke the reader, minimized (docs/fuzzing.md).
@Suite struct DomainXMLFuzzRegressionTests {
    /// A `<vcpu>` past any hypervisor's limit made the CPU ceiling (vCPUs × 1000) overflow
    /// and trap in `DomainPolicy.spec`; it is now ignored with a warning.
    @Test(arguments: ["9223372036854775807", "9223372036854776", "70000"])
    func aHugeVCPUCountIsIgnoredWithAWarning(count: String) throws {
        let xml = "<domain><name>big</name><vcpu current='\(count)'>\(count)</vcpu></domain>"
        let (definition, warnings) = try DomainXMLParser.parse(xml, domainName: "big")
        #expect(definition.maxVCPUs == nil)
        #expect(definition.currentVCPUs == nil)
        #expect(warnings.contains { $0.contains("<vcpu>") && $0.contains("is more than") })
        let (spec, _) = DomainPolicy.spec(definition, fallbackMemory: nil, fallbackVCPUs: nil)
        #expect(spec.maxVCPUs == 1)
    }
}

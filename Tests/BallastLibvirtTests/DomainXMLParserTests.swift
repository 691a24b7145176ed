import BallastCore
import Testing
@testable import BallastLibvirt

struct DomainXMLParserTests {
    static func domain(metadata: String = "", balloon: String = "<memballoon model='virtio'><stats period='2'/></memballoon>",
                       vcpu: String = "<vcpu placement='static' current='2'>4</vcpu>") -> String {
        """
        <domain type='qemu'>
          <name>web-1</name>
          <uuid>AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE</uuid>
          <metadata>\(metadata)</metadata>
          <memory unit='MiB'>1024</memory>
          <currentMemory unit='KiB'>524288</currentMemory>
          \(vcpu)
          <cputune><shares>2048</shares></cputune>
          <memtune><min_guarantee unit='M'>128</min_guarantee></memtune>
          <devices>\(balloon)</devices>
        </domain>
        """
    }

    @Test func readsTheOperatorsIntentFromTheDomainXML() throws {
        let (definition, warnings) = try DomainXMLParser.parse(Self.domain(), domainName: "web-1")
        #expect(warnings.isEmpty)
        #expect(definition.name == "web-1")
        #expect(definition.uuid == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
        #expect(definition.memory == 1 << 30)
        #expect(definition.currentMemory == 512 << 20)
        #expect(definition.maxVCPUs == 4)
        #expect(definition.currentVCPUs == 2)
        #expect(definition.vcpuHotplug)
        #expect(definition.cpuShares?.value == 2048)
        #expect(definition.minGuarantee == 128 << 20)
        #expect(definition.hasBalloon)
        #expect(definition.metadata == nil)

        let (spec, specWarnings) = DomainPolicy.spec(definition, fallbackMemory: nil, fallbackVCPUs: nil)
        #expect(specWarnings.isEmpty)
        #expect(spec.ceiling == ResourceVector(cpu: 4000, memory: 1 << 30))
        #expect(spec.floor == ResourceVector(cpu: 0, memory: 128 << 20))
        #expect(spec.cpuShares.value == 2048)
        #expect(spec.maxVCPUs == 4)
        #expect(spec.vcpuHotplug)
        #expect(!spec.optOut)
    }

    @Test func balloonModelNoneAndFixedVCPUs() throws {
        let xml = Self.domain(balloon: "<memballoon model='none'/>", vcpu: "<vcpu>2</vcpu>")
        let (definition, _) = try DomainXMLParser.parse(xml, domainName: "web-1")
        #expect(!definition.hasBalloon)
        #expect(!definition.vcpuHotplug)
        let (withoutElement, _) = try DomainXMLParser.parse(Self.domain(balloon: ""), domainName: "web-1")
        #expect(!withoutElement.hasBalloon)
    }

    @Test func ballastMetadataOverridesTheXML() throws {
        let metadata = """
        <ballast:policy xmlns:ballast="https://ballast.dev/xmlns/policy/1">
          <ballast:shares cpu="4096" memory="512"/>
          <ballast:reservation cpu_millicores="500" memory_bytes="268435456"/>
          <ballast:limit cpu_millicores="3000" memory_bytes="805306368"/>
          <ballast:floor cpu_millicores="250" memory_bytes="201326592"/>
          <ballast:ceiling cpu_millicores="3500" memory_bytes="939524096"/>
          <ballast:vcpus min="2" max="3"/>
        </ballast:policy>
        """
        let (definition, warnings) = try DomainXMLParser.parse(Self.domain(metadata: metadata), domainName: "web-1")
        #expect(warnings.isEmpty)
        let (spec, specWarnings) = DomainPolicy.spec(definition, fallbackMemory: nil, fallbackVCPUs: nil)
        #expect(specWarnings.isEmpty)
        #expect(spec.cpuShares.value == 4096)
        #expect(spec.memoryShares == 512)
        #expect(spec.reservation == ResourceVector(cpu: 500, memory: 268_435_456))
        #expect(spec.cpuLimit == 3000)
        #expect(spec.memoryLimit == 805_306_368)
        #expect(spec.floor == ResourceVector(cpu: 250, memory: 201_326_592))
        #expect(spec.ceiling == ResourceVector(cpu: 3500, memory: 939_524_096))
        #expect(spec.minVCPUs == 2)
        #expect(spec.maxVCPUs == 3)
    }

    @Test func metadataAsVirshWritesItWithUnprefixedChildrenAndOptOut() throws {
        // `virsh metadata --key ballast --uri https://ballast.dev/xmlns/policy/1 --set '<policy>..'`
        let metadata = """
        <ballast:policy xmlns:ballast="https://ballast.dev/xmlns/policy/1"><shares cpu="512"/><opt-out/></ballast:policy>
        """
        let (definition, warnings) = try DomainXMLParser.parse(Self.domain(metadata: metadata), domainName: "web-1")
        #expect(warnings.isEmpty)
        #expect(definition.metadata?.cpuShares?.value == 512)
        #expect(definition.metadata?.optOut == true)
        // Another prefix for the same namespace is the same element.
        let other = "<b:policy xmlns:b='https://ballast.dev/xmlns/policy/1'><opt-out/></b:policy>"
        #expect(try DomainXMLParser.parse(Self.domain(metadata: other), domainName: "web-1").definition.metadata?.optOut == true)
        // Other tools' metadata is not ours.
        let foreign = "<nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'><opt-out/></nova:instance>"
        #expect(try DomainXMLParser.parse(Self.domain(metadata: foreign), domainName: "web-1").definition.metadata == nil)
    }

    @Test func malformedMetadataWarnsNamingDomainAndFieldAndUsesDefaults() throws {
        let metadata = """
        <ballast:policy xmlns:ballast="https://ballast.dev/xmlns/policy/1">
          <shares cpu="lots" memory="0"/>
          <limit memory_bytes="-5" colour="red"/>
          <turbo/>
          <ceiling memory_bytes="99999999999999"/>
        </ballast:policy>
        """
        let (definition, warnings) = try DomainXMLParser.parse(Self.domain(metadata: metadata), domainName: "web-1")
        #expect(warnings.allSatisfy { $0.hasPrefix("domain 'web-1':") })
        #expect(warnings.contains { $0.contains("<shares cpu=>") && $0.contains("'lots'") })
        #expect(warnings.contains { $0.contains("<shares>") && $0.contains("0 is not a weight") })
        #expect(warnings.contains { $0.contains("<limit memory_bytes=>") && $0.contains("'-5'") })
        #expect(warnings.contains { $0.contains("unknown attribute 'colour'") })
        #expect(warnings.contains { $0.contains("unknown element <turbo>") })
        let (spec, specWarnings) = DomainPolicy.spec(definition, fallbackMemory: nil, fallbackVCPUs: nil)
        #expect(spec.cpuShares.value == 2048) // the XML's <shares>, since the metadata's was bad
        #expect(spec.memoryShares == VMSpec.defaultShares)
        #expect(spec.memoryLimit == nil)
        #expect(spec.ceiling.memory == 1 << 30) // metadata may not raise the ceiling
        #expect(specWarnings.contains { $0.contains("exceeds <memory>") })
    }

    @Test func badValuesInTheDomainXMLAreWarningsToo() throws {
        let xml = """
        <domain type='kvm'><name>odd</name><memory unit='furlongs'>5</memory><vcpu>zero</vcpu>
        <cputune><shares>-1</shares></cputune></domain>
        """
        let (definition, warnings) = try DomainXMLParser.parse(xml, domainName: "odd")
        #expect(definition.memory == nil)
        #expect(definition.maxVCPUs == nil)
        #expect(definition.cpuShares == nil)
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.contains("unknown unit 'furlongs'") })
        let (spec, _) = DomainPolicy.spec(definition, fallbackMemory: 1 << 29, fallbackVCPUs: 2)
        #expect(spec.ceiling == ResourceVector(cpu: 2000, memory: 1 << 29))
    }

    @Test func notXMLIsAnErrorNamingTheDomain() {
        #expect {
            _ = try DomainXMLParser.parse("this is not XML", domainName: "broken")
        } throws: { error in
            "\(error)".contains("'broken'")
        }
        #expect(throws: DomainXMLError.self) { _ = try DomainXMLParser.parse("<network/>", domainName: "n") }
    }

    @Test func truncatedXMLNamesTheLineAndLibxml2sReason() {
        #expect {
            _ = try DomainXMLParser.parse("<domain>\n<name>web</name>\n<memory>", domainName: "cut")
        } throws: { error in
            let text = "\(error)"
            return text.contains("'cut'") && text.contains("line ")
        }
    }

    @Test func characterReferencesAreReadAndExternalEntitiesAreNeverLoaded() throws {
        let xml = """
            <!DOCTYPE domain [<!ENTITY host SYSTEM "file:///etc/hostname">]>
            <domain><name>a&amp;b&#x20;c</name><memory unit='KiB'>&host;</memory></domain>
            """
        let (definition, warnings) = try DomainXMLParser.parse(xml, domainName: "a&b c")
        #expect(definition.name == "a&b c")
        #expect(definition.memory == nil)
        #expect(warnings.contains { $0.contains("<memory> '' is not an unsigned integer") })
    }
}

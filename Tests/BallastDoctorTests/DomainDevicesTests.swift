import BallastLibvirt
import Testing

/// The device facts `ballast doctor` needs, read by the domain XML reader.
struct DomainDevicesTests {
    @Test func readsTheBalloonsSettingsTheAgentChannelAndPassthroughDevices() throws {
        var sample = DomainXMLSample()
        sample.hostdev = """
            <hostdev mode='subsystem' type='usb'><source><vendor id='0x046d'/><product id='0xc52b'/></source></hostdev>
            """
        let devices = try sample.definition().devices
        #expect(devices.balloonStatsPeriod == 2)
        #expect(devices.balloonAutodeflate)
        #expect(devices.balloonFreePageReporting)
        #expect(devices.guestAgentChannel)
        #expect(devices.guestAgentState == "connected")
        #expect(devices.hostDevices == ["usb 046d:c52b"])
    }

    @Test func aBadPeriodIsAWarningAndLeftUnset() throws {
        var sample = DomainXMLSample()
        sample.balloon = "<memballoon model='virtio'><stats period='soon'/></memballoon>"
        let (definition, warnings) = try DomainXMLParser.parse(sample.xml, domainName: "guest")
        #expect(definition.devices.balloonStatsPeriod == nil)
        #expect(warnings.contains { $0.contains("period='soon'") })
    }

    @Test func aChannelForAnotherPortIsNotTheAgent() throws {
        var sample = DomainXMLSample()
        sample.agentChannel = "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>"
        #expect(!(try sample.definition().devices.guestAgentChannel))
    }
}

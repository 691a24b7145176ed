import BallastDoctor
import BallastLibvirt

/// Domain XML as libvirt prints it, fit by default; each argument breaks one thing.
struct DomainXMLSample {
    var balloon = """
        <memballoon model='virtio' autodeflate='on' freePageReporting='on'>
          <stats period='2'/>
        </memballoon>
        """
    var agentChannel = """
        <channel type='unix'>
          <source mode='bind' path='/run/libvirt/qemu/channel/1-fit/org.qemu.guest_agent.0'/>
          <target type='virtio' name='org.qemu.guest_agent.0' state='connected'/>
        </channel>
        """
    var vcpu = "<vcpu placement='static' current='1'>2</vcpu>"
    var hostdev = ""
    /// Memory devices, e.g. a `<memory model='virtio-mem'>`.
    var memoryDevices = ""
    var metadata = ""
    var memoryBacking = ""

    var xml: String {
        """
        <domain type='kvm' id='1'>
          <name>guest</name>
          <uuid>11111111-2222-3333-4444-555555555555</uuid>
          <metadata>\(metadata)</metadata>
          <memory unit='KiB'>393216</memory>
          <currentMemory unit='KiB'>393216</currentMemory>
          \(memoryBacking)
          \(vcpu)
          <devices>
            <serial type='pty'><target port='0'/></serial>
            \(agentChannel)
            \(hostdev)
            \(balloon)
            \(memoryDevices)
          </devices>
        </domain>
        """
    }

    func definition() throws -> DomainDefinition {
        try DomainXMLParser.parse(xml, domainName: "guest").definition
    }

    /// The facts of a running guest whose driver reports (`reporting`) or not.
    func runningFacts(reporting: Bool = true) throws -> DomainFacts {
        var stats = DomainStats(uuid: "11111111-2222-3333-4444-555555555555", name: "guest", id: 1, state: .running)
        stats.balloonCurrent = 384 << 20
        stats.rss = 200 << 20
        if reporting {
            stats.balloon.available = 350 << 20
            stats.balloon.usable = 300 << 20
            stats.balloon.unused = 280 << 20
        }
        return DomainFacts(name: "guest", uuid: "11111111-2222-3333-4444-555555555555", running: true,
                           definition: try definition(), stats: stats)
    }
}

extension [Finding] {
    /// The one finding of `check`, if there is exactly one.
    func only(_ check: String) -> Finding? {
        let matching = filter { $0.check == check }
        return matching.count == 1 ? matching[0] : nil
    }
}

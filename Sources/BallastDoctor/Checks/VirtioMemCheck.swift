import BallastCore
import BallastLibvirt

/// `domain.virtio-mem`: for a domain with a virtio-mem device, whether Ballast resizes it
/// (and where it stands), or why not (docs/virtio-mem.md). Nil for domains without one.
enum VirtioMemCheck {
    static func finding(_ facts: DomainFacts, _ definition: DomainDefinition) -> Finding? {
        let check = "domain.virtio-mem"
        if let problem = definition.virtioMemProblem {
            return Finding(check: check, scope: facts.scope, severity: .warning, found: problem,
                           why: "Ballast leaves a virtio-mem device it cannot trust at its size; the domain's memory moves "
                               + "by the balloon alone, below its boot memory",
                           fix: "virsh edit \(facts.name): one <memory model='virtio-mem'> with a <size>, a power-of-two "
                               + "<block> and a <requested> no larger than the size")
        }
        guard let device = definition.virtioMem else { return nil }
        var found = "virtio-mem device of \(HumanFormat.bytes(device.size)) in \(HumanFormat.bytes(device.block)) blocks"
        if let boot = definition.bootMemory { found += " on \(HumanFormat.bytes(boot)) of boot memory" }
        found += ": Ballast plugs memory above the boot memory through it"
        guard facts.running else { return .ok(check, facts.scope, found) }
        let plugged = device.current ?? 0
        found += " (\(HumanFormat.bytes(plugged)) plugged of \(HumanFormat.bytes(device.requested)) requested)"
        guard plugged == device.requested else {
            return Finding(check: check, scope: facts.scope, severity: .warning, found: found,
                           why: "the guest has not plugged what the device was asked for: without the virtio_mem driver "
                               + "it plugs nothing, and memory in use (or not onlined movable) cannot be unplugged",
                           fix: "load virtio_mem in the guest (Linux 5.8+, CONFIG_VIRTIO_MEM) and online hot-plugged "
                               + "memory as movable (memhp_default_state=online_movable on its kernel command line)")
        }
        return .ok(check, facts.scope, found)
    }
}

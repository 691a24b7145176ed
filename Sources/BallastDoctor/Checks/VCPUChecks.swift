import BallastLibvirt

/// The CPU checks of a domain: the QEMU guest agent channel (Ballast lowers vCPUs by
/// offlining them in the guest) and a vCPU maximum above the current count (it raises
/// them by hot-plugging up to the maximum).
enum VCPUChecks {
    static let agentChannelXML = """
        <channel type='unix'>
          <target type='virtio' name='\(DomainDevices.guestAgentPort)'/>
        </channel>
        """

    static func findings(_ facts: DomainFacts, _ definition: DomainDefinition) -> [Finding] {
        [agent(facts, definition.devices), maximum(facts, definition)]
    }

    static func agent(_ facts: DomainFacts, _ devices: DomainDevices) -> Finding {
        let check = "domain.guest-agent"
        let why = "Ballast lowers a guest's vCPUs by offlining them inside it through the QEMU guest agent; "
            + "without it vCPUs can only be raised"
        guard devices.guestAgentChannel else {
            return Finding(check: check, scope: facts.scope, severity: .warning, found: "no guest agent channel",
                           why: why,
                           fix: "virsh edit \(facts.name), and inside <devices> put:\n\(agentChannelXML)\n"
                               + "then restart the domain and install qemu-guest-agent in the guest")
        }
        if facts.running, let state = devices.guestAgentState, state != "connected" {
            return Finding(check: check, scope: facts.scope, severity: .warning,
                           found: "guest agent channel present, but no agent listens in the guest (state \(state))",
                           why: why,
                           fix: "in the guest: install and start qemu-guest-agent (systemctl enable --now qemu-guest-agent)")
        }
        let state = devices.guestAgentState.map { " (\($0))" } ?? ""
        return .ok(check, facts.scope, "guest agent channel \(DomainDevices.guestAgentPort)\(state)")
    }

    static func maximum(_ facts: DomainFacts, _ definition: DomainDefinition) -> Finding {
        let check = "domain.vcpu-maximum"
        let maximum = facts.stats?.vcpuMaximum ?? definition.maxVCPUs ?? 1
        let current = facts.stats?.vcpuCurrent ?? definition.currentVCPUs ?? maximum
        let found = "\(current) vCPU\(current == 1 ? "" : "s") of maximum \(maximum)"
        if current < maximum { return .ok(check, facts.scope, found) }
        return Finding(
            check: check, scope: facts.scope, severity: .warning, found: found,
            why: "Ballast raises a busy guest's vCPUs by hot-plugging up to the maximum; at the maximum it can never add one",
            fix: "virsh setvcpus \(facts.name) \(maximum * 2) --maximum --config, then restart the domain "
                + "(XML: <vcpu placement='static' current='\(current)'>\(maximum * 2)</vcpu>)")
    }
}

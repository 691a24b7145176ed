/// Carries out one vCPU change on one running domain and says which way it went.
///
/// - Lowering goes through the guest agent (the guest offlines vCPUs, fast and
///   reversible, also for vCPUs present at boot). When the agent cannot do it, ACPI
///   unplug is tried, unless it already failed in this run of the domain; when neither
///   is possible the change is skipped with what to do.
/// - Raising first onlines vCPUs the agent took offline (up to the plugged count),
///   then hot-plugs beyond the plugged count by ACPI (the guest onlines new vCPUs).
/// - A lost connection or a vanished domain is thrown as it is, with no failure
///   remembered: it says nothing about the domain's ability to change vCPUs.
struct VCPUActuator<Control: VCPUControl> {
    let control: Control
    let uuid: String
    let name: String
    /// Seconds libvirt may wait for the guest agent per command.
    let agentTimeout: Int32

    /// Changes `vcpus` (updated to what happened, also when this throws) to `target`
    /// at `now` (backend seconds, for the guest count's re-read schedule).
    func change(_ vcpus: inout DomainVCPUs, to target: Int, at now: Double) async throws(LibvirtError) -> ActuatorResult {
        if target < vcpus.effective { return try await lower(&vcpus, to: target, at: now) }
        if target > vcpus.effective { return try await raise(&vcpus, to: target, at: now) }
        return .applied(how: "already at \(target) vCPUs")
    }

    private func lower(_ vcpus: inout DomainVCPUs, to target: Int, at now: Double) async throws(LibvirtError) -> ActuatorResult {
        let agentError: LibvirtError
        do {
            try await control.setGuestVCPUs(uuid: uuid, count: target, agentTimeout: agentTimeout)
            vcpus.guestOnline(target, at: now)
            return .applied(how: "offlined in the guest through the guest agent")
        } catch where error.connectionLost || error.isNoDomain {
            throw error
        } catch {
            agentError = error
        }
        if let failure = vcpus.unplugFailure {
            return .skipped("cannot lower the vCPUs of \(name): the guest agent did not do it (\(agentError.message)) "
                + "and ACPI unplug failed earlier in this run of the domain (\(failure)); "
                + "install and enable qemu-guest-agent in the guest (channel org.qemu.guest_agent.0 in the domain XML)")
        }
        do {
            try await control.setVCPUs(uuid: uuid, count: target)
        } catch where error.connectionLost || error.isNoDomain {
            throw error
        } catch {
            vcpus.unplugFailure = error.message
            var combined = error
            combined.operation = "lowering the vCPUs of \(name) to \(target)"
            combined.message = "guest agent: \(agentError.message); ACPI unplug (\(error.operation)): \(error.message)"
            combined.hint = "install and enable qemu-guest-agent in the guest (channel org.qemu.guest_agent.0 in the "
                + "domain XML); ACPI unplug is not retried in this run of the domain"
            throw combined
        }
        vcpus.plugged = target
        vcpus.guest = nil
        return .applied(how: "removed by ACPI unplug (the guest agent did not do it: \(agentError.message))")
    }

    private func raise(_ vcpus: inout DomainVCPUs, to target: Int, at now: Double) async throws(LibvirtError) -> ActuatorResult {
        var steps: [String] = []
        if let guest = vcpus.guest {
            let online = min(target, vcpus.plugged)
            do {
                try await control.setGuestVCPUs(uuid: uuid, count: online, agentTimeout: agentTimeout)
                vcpus.guestOnline(online, at: now)
                steps.append("onlined \(online - guest.online) in the guest through the guest agent")
            } catch where error.connectionLost || error.isNoDomain || target <= vcpus.plugged {
                throw error
            } catch {
                steps.append("the guest agent could not online its offline vCPUs (\(error.message))")
            }
        }
        if target > vcpus.plugged {
            try await control.setVCPUs(uuid: uuid, count: target)
            let added = target - vcpus.plugged
            // Hot-plugged vCPUs come up online; any the agent still keeps offline stay so.
            if let guest = vcpus.guest { vcpus.guest?.online = guest.online + added }
            vcpus.plugged = target
            steps.append("added \(added) by ACPI hot-plug")
        }
        return .applied(how: steps.joined(separator: ", then "))
    }
}

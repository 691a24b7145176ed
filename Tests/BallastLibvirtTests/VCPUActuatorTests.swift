import Testing
@testable import BallastLibvirt

/// Which way a vCPU change goes (guest agent, ACPI, neither) and what the domain's
/// vCPU bookkeeping says afterwards, against a scripted control.
struct VCPUActuatorTests {
    private func changer(_ control: ScriptedVCPUControl) -> VCPUActuator<ScriptedVCPUControl> {
        VCPUActuator(control: control, uuid: "uuid-1", name: "web-1", agentTimeout: 3)
    }

    @Test func lowersThroughTheGuestAgentAndKeepsThePluggedCount() async throws {
        let control = ScriptedVCPUControl()
        var vcpus = DomainVCPUs(plugged: 4)
        let result = try await changer(control).change(&vcpus, to: 2, at: 100)
        #expect(result == .applied(how: "offlined in the guest through the guest agent"))
        #expect(control.calls == [.guest(2)])
        #expect(vcpus == DomainVCPUs(plugged: 4, guest: GuestVCPUs(online: 2, checkedAt: 100)))
        #expect(vcpus.effective == 2)
    }

    @Test func agentNotConnectedFallsBackToACPIUnplug() async throws {
        let control = ScriptedVCPUControl(guestError: ScriptedVCPUControl.agentNotConnected)
        var vcpus = DomainVCPUs(plugged: 2)
        let result = try await changer(control).change(&vcpus, to: 1, at: 0)
        guard case .applied(let how) = result else {
            Issue.record("expected applied, got \(result)")
            return
        }
        #expect(how.contains("ACPI unplug"))
        #expect(how.contains("QEMU guest agent is not connected"))
        #expect(control.calls == [.guest(1), .acpi(1)])
        #expect(vcpus == DomainVCPUs(plugged: 1))
    }

    @Test func neitherWayRemembersTheUnplugFailureAndThenSkipsWithWhatToDo() async throws {
        let control = ScriptedVCPUControl(guestError: ScriptedVCPUControl.agentNotConnected,
                                          acpiError: ScriptedVCPUControl.unplugTimeout)
        var vcpus = DomainVCPUs(plugged: 2)
        let error = await #expect(throws: LibvirtError.self) { try await changer(control).change(&vcpus, to: 1, at: 0) }
        #expect(error?.message.contains("QEMU guest agent is not connected") == true)
        #expect(error?.message.contains("vcpu unplug request timed out") == true)
        #expect(error?.operation.contains("web-1") == true)
        #expect(error?.hint.contains("qemu-guest-agent") == true)
        #expect(vcpus.unplugFailure == ScriptedVCPUControl.unplugTimeout.message)
        #expect(vcpus.plugged == 2)

        // Next time: the agent is asked again (one fast error), ACPI is not.
        let again = try await changer(control).change(&vcpus, to: 1, at: 10)
        guard case .skipped(let why) = again else {
            Issue.record("expected skipped, got \(again)")
            return
        }
        #expect(why.contains("web-1"))
        #expect(why.contains("install and enable qemu-guest-agent"))
        #expect(why.contains("vcpu unplug request timed out"))
        #expect(control.calls == [.guest(1), .acpi(1), .guest(1)])
    }

    @Test func lostConnectionRemembersNothingAndTriesNoFallback() async throws {
        let control = ScriptedVCPUControl(guestError: ScriptedVCPUControl.connectionGone)
        var vcpus = DomainVCPUs(plugged: 2)
        let error = await #expect(throws: LibvirtError.self) { try await changer(control).change(&vcpus, to: 1, at: 0) }
        #expect(error?.connectionLost == true)
        #expect(control.calls == [.guest(1)])
        #expect(vcpus == DomainVCPUs(plugged: 2))
    }

    @Test func lostConnectionDuringACPIUnplugRecordsNoUnplugFailure() async throws {
        let control = ScriptedVCPUControl(guestError: ScriptedVCPUControl.agentNotConnected,
                                          acpiError: ScriptedVCPUControl.connectionGone)
        var vcpus = DomainVCPUs(plugged: 2)
        await #expect(throws: LibvirtError.self) { try await changer(control).change(&vcpus, to: 1, at: 0) }
        #expect(vcpus.unplugFailure == nil)
    }

    @Test func raisingOnlinesAgentOfflinedVCPUsFirstWithoutHotPlug() async throws {
        let control = ScriptedVCPUControl()
        var vcpus = DomainVCPUs(plugged: 4, guest: GuestVCPUs(online: 1, checkedAt: 0))
        let partly = try await changer(control).change(&vcpus, to: 3, at: 5)
        #expect(partly == .applied(how: "onlined 2 in the guest through the guest agent"))
        #expect(vcpus.guest == GuestVCPUs(online: 3, checkedAt: 5))
        let fully = try await changer(control).change(&vcpus, to: 4, at: 6)
        #expect(fully == .applied(how: "onlined 1 in the guest through the guest agent"))
        #expect(vcpus == DomainVCPUs(plugged: 4), "all plugged vCPUs online: the agent bookkeeping ends")
        #expect(control.calls == [.guest(3), .guest(4)])
    }

    @Test func raisingBeyondThePluggedCountOnlinesThenHotPlugs() async throws {
        let control = ScriptedVCPUControl()
        var vcpus = DomainVCPUs(plugged: 2, guest: GuestVCPUs(online: 1, checkedAt: 0))
        let result = try await changer(control).change(&vcpus, to: 4, at: 1)
        #expect(result == .applied(how: "onlined 1 in the guest through the guest agent, then added 2 by ACPI hot-plug"))
        #expect(control.calls == [.guest(2), .acpi(4)])
        #expect(vcpus == DomainVCPUs(plugged: 4))
    }

    @Test func raisingWithoutOfflineVCPUsIsACPIHotPlugOnly() async throws {
        let control = ScriptedVCPUControl(guestError: ScriptedVCPUControl.agentNotConnected)
        var vcpus = DomainVCPUs(plugged: 1)
        let result = try await changer(control).change(&vcpus, to: 2, at: 0)
        #expect(result == .applied(how: "added 1 by ACPI hot-plug"))
        #expect(control.calls == [.acpi(2)])
        #expect(vcpus == DomainVCPUs(plugged: 2))
    }

    @Test func raisingPastAnUnansweringAgentHotPlugsAndKeepsCountingTheOfflineOnes() async throws {
        let control = ScriptedVCPUControl(guestError: ScriptedVCPUControl.agentNotConnected)
        var vcpus = DomainVCPUs(plugged: 2, guest: GuestVCPUs(online: 1, checkedAt: 0))
        let result = try await changer(control).change(&vcpus, to: 3, at: 1)
        guard case .applied(let how) = result else {
            Issue.record("expected applied, got \(result)")
            return
        }
        #expect(how.contains("could not online"))
        #expect(how.contains("added 1 by ACPI hot-plug"))
        #expect(vcpus.plugged == 3)
        #expect(vcpus.effective == 2, "one vCPU is still offline in the guest")
    }

    @Test func raisingWithinThePluggedCountFailsWhenTheAgentCannotOnline() async throws {
        let control = ScriptedVCPUControl(guestError: ScriptedVCPUControl.agentNotConnected)
        var vcpus = DomainVCPUs(plugged: 2, guest: GuestVCPUs(online: 1, checkedAt: 0))
        let error = await #expect(throws: LibvirtError.self) { try await changer(control).change(&vcpus, to: 2, at: 1) }
        #expect(error?.message.contains("not connected") == true)
        #expect(control.calls == [.guest(2)])
        #expect(vcpus.effective == 1)
    }
}

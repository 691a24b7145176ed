/// The two libvirt calls that change a running domain's vCPUs, as the vCPU change logic
/// needs them: `LibvirtConnection` in the daemon, a scripted double in unit tests (which
/// cannot run a guest agent).
protocol VCPUControl: Sendable {
    /// vCPUs online inside the guest, through the QEMU guest agent.
    func setGuestVCPUs(uuid: String, count: Int, agentTimeout: Int32) async throws(LibvirtError)
    /// vCPUs plugged in the hypervisor (live ACPI hot-plug or unplug).
    func setVCPUs(uuid: String, count: Int) async throws(LibvirtError)
}

extension LibvirtConnection: VCPUControl {}

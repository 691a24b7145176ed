/// A running domain's vCPUs as Ballast plans with them. The hypervisor's count
/// (`vcpu.current`, "plugged") comes from every sample; when Ballast has offlined vCPUs
/// inside the guest through the QEMU guest agent, the guest's online count is the
/// effective one, because the hypervisor's count does not move then. The guest count is
/// remembered, not asked of the agent every tick (1,000 VMs × 20 ms would not fit in a
/// tick): it is re-read only for domains Ballast lowered, at most every recheck interval.
struct DomainVCPUs: Sendable, Hashable {
    /// vCPUs plugged in the hypervisor (libvirt's live `vcpu.current`).
    var plugged: Int
    /// Set only while Ballast keeps vCPUs offline in the guest through the agent
    /// (`online < plugged`); nil means every plugged vCPU counts.
    var guest: GuestVCPUs?
    /// Set when an ACPI vCPU unplug failed in this run of the domain: QEMU 7.2 + libvirt
    /// 9.0 time out on unplug and leave libvirt's count wrong, so it is not retried.
    var unplugFailure: String?

    init(plugged: Int, guest: GuestVCPUs? = nil, unplugFailure: String? = nil) {
        self.plugged = plugged
        self.guest = guest
        self.unplugFailure = unplugFailure
    }

    /// The bookkeeping for run `id` of a domain with `plugged` vCPUs: what Ballast knew of
    /// the same run (`known`, with its domain id) is kept; a restarted domain starts afresh.
    static func forRun(id: Int, plugged: Int, known: (id: Int, vcpus: DomainVCPUs)?) -> DomainVCPUs {
        guard let known, known.id == id else { return DomainVCPUs(plugged: plugged) }
        return known.vcpus
    }

    /// The count Ballast plans with: online in the guest if Ballast lowered it, else plugged.
    var effective: Int { guest?.online ?? plugged }

    /// Takes the hypervisor's count from a sample. A count other than the one the guest
    /// count was recorded at means the VM changed outside the agent path (hot-plug,
    /// unplug, another tool): the guest count is forgotten.
    mutating func observe(plugged count: Int) {
        if count != plugged { guest = nil }
        plugged = count
    }

    /// Whether the guest count should be read again through the agent at `now`.
    func recheckDue(at now: Double, interval: Double) -> Bool {
        guard let guest else { return false }
        return now - guest.checkedAt >= interval || now < guest.checkedAt
    }

    /// Records the guest's online count as set or read at `now`. All plugged vCPUs
    /// online (someone onlined them, or the guest restarted its CPUs) ends the
    /// agent bookkeeping; the hypervisor's count is effective again.
    mutating func guestOnline(_ online: Int, at now: Double) {
        guest = online < plugged ? GuestVCPUs(online: online, checkedAt: now) : nil
    }
}

/// The guest's online vCPU count as Ballast last set or read it through the guest agent.
struct GuestVCPUs: Sendable, Hashable {
    var online: Int
    /// When `online` was set or last read, backend seconds.
    var checkedAt: Double
}

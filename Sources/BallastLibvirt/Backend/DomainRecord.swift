import BallastCgroups
import BallastCore

/// What the backend remembers about one domain between samples: its parsed
/// definition (refreshed every few samples or when its id changes), where its
/// cgroup is, and the live facts `apply` needs (vCPUs, balloon device).
struct DomainRecord {
    var id: Int
    var name: String
    var definition: DomainDefinition?
    var definitionError: String?
    /// The policy inputs; `spec.vcpuHotplug` is latched: true once the config showed
    /// current < maximum in this run of the domain.
    var spec: VMSpec
    var warnings: [String]
    var fetchedAtSample: UInt64
    var cgroup: MachineCgroup?
    var cgroupError: String?
    var statsPeriodSet = false
    /// Plugged and effective vCPUs, and what Ballast did to them in this run of the domain.
    var vcpus: DomainVCPUs
    /// The balloon target Ballast set last in this run of the domain (a larger balloon
    /// afterwards means the guest deflated it by itself).
    var balloonTarget: UInt64?
    /// The headroom shortfall the balloon watch last asked a tick for, nil when none is
    /// pending (`LowHeadroomRule.asksForTick`).
    var lowHeadroomShortfall: UInt64?
    /// Whether the balloon watch already asked for a tick for this self-deflation episode:
    /// asked again only after the condition cleared.
    var selfDeflateReported = false
    /// Whether the balloon is inflating towards a smaller target Ballast set: memory
    /// the guest is still releasing (cleared once the balloon reaches the target).
    var releasing = false
    /// The balloon size the last balloon event or watch saw (a balloon that rises while
    /// shrinking was deflated by the guest).
    var lastBalloonSeen: UInt64?
    /// The virtio-mem device Ballast resizes, if the domain has one (`VirtioMemTracker`).
    var virtioMem: VirtioMemTracker?

    var hasBalloon: Bool { definition?.hasBalloon ?? true }

    /// How far the memory may sit from the target Ballast set and still have reached it:
    /// the balloon's rounding, or a virtio-mem block (its requests are rounded up to one).
    var memorySlack: UInt64 {
        max(LibvirtBackend.balloonSlack, virtioMem?.device.block ?? 0)
    }

    /// Bytes its virtio-mem device plugged (negative: unplugged) since the guest report in
    /// `stats`; 0 without a device.
    func pluggedSinceReport(_ stats: DomainStats) -> Int64 {
        virtioMem?.pluggedSinceReport(stats.balloon.lastUpdate) ?? 0
    }

    /// Ballast set the domain's memory moving from `from` to `target` bytes: the balloon
    /// watch compares what it sees with the new target, a new self-deflation episode may
    /// be reported, and a smaller target is memory the guest is still releasing.
    mutating func memorySet(from: UInt64, to target: UInt64) {
        balloonTarget = target
        selfDeflateReported = false
        releasing = target < from
    }

    /// What one balloon size seen (a sample, a balloon event or the balloon watch) says
    /// against the target Ballast set.
    struct BalloonSighting {
        /// Above the target, and not because it is still inflating towards it: the guest
        /// deflated its balloon by itself (deflate-on-OOM).
        var deflated = false
        /// A shrink Ballast asked for has now completed: the guest released the memory.
        var released = false
    }

    /// Takes in a balloon size seen. A balloon above the target while it inflates towards
    /// a smaller one is memory still being released, unless it rose since last seen (the
    /// first report after a shrink gives the size before it); `slack` absorbs rounding.
    mutating func seeBalloon(_ bytes: UInt64, slack: UInt64) -> BalloonSighting {
        guard let target = balloonTarget else { return BalloonSighting() }
        let rising = lastBalloonSeen.map { bytes > $0 &+ slack } ?? false
        lastBalloonSeen = bytes
        var sighting = BalloonSighting()
        sighting.deflated = bytes > target &+ slack && (!releasing || rising)
        if sighting.deflated { releasing = false }
        if releasing, bytes <= target &+ slack {
            releasing = false
            sighting.released = true
        }
        return sighting
    }
}

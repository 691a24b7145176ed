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

    var hasBalloon: Bool { definition?.hasBalloon ?? true }
}

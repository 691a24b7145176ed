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
    var spec: VMSpec
    var warnings: [String]
    var fetchedAtSample: UInt64
    var cgroup: MachineCgroup?
    var cgroupError: String?
    var statsPeriodSet = false
    var currentVCPUs: Int
    /// vCPU hot-plug allowed (latched: true once the config showed current < maximum).
    var vcpuHotplug: Bool
    /// Set when a vCPU unplug failed in this run of the domain: QEMU 7.2 + libvirt 9.0 time out
    /// on unplug and leave libvirt's count wrong, so it is not retried every tick.
    var vcpuUnplugFailure: String?

    var hasBalloon: Bool { definition?.hasBalloon ?? true }
}

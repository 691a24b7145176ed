import BallastCgroups
import BallastLibvirt

/// What `ballast doctor` learned about one domain, gathered before any check runs so
/// that the checks are pure functions of it (tests build these from fixture XML).
public struct DomainFacts: Sendable {
    public var name: String
    public var uuid: String
    public var running: Bool
    /// The parsed XML (live while running, else the persistent definition); nil when unreadable.
    public var definition: DomainDefinition?
    /// Why the XML could not be read, when it could not.
    public var definitionError: String?
    /// libvirt's statistics while running (balloon and vCPU counts).
    public var stats: DomainStats?
    /// Where its cgroup is, when looked for (running, a cgroup layout, a driver with cgroups).
    public var cgroup: Result<MachineCgroup, CgroupResolveError>?
    /// Why Ballast leaves it alone, when it does: its metadata or the config opts it out.
    public var optOut: String?

    public init(name: String, uuid: String, running: Bool, definition: DomainDefinition? = nil,
                definitionError: String? = nil, stats: DomainStats? = nil,
                cgroup: Result<MachineCgroup, CgroupResolveError>? = nil, optOut: String? = nil) {
        self.name = name
        self.uuid = uuid
        self.running = running
        self.definition = definition
        self.definitionError = definitionError
        self.stats = stats
        self.cgroup = cgroup
        self.optOut = optOut
    }

    var scope: FindingScope { .domain(name: name, uuid: uuid) }
}

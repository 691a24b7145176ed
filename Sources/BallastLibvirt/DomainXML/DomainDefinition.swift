import BallastCore

/// The parts of a libvirt domain XML that carry the operator's intent for
/// Ballast, in Ballast's units. `nil` = the element is absent.
public struct DomainDefinition: Sendable, Hashable {
    public var name: String
    public var uuid: String?
    /// `<memory>`: the maximum memory, the ceiling for the balloon (with memory devices,
    /// boot memory plus the devices' sizes, as libvirt counts it).
    public var memory: UInt64?
    /// The sizes of the `<memory>` devices (DIMMs, virtio-mem), summed: `<memory>` less
    /// this is the boot memory, all a balloon can reach.
    public var memoryDeviceSizes: UInt64 = 0
    /// The one virtio-mem device Ballast resizes (`VirtioMemDevice.parse`), if any.
    public var virtioMem: VirtioMemDevice?
    /// Why a virtio-mem device the XML has is not resized (the parser's warning); nil
    /// when there is none, or when Ballast resizes it.
    public var virtioMemProblem: String?
    /// `<currentMemory>`: the balloon size the domain starts with.
    public var currentMemory: UInt64?
    /// `<vcpu>` text: maximum vCPUs; `current` attribute: vCPUs online at start.
    public var maxVCPUs: Int?
    public var currentVCPUs: Int?
    /// `<cputune><shares>`.
    public var cpuShares: CPUWeight?
    /// `<memtune><min_guarantee>`.
    public var minGuarantee: UInt64?
    /// `<devices><memballoon model=..>`; `nil` when there is no element.
    public var balloonModel: String?
    /// The balloon device's settings beyond its model (`DomainDevices`).
    public var devices: DomainDevices
    /// `<memoryBacking><hugepages>`: guest memory in preallocated huge pages, which a
    /// balloon does not return to the host.
    public var hugePages = false
    /// Ballast's own `<metadata>` element, when present.
    public var metadata: BallastMetadata?

    public init(name: String) {
        self.name = name
        self.devices = DomainDevices()
    }

    /// The memory the domain boots with, outside its memory devices: the balloon's range.
    public var bootMemory: UInt64? {
        memory.map { $0 > memoryDeviceSizes ? $0 - memoryDeviceSizes : 0 }
    }

    /// Whether the domain has a usable balloon device (present, model not "none").
    public var hasBalloon: Bool { balloonModel.map { $0 != "none" } ?? false }

    /// Whether vCPUs can be hot-plugged live: fewer online than the maximum.
    public var vcpuHotplug: Bool {
        guard let maxVCPUs else { return false }
        return (currentVCPUs ?? maxVCPUs) < maxVCPUs
    }
}

/// Ballast's per-VM settings stored in the domain's `<metadata>` under the
/// namespace `BallastMetadata.namespace` (see docs/libvirt.md), editable live
/// with `virsh metadata`. Every field is optional; absent = Ballast's default.
public struct BallastMetadata: Sendable, Hashable {
    public static let namespace = "https://ballast.dev/xmlns/policy/1"
    /// The element name (and suggested `virsh metadata --key`).
    public static let elementName = "policy"

    public var cpuShares: CPUWeight?
    public var memoryShares: UInt32?
    public var reservationCPU: Int?
    public var reservationMemory: UInt64?
    public var limitCPU: Int?
    public var limitMemory: UInt64?
    public var floorCPU: Int?
    public var floorMemory: UInt64?
    public var ceilingCPU: Int?
    public var ceilingMemory: UInt64?
    public var minVCPUs: Int?
    public var maxVCPUs: Int?
    public var optOut: Bool

    public init() {
        optOut = false
    }
}

/// The domain XML could not be read at all (not XML, no `<domain>` root).
public struct DomainXMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var domain: String
    public var detail: String
    public var description: String { "domain XML of '\(domain)': \(detail)" }
}

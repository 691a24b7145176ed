/// A VM's stable identity: its libvirt UUID (lower-case, canonical text form).
/// The name is only a label for people and may change or hold any Unicode.
public struct VMID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let uuid: String

    public init(_ uuid: String) {
        self.uuid = uuid.lowercased()
    }

    public var description: String { uuid }

    public static func < (lhs: VMID, rhs: VMID) -> Bool { lhs.uuid < rhs.uuid }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(uuid)
    }
}

/// The hypervisor's view of whether a VM is running. Only running VMs are balanced;
/// the others are reported and left alone.
public enum VMRunState: String, Sendable, Hashable, Codable {
    case running, paused, shutoff, crashed, other
}

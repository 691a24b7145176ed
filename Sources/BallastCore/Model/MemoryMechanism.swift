/// How a VM's memory is resized: through its virtio balloon, through a virtio-mem
/// device (above its boot memory, the balloon below it), or not at all (no balloon and no
/// device). Plugins read it (`memory_mechanism`) to size memory in the mechanism's steps,
/// and the simulator models each.
public enum MemoryMechanism: String, Sendable, Hashable, Codable, CaseIterable {
    case balloon
    case virtioMem = "virtio-mem"
    case unresizable = "none"
}

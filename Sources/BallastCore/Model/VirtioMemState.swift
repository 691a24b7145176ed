/// Where a VM's virtio-mem device stands: its bounds, what Ballast asked the guest to
/// plug and what the guest has plugged. The plug is asynchronous and may stop short
/// (a guest without the driver plugs nothing; one whose memory is in use cannot unplug
/// it), so `/v1/state` and metrics show both, and a request left unmet past the
/// backend's deadline is flagged rather than asked again.
public struct VirtioMemState: Sendable, Hashable, Codable {
    /// Memory outside the device: the most the balloon reaches.
    public var bootMemory: UInt64
    /// The most the device can plug.
    public var size: UInt64
    /// The unit of every plug and unplug.
    public var block: UInt64
    /// What the guest was last asked to plug.
    public var requested: UInt64
    /// What the guest has plugged.
    public var plugged: UInt64
    /// Seconds since the request the guest has not met, once past the backend's deadline;
    /// nil while it is met or still in time.
    public var unmetForSeconds: Double?

    public init(bootMemory: UInt64, size: UInt64, block: UInt64, requested: UInt64, plugged: UInt64,
                unmetForSeconds: Double? = nil) {
        self.bootMemory = bootMemory
        self.size = size
        self.block = block
        self.requested = requested
        self.plugged = plugged
        self.unmetForSeconds = unmetForSeconds
    }
}

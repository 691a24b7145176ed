/// Memory sizes in whole blocks (a virtio-mem device's unit), for the libvirt actuator
/// and the simulator alike, so that both round the same way.
public enum WholeBlocks {
    /// The least whole number of `block`-byte blocks that covers `bytes`, at most `limit`
    /// (never less than asked, below the limit); `block` 0 means bytes as they are.
    public static func covering(_ bytes: UInt64, block: UInt64, limit: UInt64) -> UInt64 {
        guard block > 0 else { return min(bytes, limit) }
        let blocks = bytes / block + (bytes % block == 0 ? 0 : 1)
        let (rounded, overflow) = blocks.multipliedReportingOverflow(by: block)
        return overflow ? limit : min(rounded, limit)
    }
}

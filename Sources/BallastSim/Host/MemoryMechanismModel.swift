import BallastCore

/// The memory mechanisms a simulated host models beyond a balloon that moves at once
/// (docs/simulator.md, "Memory mechanisms"), so that policies can be compared under
/// them: virtio-mem's block size and asynchronous plug, free page reporting, KSM. The
/// default is the model the simulator always had.
public struct MemoryMechanismModel: Sendable, Hashable {
    /// virtio-mem: every memory size is whole blocks of this many bytes, rounded up (never
    /// less than asked); nil: the balloon, to the byte.
    public var virtioMemBlock: UInt64?
    /// Seconds from asking for a new memory size to the guest having it (a virtio-mem
    /// plug or unplug, 10 s for 384 MiB on a TCG guest); until then the old size holds and
    /// the sample shows the new one in flight. 0: at once.
    public var resizeLatency: Double
    /// Free page reporting. `true`: a guest holds on the host what it uses plus its page
    /// cache, and says so (`VMSpec.balloonFreePageReporting`, `hostFootprint`), so that
    /// Ballast counts growth room from it. `false`: it also holds every page it touched
    /// since its memory last shrank below them. nil: the simulator's old model, the
    /// first without telling policies.
    public var freePageReporting: Bool?
    /// KSM: the share of a guest's host-resident memory beyond what it uses (page cache,
    /// touched free pages) that merging saves on the host, 0...1.
    public var ksmIdleShare: Double

    public init(virtioMemBlock: UInt64? = nil, resizeLatency: Double = 0, freePageReporting: Bool? = nil,
                ksmIdleShare: Double = 0) {
        self.virtioMemBlock = virtioMemBlock
        self.resizeLatency = resizeLatency
        self.freePageReporting = freePageReporting
        self.ksmIdleShare = ksmIdleShare
    }

    /// How the simulated guests' memory is resized, as policies are told.
    public var mechanism: MemoryMechanism { virtioMemBlock == nil ? .balloon : .virtioMem }

    /// The size asking for `bytes` gives: whole blocks rounded up with virtio-mem, at most `limit`.
    func granted(_ bytes: UInt64, limit: UInt64) -> UInt64 {
        WholeBlocks.covering(bytes, block: virtioMemBlock ?? 0, limit: limit)
    }
}

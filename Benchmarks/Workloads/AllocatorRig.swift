import BallastCore

/// The fair-share allocator alone on a contended host (about 40 % of the summed
/// demand fits), with its scratch kept between calls as the tick keeps it.
public final class AllocatorRig {
    private let requests: [AllocationRequest]
    private let capacity: ResourceVector
    private var workspace = FairShareAllocator.Workspace()

    public init(vms: Int) {
        requests = CoreWorkload.requests(vms)
        capacity = CoreWorkload.contendedCapacity(vms)
        _ = allocate()
    }

    public func allocate() -> [ResourceVector] {
        FairShareAllocator.allocate(requests, capacity: capacity, reusing: &workspace)
    }
}

import CBallastMalloc

/// The daemon's C heap as its allocator accounts for it (`ballast_heap_bytes`).
///
/// RSS is what an operator pays, but it moves by megabytes with where the
/// allocator's trims happen to fall (it keeps up to 32 MiB of freed heap,
/// MallocTuning.swift); the bytes in use move only with what the daemon holds,
/// so a leak shows there first and the soak judges it there.
public struct HeapUsage: Sendable, Hashable {
    /// Bytes allocated and not yet freed.
    public var inUse: UInt64
    /// Bytes freed but kept by the allocator for reuse (in RSS once touched).
    public var freeKept: UInt64

    public init(inUse: UInt64, freeKept: UInt64) {
        self.inUse = inUse
        self.freeKept = freeKept
    }

    /// The heap now, or `nil` where the C library does not say (not glibc 2.33+).
    public static func current() -> HeapUsage? {
        var inUse: UInt64 = 0
        var freeKept: UInt64 = 0
        guard ballast_heap_usage(&inUse, &freeKept) == 0 else { return nil }
        return HeapUsage(inUse: inUse, freeKept: freeKept)
    }
}

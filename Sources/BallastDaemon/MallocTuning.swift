import CBallastMalloc
import Logging

/// The daemon's glibc allocator settings. Every tick allocates and frees about the
/// same working set; with glibc's defaults its large arrays go back to the kernel
/// after a tick and are faulted in again on the next (173 page faults per
/// 1,000-VM tick, measured in the core benchmarks). A fixed 16 MiB mmap
/// threshold and a 32 MiB trim threshold keep the working set in the heap, and
/// one arena is plenty for the daemon's few threads (each extra arena keeps
/// its own free memory). docs/observability.md, "Ballast's own memory".
enum MallocTuning {
    static let mmapThresholdBytes: Int32 = 16 << 20
    static let trimThresholdBytes: Int32 = 32 << 20
    static let arenaMax: Int32 = 1

    static func applyForDaemon(logger: Logger) {
        let refused = apply()
        if refused > 0 {
            logger.notice("the C library refused \(refused) of 3 allocator settings; running with its defaults",
                          metadata: ["mmap_threshold": "\(mmapThresholdBytes)", "trim_threshold": "\(trimThresholdBytes)",
                                     "arena_max": "\(arenaMax)"])
        }
    }

    /// Sets the three values; returns how many the C library refused (3 where it is not glibc).
    static func apply() -> Int32 {
        ballast_tune_malloc(mmapThresholdBytes, trimThresholdBytes, arenaMax)
    }
}

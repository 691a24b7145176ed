#if canImport(Glibc)
import Glibc
#endif
import BallastCore
import Logging
import Synchronization
import SystemPackage

/// Hands the pages of the `ballast` executable that only start-up used (argument parsing,
/// the config and TOML parser, connecting, the first ticks' one-time work) back to the
/// kernel once the daemon has settled, so that its private memory holds the code and data
/// its ticks and scrapes touch rather than everything start-up touched. The executable is
/// linked statically with the Swift runtime and mapped by this process alone, so every
/// one of its pages the process has mapped counts as private (docs/observability.md,
/// "Ballast's own memory").
///
/// Once, `settleTime` after start: `MADV_RANDOM` (later faults in the data mappings read
/// one page, not a readahead window; kernels from 6.16 ignore it for code), `MADV_PAGEOUT`
/// on every mapping of the executable (its pages leave this process and, mapped by no one
/// else, the page cache), then `POSIX_FADV_DONTNEED` on the file, so that pages left in
/// the cache unmapped are not mapped again by fault-around. The pages the ticks need fault
/// back in over the next ticks. Measured beside an in-process libvirt test driver: code
/// 8.4 -> 7.3 MiB, data 3.0 -> 1.0 MiB mapped; ticks after it no slower.
///
/// The kernel pages out file pages only for the file's owner or a process that may write
/// it (root, as the daemon runs); otherwise this does nothing, and says so at debug level.
final class StartupPageRelease: TickObserver {
    /// Long enough for the ticks and the first scrapes to have run every path they take,
    /// and the Swift runtime to have cached the type lookups they make (released right
    /// after the first tick, later lookups faulted read-only data back in).
    static let settleTime = Duration.seconds(60)

    private let logger: Logger
    private let started = ContinuousClock.now
    private let done = Atomic<Bool>(false)

    init(logger: Logger) {
        self.logger = logger
    }

    func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        guard ContinuousClock.now - started >= Self.settleTime,
              done.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        release()
    }

    func tickFailed(_ error: any Error) async {}

    private func release() {
        #if os(Linux)
        let mappings = ExecutableMapping.current()
        guard !mappings.isEmpty else {
            logger.debug("start-up pages kept: the executable's mappings were not found in /proc/self/maps")
            return
        }
        var refused: [String] = []
        for mapping in mappings {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            for (advice, name) in [(MADV_RANDOM, "MADV_RANDOM"), (MADV_PAGEOUT, "MADV_PAGEOUT")]
            where madvise(start, mapping.length, advice) != 0 {
                refused.append("\(name): \(Errno(rawValue: errno))")
            }
        }
        do {
            let file = try FileDescriptor.open("/proc/self/exe", .readOnly, options: .closeOnExec)
            defer { try? file.close() }
            let result = posix_fadvise(file.rawValue, 0, 0, POSIX_FADV_DONTNEED)
            if result != 0 { refused.append("POSIX_FADV_DONTNEED: \(Errno(rawValue: result))") }
        } catch {
            refused.append("open /proc/self/exe: \(error)")
        }
        if refused.isEmpty {
            logger.debug("start-up pages of the executable released", metadata: ["mappings": "\(mappings.count)"])
        } else {
            logger.debug("start-up pages partly kept: the kernel refused some advice", metadata: ["refused": "\(refused)"])
        }
        #endif
    }
}

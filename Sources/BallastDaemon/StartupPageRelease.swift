#if canImport(Glibc)
import Glibc
#endif
import BallastCore
import Logging
import Synchronization

/// Hands the pages of the `ballast` executable that only start-up used (argument
/// parsing, config, connecting, the first tick) back to the kernel once the first tick
/// has completed, so that the daemon's private memory holds only the code and data
/// its ticks and scrapes touch. The executable's file pages are mapped by this process
/// alone, so the kernel counts every one it has mapped as private.
///
/// `MADV_RANDOM` first, so that the data pages faulted back later are read one page at
/// a time instead of with readahead around them (the kernel ignores it for code), then
/// `MADV_PAGEOUT` on every mapping of the executable: its pages leave this process and,
/// when no one else maps them, the page cache; the tick's own pages fault back in over
/// the next ticks. Measured beside three idle guests (docs/observability.md, "Ballast's
/// own memory"): private memory 14.5 -> about 11 MiB, of which code 8.4 -> 6.6-6.9 MiB
/// and read-only data 2.4 -> 0.3-0.8 MiB. The ticks after it are no slower.
///
/// Needs the process to own the executable (root, as the daemon runs, for an executable
/// installed by root); otherwise the kernel leaves file pages alone and this does nothing.
final class StartupPageRelease: TickObserver {
    /// Long enough for the ticks and the first scrapes to have run every path they take,
    /// and the Swift runtime to have cached the type lookups they make: released right
    /// after the first tick, the later lookups scanned the conformance records again and
    /// faulted 0.6 MiB of read-only data back in.
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
        releaseExecutablePages()
    }

    func tickFailed(_ error: any Error) async {}

    private func releaseExecutablePages() {
        #if os(Linux)
        let mappings = ExecutableMappings.read()
        guard !mappings.isEmpty else {
            logger.debug("start-up pages kept: the executable's mappings were not found in /proc/self/maps")
            return
        }
        var refused: [String] = []
        for mapping in mappings {
            for (advice, name) in [(MADV_RANDOM, "MADV_RANDOM"), (MADV_PAGEOUT, "MADV_PAGEOUT")]
            where madvise(mapping.start, mapping.length, advice) != 0 {
                refused.append("\(name) errno \(errno)")
            }
        }
        if !refused.isEmpty {
            logger.debug("start-up pages partly kept: the kernel refused some advice", metadata: ["refused": "\(refused)"])
        }
        #endif
    }
}

#if os(Linux)
/// The address ranges at which the running executable's file is mapped, from
/// /proc/self/maps (the lines whose path is /proc/self/exe's target).
struct ExecutableMappings {
    let start: UnsafeMutableRawPointer
    let length: Int

    static func read() -> [ExecutableMappings] {
        guard let executable = readLink("/proc/self/exe"), let maps = readFile("/proc/self/maps") else { return [] }
        return maps.split(separator: "\n").compactMap { line in
            // "start-end perms offset dev inode path"; the path may hold spaces.
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }) == executable[...] else { return nil }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                  end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return nil }
            return ExecutableMappings(start: pointer, length: Int(end - start))
        }
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
#endif

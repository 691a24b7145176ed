#if canImport(Glibc)
import Glibc
#endif

/// A pipe that wakes a thread blocked in `poll()` (or in libvirt's event loop, which
/// polls): another thread writes a byte with `wake()`, the sleeper has the read end in its
/// poll set and drains it. Both ends non-blocking (a wake never blocks, a drain never
/// waits) and close-on-exec (plugins and other children do not inherit them). Used by
/// `LibvirtEventLoop` and `PressureTriggerWatcher`; the owner closes it once its thread has ended.
struct WakePipe: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    /// nil when the process cannot make a pipe (out of descriptors).
    init?() {
        var ends: [Int32] = [-1, -1]
        // pipe2 is not in Swift's Glibc module (it needs _GNU_SOURCE): pipe, then the flags.
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Wakes the thread polling `readEnd` (a full pipe already will).
    func wake() {
        var one: UInt8 = 1
        _ = write(writeEnd, &one, 1)
    }

    /// Reads every pending wake byte.
    func drain() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &bytes, bytes.count) > 0 {}
    }

    func close() {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }
}

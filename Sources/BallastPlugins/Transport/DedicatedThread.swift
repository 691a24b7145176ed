#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A named OS thread for work that blocks (a plugin's pipe read) and so must stay
/// off Swift's cooperative pool.
///
/// Hand-written on pthreads rather than Foundation's `Thread` so that the daemon
/// does not link Foundation (with ICU it adds about 4 MB to every Ballast
/// process's resident memory; docs/observability.md, "Ballast's own memory").
enum DedicatedThread {
    /// Starts `body` on a new detached thread named `name` (Linux keeps the first
    /// 15 bytes). Returns false, without running `body`, if the OS refused a thread.
    @discardableResult
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(ThreadBody(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, runThreadBody, context) == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// Linux names a thread through /proc (`pthread_setname_np` needs _GNU_SOURCE,
    /// which Swift's Glibc module does not define). A failure only costs the name.
    fileprivate static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        let descriptor = open("/proc/thread-self/comm", O_WRONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        #endif
    }
}

/// The entry point handed to `pthread_create`: takes back the retained body and runs it.
private func runThreadBody(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    let thread = Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue()
    DedicatedThread.nameCurrentThread(thread.name)
    thread.body()
    return nil
}

private final class ThreadBody: Sendable {
    let name: String
    let body: @Sendable () -> Void
    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}

import Foundation
import Synchronization

/// A plain TCP connection to a loopback port, for tests that hold connections
/// open without speaking HTTP, or speak only half of it. Blocking calls, each
/// bounded by a timeout (wrap waits in `RawConnection.offPool`); closed on
/// `close()` or deinit.
final class RawConnection: Sendable {
    private let fd: Int32
    private let closed = Mutex(false)

    /// Runs blocking socket work on a thread of its own, so that a wait never holds
    /// one of the few threads Swift concurrency shares with the server under test.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Opens `count` connections to `port`, in order.
    static func open(_ count: Int, port: Int) async throws -> [RawConnection] {
        try await offPool { try (0..<count).map { _ in try RawConnection(port: port) } }
    }

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolFailure(description: "socket() failed: errno \(errno)") }
        let fd = self.fd
        guard LoopbackPort.withAddress(port: port, { connect(fd, $0, $1) }) == 0 else {
            let error = errno
            close()
            throw ToolFailure(description: "connect to 127.0.0.1:\(port) failed: errno \(error)")
        }
    }

    deinit { close() }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw ToolFailure(description: "send failed: errno \(errno)") }
    }

    /// Reads until `done` holds for what arrived, the peer closes, or `timeout` seconds pass.
    func read(timeout: Double, until done: (String) -> Bool) -> String {
        var received: [UInt8] = []
        let end = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !done(String(decoding: received, as: UTF8.self)), waitReadable(until: end) {
            let count = receive(into: &buffer)
            if count <= 0 { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether the peer closed the connection (end of stream or reset) within `timeout`
    /// seconds; bytes that arrive meanwhile are read and dropped.
    func closedByPeer(within timeout: Double) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while waitReadable(until: end) {
            if receive(into: &buffer) <= 0 { return true }
        }
        return false
    }

    /// One `recv`, retried when a signal interrupts it: bytes read, 0 at end of stream, -1 on error.
    private func receive(into buffer: inout [UInt8]) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }

    func close() {
        let wasOpen = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        if wasOpen { Glibc.close(fd) }
    }

    private func waitReadable(until end: Date) -> Bool {
        let remaining = end.timeIntervalSinceNow
        guard remaining > 0 else { return false }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, Int32(min(remaining * 1000, 60_000)).advanced(by: 1))
        // A signal (SIGCHLD from the child processes other suites run) interrupts poll: wait on.
        if ready < 0 && errno == EINTR { return waitReadable(until: end) }
        return ready > 0
    }
}

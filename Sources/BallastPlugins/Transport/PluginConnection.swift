#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BallastCore
import Dispatch
import Synchronization

/// One running plugin process and the JSON-RPC traffic with it.
///
/// Pipe I/O never touches Swift's cooperative pool: stdout and stderr are read
/// by two dedicated threads with blocking `read`, and writes go through a
/// serial Dispatch queue. A request waits on a continuation that is resumed by
/// whichever comes first: the matching answer, the deadline timer, or the end
/// of the process. Any protocol violation (garbage, a wrong id, an oversized or
/// partial line) poisons the connection: every pending request fails at once
/// and the supervisor kills and later restarts the process.
final class PluginConnection: Sendable {
    let pluginName: String
    let process: ChildProcess
    private let maximumLineBytes: Int
    private let events: any BalancerEventSink
    private let stderrLimiter: LineRateLimiter
    private let writes: DispatchQueue
    private let state = Mutex(State())
    /// Set once stdin is closed, so no later write can hit a reused descriptor number.
    private let inputClosed = Mutex(false)

    private struct Pending {
        var method: String
        var continuation: CheckedContinuation<JSONValue, any Error>
    }

    private struct State {
        var nextID: Int64 = 1
        var pending: [Int64: Pending] = [:]
        var failure: PluginError?
    }

    init(pluginName: String, process: ChildProcess, maximumLineBytes: Int, stderrLinesPerSecond: Int,
         events: any BalancerEventSink) {
        self.pluginName = pluginName
        self.process = process
        self.maximumLineBytes = maximumLineBytes
        self.events = events
        self.stderrLimiter = LineRateLimiter(linesPerSecond: stderrLinesPerSecond)
        self.writes = DispatchQueue(label: "ballast.plugin.\(pluginName).stdin")
    }

    /// Starts the reader threads; call once, right after spawning.
    func startReading() {
        let started = DedicatedThread.start(name: "plugin-\(pluginName)-out") { [self] in readStdout() }
            && DedicatedThread.start(name: "plugin-\(pluginName)-err") { [self] in readStderr() }
        if !started {
            terminate(reason: .spawnFailed(plugin: pluginName,
                                           detail: "the OS refused a reader thread; check the thread limit (ulimit -u)"))
        }
    }

    /// Why the connection is unusable, or `nil` while it is healthy.
    var failure: PluginError? { state.withLock { $0.failure } }

    /// Sends a request and waits for its answer, at most `timeout` seconds.
    func request(_ method: String, params: [UInt8], timeout: Double) async throws -> JSONValue {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
            let registered: Int64? = state.withLock { state in
                if let failure = state.failure {
                    continuation.resume(throwing: failure)
                    return nil
                }
                let id = state.nextID
                state.nextID += 1
                state.pending[id] = Pending(method: method, continuation: continuation)
                return id
            }
            guard let id = registered else { return }
            let line = MessageEncoder.request(id: id, method: method, params: params)
            guard line.count <= maximumLineBytes + 1 else {
                resolve(id, with: .failure(PluginError.invalidConfiguration(
                    plugin: pluginName, detail: "a \(method) request of \(line.count) bytes exceeds max_line_bytes \(maximumLineBytes)")))
                return
            }
            send(line)
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
                resolve(id, with: .failure(PluginError.timeout(plugin: pluginName, method: method, seconds: timeout)))
            }
        }
    }

    /// Sends a notification without waiting.
    func notify(_ method: String, params: [UInt8]) {
        guard failure == nil else { return }
        send(MessageEncoder.notification(method: method, params: params))
    }

    /// Closes stdin (the plugin's signal to exit), after any queued writes.
    func closeInput() {
        writes.async { [self] in
            let wasClosed = inputClosed.withLock { closed in
                defer { closed = true }
                return closed
            }
            if !wasClosed { close(process.stdinFD) }
        }
    }

    /// Kills the process, closes its stdin and fails whatever is pending with `reason`.
    func terminate(reason: PluginError) {
        poison(reason)
        process.kill()
        closeInput()
    }

    private func send(_ line: [UInt8]) {
        writes.async { [self] in
            guard !inputClosed.withLock({ $0 }) else { return }
            let written = line.withUnsafeBytes { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return 0 }
                var offset = 0
                while offset < buffer.count {
                    let result = write(process.stdinFD, base + offset, buffer.count - offset)
                    if result < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += result
                }
                return 0
            }
            if written != 0 {
                poison(.exited(plugin: pluginName, detail: "stdin closed (\(String(cString: strerror(written))))"))
            }
        }
    }

    private func resolve(_ id: Int64, with result: Result<JSONValue, any Error>) {
        let waiting = state.withLock { $0.pending.removeValue(forKey: id) }
        waiting?.continuation.resume(with: result)
    }

    private func poison(_ error: PluginError) {
        let waiting: [Pending] = state.withLock { state in
            if state.failure == nil { state.failure = error }
            let all = Array(state.pending.values)
            state.pending.removeAll()
            return all
        }
        for item in waiting { item.continuation.resume(throwing: error) }
    }

    private func readStdout() {
        var framer = LineFramer(maximumLineBytes: maximumLineBytes)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var endReason: PluginError?
        reading: while true {
            let count = buffer.withUnsafeMutableBytes { read(process.stdoutFD, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break }
            do {
                try buffer.withUnsafeBufferPointer { all throws(LineFramer.Problem) in
                    try framer.feed(UnsafeBufferPointer(rebasing: all[0..<count])) { line in handleLine(line) }
                }
            } catch {
                endReason = .oversizedLine(plugin: pluginName, limit: maximumLineBytes)
                poison(endReason ?? .oversizedLine(plugin: pluginName, limit: maximumLineBytes))
                process.kill()
                break reading
            }
        }
        let partial = framer.pending.count
        close(process.stdoutFD)
        let status = process.reap()
        if partial > 0, endReason == nil {
            poison(.protocolViolation(plugin: pluginName, detail: "stdout ended inside a line (\(partial) bytes without a newline), then the process \(status)"))
        } else {
            poison(.exited(plugin: pluginName, detail: "process \(status)"))
        }
    }

    private func handleLine(_ line: [UInt8]) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        let message: JSONValue
        do {
            message = try JSONParser.parse(line)
        } catch {
            let preview = String(decoding: line.prefix(80), as: UTF8.self)
            failAndKill(.protocolViolation(plugin: pluginName, detail: "stdout line is not JSON (\(error)): \"\(preview)\""))
            return
        }
        guard case .object = message, message["jsonrpc"]?.stringValue == "2.0" else {
            failAndKill(.protocolViolation(plugin: pluginName, detail: "stdout line is not a JSON-RPC 2.0 object: \(String(message.jsonText.prefix(80)))"))
            return
        }
        if let method = message["method"]?.stringValue {
            guard message["id"] == nil else {
                failAndKill(.protocolViolation(plugin: pluginName, detail: "plugin sent a request (\(method)); plugins may only answer and send log notifications"))
                return
            }
            handleNotification(method, params: message["params"])
            return
        }
        guard case .integer(let id)? = message["id"] else {
            failAndKill(.protocolViolation(plugin: pluginName, detail: "answer without an integer id: \(String(message.jsonText.prefix(80)))"))
            return
        }
        let method = state.withLock { $0.pending[id]?.method }
        guard let method else {
            failAndKill(.protocolViolation(plugin: pluginName, detail: "answer with id \(id) matches no outstanding request (wrong id, a late answer, or output before the handshake)"))
            return
        }
        if let result = message["result"] {
            resolve(id, with: .success(result))
        } else if let error = message["error"] {
            guard case .integer(let code)? = error["code"], let text = error["message"]?.stringValue else {
                failAndKill(.protocolViolation(plugin: pluginName, detail: "error object without integer code and string message"))
                return
            }
            resolve(id, with: .failure(PluginError.remoteError(plugin: pluginName, method: method, code: code, message: text)))
        } else {
            failAndKill(.protocolViolation(plugin: pluginName, detail: "answer with id \(id) has neither result nor error"))
        }
    }

    private func handleNotification(_ method: String, params: JSONValue?) {
        guard method == PluginProtocol.log else {
            events.record(.pluginLog(plugin: pluginName, line: "ignored unknown notification '\(method)' from the plugin"))
            return
        }
        let level = params?["level"]?.stringValue ?? "info"
        let text = params?["message"]?.stringValue ?? (params?.jsonText ?? "")
        events.record(.pluginLog(plugin: pluginName, line: "[\(level)] \(text)"))
    }

    private func failAndKill(_ error: PluginError) {
        poison(error)
        process.kill()
    }

    private func readStderr() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(process.stderrFD, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break }
            for byte in buffer[0..<count] {
                if byte == 0x0A {
                    forwardStderr(pending)
                    pending.removeAll(keepingCapacity: true)
                } else if pending.count < LineRateLimiter.maximumLineBytes {
                    pending.append(byte)
                }
            }
        }
        if !pending.isEmpty { forwardStderr(pending) }
        close(process.stderrFD)
    }

    private func forwardStderr(_ bytes: [UInt8]) {
        switch stderrLimiter.admit(now: DispatchTime.now().uptimeNanoseconds) {
        case .forward(let suppressedBefore):
            if suppressedBefore > 0 {
                events.record(.pluginLog(plugin: pluginName, line: "(\(suppressedBefore) stderr lines suppressed: more than \(stderrLimiter.linesPerSecond) per second)"))
            }
            events.record(.pluginLog(plugin: pluginName, line: String(decoding: bytes, as: UTF8.self)))
        case .suppress:
            break
        }
    }
}

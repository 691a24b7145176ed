import BallastCore
import NIOCore
import Synchronization

/// One running plugin process and the JSON-RPC traffic with it.
///
/// One timing model: a request waits on a continuation resumed by whichever
/// comes first, the matching answer, its deadline or the end of the
/// connection. The deadline is a task scheduled on the event loop that reads
/// the plugins' stdout, so an answer and its deadline are ordered by one
/// thread's clock; it is cancelled where the request is resolved (on the event
/// loop that read the answer, or by the failure), which removes it from the
/// loop. A deadline sleeping on Swift's cooperative pool instead fired more
/// than 1.2 s late while parallel tests kept both threads of a 2-core host
/// busy (CI on 6dbe86b: a 0.3-s deadline lost to an answer sent after 1.5 s),
/// and a daemon whose pool is busy would wait as long for a hung plugin. Pipe
/// I/O never blocks a thread: `PluginPipes` runs the three pipes as NIO
/// channels on one event-loop thread shared by all plugins. Any protocol
/// violation (garbage, a wrong id, an oversized or partial line, a read error)
/// poisons the connection: every pending request fails at once with the
/// cause, and the supervisor kills and later restarts the process.
final class PluginConnection: Sendable {
    let pluginName: String
    let process: ChildProcess
    private let maximumLineBytes: Int
    private let events: any BalancerEventSink
    private let stderrLimiter: LineRateLimiter
    private let state = Mutex(State())
    private let deadlineCount = Atomic<Int>(0)

    private struct Pending {
        var method: String
        var continuation: CheckedContinuation<Result<JSONValue, PluginError>, Never>
        var deadline: Scheduled<Void>
    }

    private struct State {
        var nextID: Int64 = 1
        var pending: [Int64: Pending] = [:]
        var failure: PluginError?
        /// The plugin's stdin, once adopted; nil again once closed.
        var input: (any Channel)?
        /// The last write to stdin: closing waits for it, so queued requests are not cut off.
        var lastWrite: EventLoopFuture<Void>?
    }

    init(pluginName: String, process: ChildProcess, maximumLineBytes: Int, stderrLinesPerSecond: Int,
         events: any BalancerEventSink) {
        self.pluginName = pluginName
        self.process = process
        self.maximumLineBytes = maximumLineBytes
        self.events = events
        self.stderrLimiter = LineRateLimiter(linesPerSecond: stderrLinesPerSecond)
    }

    /// Adopts the process's pipes; call once, right after spawning. On failure the process is killed.
    func open() async throws(PluginError) {
        do {
            let input = try await PluginPipes.adopt(process, for: self, maximumLineBytes: maximumLineBytes)
            state.withLock { $0.input = input }
        } catch {
            let failure = PluginError.spawnFailed(
                plugin: pluginName, detail: "cannot watch its pipes (\(error.underlying)); check the open-file limit (ulimit -n)")
            terminate(reason: failure)
            if !error.stdoutAdopted { stdoutEnded(partialLineBytes: nil) }
            throw failure
        }
    }

    /// Why the connection is unusable, or `nil` while it is healthy.
    var failure: PluginError? { state.withLock { $0.failure } }

    /// Deadlines scheduled and neither fired nor cancelled yet (for tests): one per unresolved
    /// request; none shortly after all are resolved (a cancellation completes on the event loop).
    var liveDeadlines: Int { deadlineCount.load(ordering: .relaxed) }

    /// Sends a request and waits for its answer, at most `timeout` seconds.
    /// Cancelling the caller does not cut the wait short (the deadline bounds
    /// it): an abandoned request's late answer would otherwise be taken for a
    /// protocol violation.
    func request(_ method: String, params: [UInt8], timeout: Double) async throws(PluginError) -> JSONValue {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<JSONValue, PluginError>, Never>) in
            guard let id = register(method, timeout: timeout, continuation) else { return }
            let line = MessageEncoder.request(id: id, method: method, params: params)
            guard line.count <= maximumLineBytes + 1 else {
                resolve(id, with: .failure(.invalidConfiguration(
                    plugin: pluginName, detail: "a \(method) request of \(line.count) bytes exceeds max_line_bytes \(maximumLineBytes)")))
                return
            }
            send(line)
        }
        return try outcome.get()
    }

    /// Sends a notification without waiting.
    func notify(_ method: String, params: [UInt8]) {
        guard failure == nil else { return }
        send(MessageEncoder.notification(method: method, params: params))
    }

    /// Closes stdin (the plugin's signal to exit) once queued writes are out; no write follows.
    func closeInput() {
        let (input, lastWrite) = state.withLock { state in
            defer {
                state.input = nil
                state.lastWrite = nil
            }
            return (state.input, state.lastWrite)
        }
        guard let input else { return }
        if let lastWrite {
            lastWrite.whenComplete { _ in input.close(promise: nil) }
        } else {
            input.close(promise: nil)
        }
    }

    /// Kills the process, closes its stdin and fails whatever is pending with `reason`.
    func terminate(reason: PluginError) {
        poison(reason)
        process.kill()
        closeInput()
    }

    /// Fails everything pending with `error` and kills the process (its pipes then end).
    func failAndKill(_ error: PluginError) {
        poison(error)
        process.kill()
    }

    /// Called by `PluginPipes` when stdout has ended: reaps the process and fails
    /// what is still pending with how it ended.
    func stdoutEnded(partialLineBytes: Int?) {
        Task { [self] in
            let exit = await process.waitForExit(grace: .seconds(1))
            if exit.killedAfterGrace {
                poison(.exited(plugin: pluginName, detail: "closed its stdout but kept running, so Ballast killed it"))
            } else if let partialLineBytes {
                poison(.partialLine(plugin: pluginName, bytes: partialLineBytes, exit: exit.description))
            } else {
                poison(.exited(plugin: pluginName, detail: "process \(exit.description)"))
            }
            closeInput()
        }
    }

    /// Called by `PluginPipes` with each stdout line (newline removed).
    func receive(line: [UInt8]) {
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
            resolve(id, with: .failure(.remoteError(plugin: pluginName, method: method, code: code, message: text)))
        } else {
            failAndKill(.protocolViolation(plugin: pluginName, detail: "answer with id \(id) has neither result nor error"))
        }
    }

    /// Called by `PluginPipes` with each stderr line: logged, at most `stderrLinesPerSecond`.
    func forwardStderr(_ bytes: [UInt8]) {
        switch stderrLimiter.admit(now: .now) {
        case .forward(let suppressedBefore):
            if suppressedBefore > 0 {
                events.record(.pluginLog(plugin: pluginName, line: "(\(suppressedBefore) stderr lines suppressed: more than \(stderrLimiter.linesPerSecond) per second)"))
            }
            events.record(.pluginLog(plugin: pluginName, line: String(decoding: bytes, as: UTF8.self)))
        case .suppress:
            break
        }
    }

    /// Registers a request with its deadline and returns its id, or resumes
    /// `continuation` with the connection's failure and returns nil.
    private func register(_ method: String, timeout: Double,
                          _ continuation: CheckedContinuation<Result<JSONValue, PluginError>, Never>) -> Int64? {
        let registered: Result<Int64, PluginError> = state.withLock { state in
            if let failure = state.failure { return .failure(failure) }
            let id = state.nextID
            state.nextID += 1
            // Scheduled under the lock: a deadline that fires at once waits for the entry to exist.
            let deadline = startDeadline(for: id, method: method, seconds: timeout)
            state.pending[id] = Pending(method: method, continuation: continuation, deadline: deadline)
            return .success(id)
        }
        switch registered {
        case .success(let id):
            return id
        case .failure(let failure):
            continuation.resume(returning: .failure(failure))
            return nil
        }
    }

    /// The request's deadline: fails it with a timeout unless cancelled first.
    private func startDeadline(for id: Int64, method: String, seconds: Double) -> Scheduled<Void> {
        deadlineCount.add(1, ordering: .relaxed)
        // At most ~31 years, so that the nanoseconds fit an Int64 (the configuration bounds deadlines far lower).
        let delay = TimeAmount.nanoseconds(Int64(min(max(seconds, 0), 1e9) * 1e9))
        let deadline = PluginPipes.eventLoop.scheduleTask(in: delay) { [self] in
            resolve(id, with: .failure(.timeout(plugin: pluginName, method: method, seconds: seconds)))
        }
        deadline.futureResult.whenComplete { [self] _ in deadlineCount.subtract(1, ordering: .relaxed) }
        return deadline
    }

    private func send(_ line: [UInt8]) {
        let write: EventLoopFuture<Void>? = state.withLock { state in
            guard let input = state.input else { return nil }
            let write = input.writeAndFlush(input.allocator.buffer(bytes: line))
            state.lastWrite = write
            return write
        }
        write?.whenFailure { [self] error in
            poison(.exited(plugin: pluginName, detail: "stdin closed (\(error))"))
        }
    }

    private func resolve(_ id: Int64, with result: Result<JSONValue, PluginError>) {
        guard let waiting = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        waiting.deadline.cancel()
        waiting.continuation.resume(returning: result)
    }

    private func poison(_ error: PluginError) {
        let waiting: [Pending] = state.withLock { state in
            if state.failure == nil { state.failure = error }
            let all = Array(state.pending.values)
            state.pending.removeAll()
            return all
        }
        for item in waiting {
            item.deadline.cancel()
            item.continuation.resume(returning: .failure(error))
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
}

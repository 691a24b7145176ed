import Synchronization

/// Keeps the endpoint's open connections within a bound without letting idle ones
/// starve new clients: at the bound, the connection idle longest (no request in
/// progress) is shed to admit the new one; only when every connection is serving a
/// request is the new one refused. So a flood of idle connections cannot keep
/// `/healthz` from being answered, and a request being answered is never cut off.
final class ConnectionLimiter: Sendable {
    /// What the limiter decided for a new connection.
    enum Admission {
        /// Admitted under this id (to report its requests and its close).
        case admitted(id: UInt64)
        /// Every open connection is serving a request: the new one is closed.
        case refused
    }

    private struct Entry {
        var close: @Sendable () -> Void
        /// Position in idle order (lower: idle longer); `nil` while a request is in progress.
        var idleSince: UInt64?
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        /// Counts transitions to idle, so that idle order needs no clock.
        var idleClock: UInt64 = 0
        var shed = 0
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Admits a new, idle connection; `close` closes it if it is shed later. At the
    /// bound, closes the connection idle longest first.
    func admit(close: @escaping @Sendable () -> Void) -> Admission {
        let (admission, shedClose) = state.withLock { state -> (Admission, (@Sendable () -> Void)?) in
            var shedClose: (@Sendable () -> Void)?
            if state.entries.count >= limit {
                let oldestIdle = state.entries.compactMap { id, entry in entry.idleSince.map { (id, $0) } }
                    .min { $0.1 < $1.1 }
                guard let (victim, _) = oldestIdle else { return (.refused, nil) }
                shedClose = state.entries.removeValue(forKey: victim)?.close
                state.shed += 1
            }
            let id = state.nextID
            state.nextID += 1
            state.idleClock += 1
            state.entries[id] = Entry(close: close, idleSince: state.idleClock)
            return (.admitted(id: id), shedClose)
        }
        shedClose?()
        return admission
    }

    /// A request head arrived: the connection may not be shed until `requestFinished`.
    func requestStarted(_ id: UInt64) {
        state.withLock { $0.entries[id]?.idleSince = nil }
    }

    /// The answer is written: the connection is idle again, the most recently idle one.
    func requestFinished(_ id: UInt64) {
        state.withLock { state in
            guard state.entries[id] != nil else { return }
            state.idleClock += 1
            state.entries[id]?.idleSince = state.idleClock
        }
    }

    /// The connection closed (idempotent: a shed one is already gone).
    func release(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Connections open now.
    var current: Int { state.withLock { $0.entries.count } }

    /// Idle connections closed so far to admit new ones.
    var shedTotal: Int { state.withLock { $0.shed } }
}

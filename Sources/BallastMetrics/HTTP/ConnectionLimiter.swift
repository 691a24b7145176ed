import Synchronization

/// Counts open connections so the server can refuse those beyond its bound.
final class ConnectionLimiter: Sendable {
    private let open = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot if one is free.
    func acquire() -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = open.compareExchange(expected: current, desired: current + 1,
                                                             ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() {
        open.subtract(1, ordering: .acquiringAndReleasing)
    }

    var current: Int { open.load(ordering: .relaxed) }
}

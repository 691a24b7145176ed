import Synchronization

/// Caps how many stderr lines of one plugin reach Ballast's log per second, so
/// that a plugin flooding stderr is drained (it never blocks on a full pipe)
/// without flooding the log; the number suppressed is reported once the
/// window turns.
final class LineRateLimiter: Sendable {
    /// Longer stderr lines are cut to this many bytes.
    static let maximumLineBytes = 4096
    let linesPerSecond: Int
    private let window = Mutex<(start: ContinuousClock.Instant?, forwarded: Int, suppressed: Int)>((nil, 0, 0))

    enum Verdict: Equatable {
        case forward(suppressedBefore: Int)
        case suppress
    }

    init(linesPerSecond: Int) {
        self.linesPerSecond = max(1, linesPerSecond)
    }

    func admit(now: ContinuousClock.Instant) -> Verdict {
        window.withLock { window in
            var suppressedBefore = 0
            if window.start.map({ now - $0 >= .seconds(1) }) ?? true {
                suppressedBefore = window.suppressed
                window = (now, 0, 0)
            }
            guard window.forwarded < linesPerSecond else {
                window.suppressed += 1
                return .suppress
            }
            window.forwarded += 1
            return .forward(suppressedBefore: suppressedBefore)
        }
    }
}

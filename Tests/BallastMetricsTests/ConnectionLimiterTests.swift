@testable import BallastMetrics
import Synchronization
import Testing

/// The endpoint's connection bound: idle connections make room for new ones, the
/// one idle longest first; a connection serving a request is never shed.
struct ConnectionLimiterTests {
    /// Admits connections named by index; records which ones the limiter closed.
    private final class Harness: Sendable {
        let limiter: ConnectionLimiter
        let closed = Mutex<[Int]>([])

        init(limit: Int) {
            limiter = ConnectionLimiter(limit: limit)
        }

        func admit(_ name: Int) -> UInt64? {
            // Weak: the limiter keeps the closure, and a strong self would make a cycle that
            // LeakSanitizer reports (the harness, its limiter and every entry stay allocated).
            guard case let .admitted(id) = limiter.admit(close: { [weak self] in self?.closed.withLock { $0.append(name) } })
            else {
                return nil
            }
            return id
        }

        var closedNames: [Int] { closed.withLock { $0 } }
    }

    @Test func belowTheBoundEveryConnectionIsAdmittedAndNoneShed() throws {
        let harness = Harness(limit: 3)
        let ids = (0..<3).compactMap { harness.admit($0) }
        #expect(Set(ids).count == 3)
        #expect(harness.limiter.current == 3)
        #expect(harness.closedNames.isEmpty)
        harness.limiter.release(ids[1])
        #expect(harness.limiter.current == 2)
    }

    @Test func atTheBoundTheConnectionIdleLongestIsShed() throws {
        let harness = Harness(limit: 2)
        let first = try #require(harness.admit(0))
        _ = try #require(harness.admit(1))
        // The first connection serves a request and goes idle again: now the second is idle longest.
        harness.limiter.requestStarted(first)
        harness.limiter.requestFinished(first)
        #expect(harness.admit(2) != nil)
        #expect(harness.closedNames == [1])
        #expect(harness.limiter.current == 2)
        #expect(harness.limiter.shedTotal == 1)
        #expect(harness.admit(3) != nil)
        #expect(harness.closedNames == [1, 0])
    }

    @Test func aConnectionServingARequestIsNeverShed() throws {
        let harness = Harness(limit: 2)
        let first = try #require(harness.admit(0))
        let second = try #require(harness.admit(1))
        harness.limiter.requestStarted(first)
        harness.limiter.requestStarted(second)
        #expect(harness.admit(2) == nil, "every connection is busy: the new one is refused")
        #expect(harness.closedNames.isEmpty)
        harness.limiter.requestFinished(second)
        #expect(harness.admit(3) != nil)
        #expect(harness.closedNames == [1], "the idle one made room, the busy one kept its request")
    }

    @Test func aShedConnectionsLaterCloseReleasesNothingElse() throws {
        let harness = Harness(limit: 1)
        let first = try #require(harness.admit(0))
        _ = try #require(harness.admit(1))
        harness.limiter.release(first)
        #expect(harness.limiter.current == 1, "the shed connection's close does not free the newcomer's place")
    }
}

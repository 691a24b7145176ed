import Foundation

/// Steps this machine's real wall clock (`clock_settime(CLOCK_REALTIME)`, as root), for the
/// chaos test that sets Ballast's wall clock back: the real thing, not an LD_PRELOAD fake
/// (libfaketime, tried first, stalls every Swift `Task.sleep` of the process after a step,
/// which a real step does not). The clock is put back whatever `body` does, to where it
/// would be had it never moved: the step's start plus the time the monotonic clock saw pass.
/// `body` must not wait on the wall clock (`eventually` does): sleep on the continuous clock.
enum SystemClock {
    static func stepped<T>(by seconds: Int, _ body: () async throws -> T) async throws -> T {
        var before = timespec()
        clock_gettime(CLOCK_REALTIME, &before)
        let monotonicBefore = ContinuousClock.now
        var stepped = before
        stepped.tv_sec += seconds
        guard clock_settime(CLOCK_REALTIME, &stepped) == 0 else {
            throw HarnessError.unexpectedOutput(command: "clock_settime(CLOCK_REALTIME)",
                                                detail: "\(String(cString: strerror(errno))); the test needs root")
        }
        defer {
            let passed = (ContinuousClock.now - monotonicBefore).components
            var restored = before
            restored.tv_sec += Int(passed.seconds)
            restored.tv_nsec += Int(passed.attoseconds / 1_000_000_000)
            if restored.tv_nsec >= 1_000_000_000 {
                restored.tv_sec += 1
                restored.tv_nsec -= 1_000_000_000
            }
            clock_settime(CLOCK_REALTIME, &restored)
        }
        return try await body()
    }
}

/// The supervisor's memory of failures for one plugin: when it may start
/// again, and whether it is quarantined. A pure value driven by explicit times
/// (seconds on a monotonic clock), so its policy is unit-tested without sleeping.
struct RestartTracker: Sendable, Hashable {
    let settings: RestartSettings
    private(set) var recentFailures: [Double] = []
    private(set) var consecutiveFailures = 0
    private(set) var notBefore: Double = 0
    private(set) var quarantinedUntil: Double?
    private(set) var lastFailure: String?

    init(settings: RestartSettings) {
        self.settings = settings
    }

    enum Verdict: Equatable {
        case restartAfter(Double)
        case quarantine(Double)
    }

    /// Records a failure at `now`; says when the next start may happen.
    mutating func recordFailure(at now: Double, reason: String) -> Verdict {
        lastFailure = reason
        consecutiveFailures += 1
        recentFailures = recentFailures.filter { now - $0 < settings.quarantineWindow } + [now]
        if recentFailures.count >= settings.quarantineAfter {
            recentFailures.removeAll()
            consecutiveFailures = 0
            quarantinedUntil = now + settings.quarantineDuration
            notBefore = now + settings.quarantineDuration
            return .quarantine(settings.quarantineDuration)
        }
        let exponent = Double(consecutiveFailures - 1)
        let delay = min(settings.maximumBackoff, settings.initialBackoff * pow2(exponent))
        notBefore = now + delay
        return .restartAfter(delay)
    }

    mutating func recordSuccess() {
        consecutiveFailures = 0
    }

    /// Why a start is not allowed at `now`, or `nil` when it is.
    func blocked(plugin: String, at now: Double) -> PluginError? {
        guard now < notBefore else { return nil }
        let last = lastFailure ?? "unknown failure"
        if let until = quarantinedUntil, now < until {
            return .quarantined(plugin: plugin, retryInSeconds: until - now, lastFailure: last)
        }
        return .backingOff(plugin: plugin, retryInSeconds: notBefore - now, lastFailure: last)
    }

    /// Whether the next start follows a failure (a restart) or a quarantine.
    var startIsRestart: Bool { lastFailure != nil }

    mutating func clearQuarantine(at now: Double) -> Bool {
        guard let until = quarantinedUntil, now >= until else { return false }
        quarantinedUntil = nil
        return true
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(min(exponent, 62))
        while remaining > 0 { result *= 2; remaining -= 1 }
        return result
    }
}

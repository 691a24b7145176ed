/// What the estimator remembers about one VM between samples: the previous raw
/// counters (for deltas) and the smoothed estimates. Plain numbers kept in an
/// array slot (the id is in a column of its own, `Estimator.slotIDs`), so a tick
/// costs no per-VM heap allocation and copying a history retains nothing.
struct VMHistory {
    /// Host time of the previous sample of this VM.
    var time: Double
    /// Host time of the last tick in which this VM was seen (for pruning).
    var lastSeen: Double

    var usageNanos: UInt64?
    var periods: UInt64?
    var throttledPeriods: UInt64?
    var throttledNanos: UInt64?
    var runDelayNanos: UInt64?

    var swapIn: UInt64?
    var swapOut: UInt64?
    var majorFaults: UInt64?
    var statsUpdate: Double?
    var statsUpdateChangedAt: Double
    /// Host seconds between the guest's last two new reports.
    var reportInterval: Double?

    /// Guest used memory in the last guest report seen (the guest's own count), when it
    /// was reported, and its recent growth in bytes per second (`Estimator.followUsedGrowth`).
    var usedMemory: Double?
    var usedMemoryAt: Double?
    var usedGrowth: Double = 0
    /// Smoothed demand, millicores and bytes.
    var cpu: Double
    var memory: Double
    /// Whether an estimate was made from this history yet (the first sample seeds it).
    var hasEstimated = false

    init(time: Double, current: VMAllocation) {
        self.time = time
        self.lastSeen = time
        self.statsUpdateChangedAt = time
        self.cpu = Double(current.cpu)
        self.memory = Double(current.memory)
    }

    /// Stores this sample's counters as the base for the next deltas.
    mutating func remember(_ vm: VMSample, at time: Double) {
        self.time = time
        if let cpu = vm.cpu {
            usageNanos = cpu.usageNanos
            periods = cpu.periods
            throttledPeriods = cpu.throttledPeriods
            throttledNanos = cpu.throttledNanos
            runDelayNanos = cpu.runDelayNanos
        } else {
            usageNanos = nil
            periods = nil
            throttledPeriods = nil
            throttledNanos = nil
            runDelayNanos = nil
        }
        let balloon = vm.memory.balloon
        swapIn = balloon?.swapIn
        swapOut = balloon?.swapOut
        majorFaults = balloon?.majorFaults
        if balloon?.lastUpdate != statsUpdate {
            if statsUpdate != nil, balloon?.lastUpdate != nil { reportInterval = time - statsUpdateChangedAt }
            statsUpdate = balloon?.lastUpdate
            statsUpdateChangedAt = time
        }
    }
}

/// The increase of a cumulative counter between two samples. A counter that went
/// down (guest reboot, VM restart, counter wrap) is a reset, never a huge delta.
enum CounterDelta {
    case missing
    case reset
    case value(UInt64)

    init(now: UInt64?, before: UInt64?) {
        guard let now, let before else {
            self = .missing
            return
        }
        self = now >= before ? .value(now - before) : .reset
    }

    /// The delta, or nil when missing or reset.
    var amount: Double? {
        if case .value(let v) = self { return Double(v) }
        return nil
    }

    var isReset: Bool {
        if case .reset = self { return true }
        return false
    }
}

/// Exponential smoothing with a half-life in seconds: the weight of the new
/// value after `dt` seconds. A half-life of 0 (or less) follows at once.
enum HalfLife {
    static func weight(dt: Double, halfLife: Double) -> Double {
        guard halfLife > 0, halfLife.isFinite else { return 1 }
        guard dt > 0 else { return 0 }
        return 1 - powerOfHalf(dt / halfLife)
    }

    /// 0.5^x for x >= 0, without libm (BallastCore depends on the standard library
    /// only): whole halvings by exponent, the fraction by a Taylor series of e^(-r ln 2).
    static func powerOfHalf(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        guard x < 1000 else { return 0 }
        let whole = Double(WholeUnits.down(x))
        let y = (x - whole) * 0.693_147_180_559_945_3
        var term = 1.0
        var sum = 1.0
        for k in 1...16 {
            term *= -y / Double(k)
            sum += term
        }
        return Double(sign: .plus, exponent: -Int(whole), significand: 1) * sum
    }
}

/// Detects demand steps of one resource for every VM and measures how many
/// ticks pass until the allocation covers the new level.
///
/// Step: at tick t, demand(t) - demand(t - window) ≥ threshold × the VM's size,
/// where window is one native trace interval in ticks (interpolation spreads a
/// trace step over that many ticks), at least `window` ticks after the VM's
/// previous step, while the host could afford every demand of that resource
/// (under contention no policy can cover a step, so it says nothing about
/// reaction). Covered: the allocation in force during a tick is at least 99 %
/// of the level at detection. Not covered within `censor` ticks: recorded as
/// `censor` and counted as censored. Steps still open when the run ends are
/// counted by `finish` as never covered.
struct ReactionTracker {
    let window: Int
    let censor: Int
    let threshold: [Double]
    private var pendingStart: [Int]
    private var level: [Double]
    private var lastStep: [Int]

    init(sizes: [Double], thresholdFraction: Double, window: Int, censor: Int) {
        self.window = max(1, window)
        self.censor = censor
        threshold = sizes.map { $0 * thresholdFraction }
        pendingStart = [Int](repeating: -1, count: sizes.count)
        level = [Double](repeating: 0, count: sizes.count)
        lastStep = [Int](repeating: Int.min / 2, count: sizes.count)
    }

    /// `demandAt(tick, vm)` reads the true demand; `allocation` is in force this tick.
    mutating func record(tick: Int, vm: Int, demandNow: Double, demandBefore: Double?, allocation: Double,
                         affordable: Bool, into score: inout ReactionScore) {
        if pendingStart[vm] >= 0 {
            let elapsed = tick - pendingStart[vm]
            if allocation >= 0.99 * level[vm] {
                score.ticks.append(elapsed)
                pendingStart[vm] = -1
            } else if elapsed >= censor {
                score.ticks.append(censor)
                score.censored += 1
                pendingStart[vm] = -1
            }
            return
        }
        guard let before = demandBefore, affordable, tick - lastStep[vm] >= window,
              demandNow - before >= threshold[vm], threshold[vm] > 0 else { return }
        lastStep[vm] = tick
        if allocation >= 0.99 * demandNow {
            score.ticks.append(0)
        } else {
            pendingStart[vm] = tick
            level[vm] = demandNow
        }
    }

    /// At the end of the run: every step still waiting to be covered is never covered.
    func finish(into score: inout ReactionScore) {
        score.openAtEnd += pendingStart.count(where: { $0 >= 0 })
    }
}

/// Turns raw counters into per-VM demand (CPU millicores, memory bytes) with a
/// confidence and the signals that drove it. Stateful: it keeps each VM's
/// previous counters to compute rates, and smoothed estimates that rise fast and
/// fall slowly (asymmetric exponential smoothing with half-lives in seconds).
///
/// Usage is censored by the allocation: a VM capped at 2 cores shows at most 2
/// cores. When the counters show unmet demand (CFS throttling, run-queue delay,
/// cgroup CPU pressure; guest swapping, major faults, memory pressure, a full
/// guest, a balloon the guest deflated by itself), the estimate probes upward: at least usage × `probeFactor` plus the
/// measured unmet time as millicores for CPU, at least the balloon × `memoryProbeFactor`
/// plus the bytes swapped in for memory; both capped at the VM's ceiling, and
/// never falling while censored. See docs/core.md for the full rules.
///
/// History lives in arrays indexed by a slot per VM; the id -> slot map is rebuilt
/// only when the VM set changes, and a cursor makes the common case (same VMs in
/// the same order as last tick) a single comparison per VM. Value semantics keep a
/// simulator run reproducible; owned by one loop.
public struct Estimator: Sendable {
    public var settings: EstimatorSettings {
        didSet {
            weights = SmoothingWeights()
            // The forecast column is as long as the others while prediction is on (switched
            // on by a reload: every tracked VM starts learning now), empty while it is off.
            if !settings.prediction.enabled {
                forecasts = []
            } else if forecasts.count != slots.count {
                forecasts = Array(repeating: DemandForecast(), count: slots.count)
            }
        }
    }
    /// Two columns indexed by slot: each VM's history (plain numbers, so reading and
    /// writing it back copies bytes and retains nothing) and its id.
    private var slots: [VMHistory] = []
    private var slotIDs: [VMID] = []
    private var slotIndex: [VMID: Int] = [:]
    /// Each VM's forecast, a third column, kept only while prediction is on (then exactly
    /// as long as `slots`: `settings` and the slot functions keep it so).
    private var forecasts: [DemandForecast] = []
    private var cursor = 0
    private var addedSinceLastPrune = false
    /// Smoothing weights for the last interval seen: every VM of a tick shares dt.
    private var weights = SmoothingWeights()

    public init(settings: EstimatorSettings = .init()) {
        self.settings = settings
    }

    /// The VMs the estimator keeps history for.
    public var trackedIDs: [VMID] { slotIDs }

    /// Estimates one VM's demand at `time` (seconds, the host sample's clock). `dayClock`
    /// (seconds whose remainder by a day is the time of day; `time` when nil) places the
    /// sample in its hour of the day for prediction.
    public mutating func estimate(_ vm: VMSample, at time: Double, dayClock: Double? = nil) -> DemandEstimate {
        let slot = findSlot(vm.id, time: time, current: vm.current)
        var history = slots[slot]
        defer {
            history.lastSeen = time
            slots[slot] = history
        }
        var signals = SignalList()
        var confidence = 1.0
        if !vm.sampleNotes.isEmpty {
            confidence -= 0.15 * Double(vm.sampleNotes.count)
            signals.append(.sampleNotes, value: Double(vm.sampleNotes.count))
        }
        let dt = time - history.time
        let isFirst = !history.hasEstimated
        if isFirst || dt <= 0 {
            return believeCurrent(vm, history: &history, first: isFirst, at: time,
                                  signals: &signals, confidence: confidence)
        }

        if weights.dt != dt { weights = SmoothingWeights(dt: dt, settings: settings) }
        var cpu = estimateCPU(vm, history: &history, dt: dt, signals: &signals, confidence: &confidence)
        var memory = estimateMemory(vm, history: &history, dt: dt, time: time, signals: &signals,
                                    confidence: &confidence)
        history.remember(vm, at: time)
        if settings.prediction.enabled {
            predict(slot: slot, vm: vm, cpu: &cpu, memory: &memory, time: time, dayClock: dayClock ?? time,
                    signals: &signals)
        }
        let cpuDemand = WholeUnits.upInt(cpu.demand)
        return DemandEstimate(
            demand: ResourceVector(cpu: cpuDemand, memory: WholeUnits.up(memory.demand)),
            cpuAhead: max(0, WholeUnits.upInt(cpu.ahead ?? 0) - cpuDemand),
            guestUsedMemory: memory.guestUsed, guestUsedGrowth: memory.usedGrowth,
            memoryActiveFraction: memory.activeFraction, confidence: min(max(confidence, 0.05), 1), signals: signals)
    }

    /// Drops history of VMs that are gone.
    public mutating func retain(only ids: Set<VMID>) {
        let before = slots.count
        removeSlots { _, id in !ids.contains(id) }
        if slots.count != before { rebuildIndex() }
    }

    /// Drops history of VMs not estimated at `time` (the tick that just ran) and says
    /// whether the set of tracked VMs changed since the last call: cheap when it did not.
    public mutating func pruneUnseen(at time: Double) -> Bool {
        let before = slots.count
        removeSlots { history, _ in history.lastSeen != time }
        let changed = slots.count != before || addedSinceLastPrune
        if slots.count != before { rebuildIndex() }
        addedSinceLastPrune = false
        return changed
    }

    // MARK: - Prediction

    /// Learns this sample into the VM's forecast, then moves each resource's estimate to
    /// the predicted demand of the next hour, never below what the live signals show this
    /// sample (and only for a resource read this sample).
    private mutating func predict(slot: Int, vm: VMSample, cpu: inout ResourceEstimate, memory: inout MemoryEstimate,
                                  time: Double, dayClock: Double, signals: inout SignalList) {
        let prediction = settings.prediction
        let sample = DemandForecast.Demand(cpu: cpu.observed ?? cpu.demand, memory: memory.observed ?? memory.demand)
        forecasts[slot].observe(sample, time: time, dayClock: dayClock, settings: prediction)
        switch forecasts[slot].predict(time: time, dayClock: dayClock, settings: prediction) {
        case .abstained(let why):
            signals.append(Signal(name: SignalName.predictionAbstained, value: 0, note: why))
        case .predicted(let predicted):
            // CPU: a predicted rise is expected beside the demand (`cpuAhead`), a fall lowers it.
            if prediction.cpu, let live = cpu.live,
               let target = Self.follow(predicted, \.cpu, live: live, ceiling: Double(max(vm.spec.ceiling.cpu, 0)),
                                        reactive: cpu.demand, risesAhead: true, signal: SignalName.cpuPredicted,
                                        signals: &signals, text: { CPUUnits.describe(WholeUnits.upInt($0)) }) {
                if target > cpu.demand { cpu.ahead = target } else { cpu.demand = target }
            }
            // Memory: the estimate follows the prediction both ways.
            if let live = memory.live,
               let target = Self.follow(predicted, \.memory, live: live, ceiling: max(Double(vm.spec.ceiling.memory), 0),
                                        reactive: memory.demand, risesAhead: false, signal: SignalName.memoryPredicted,
                                        signals: &signals, text: { ByteUnits.describe(WholeUnits.up($0)) }) {
                memory.demand = target
            }
        }
    }

    /// Where one resource's estimate goes with its prediction: never below `live` nor
    /// above `ceiling`; nil when that is the `reactive` estimate to a whole unit. Says why
    /// in a signal; `risesAhead` says a rise is expected beside the demand, not demand.
    private static func follow(_ predicted: DemandForecast.Prediction, _ resource: KeyPath<DemandForecast.Demand, Double>,
                               live: Double, ceiling: Double, reactive: Double, risesAhead: Bool, signal: String,
                               signals: inout SignalList, text: (Double) -> String) -> Double? {
        let target = min(max(live, predicted.demand[keyPath: resource]), ceiling)
        guard target.rounded(.up) != reactive.rounded(.up) else { return nil }
        signals.append(Signal(name: signal, value: target,
                              note: reason(predicted, resource, reactive: reactive, target: target, text: text,
                                           ahead: risesAhead && target > reactive)))
        return target
    }

    /// "usual 14:00 peak 2.10 cores (5 days), recent 1.80 cores: 2.10 cores, not the reactive 1.50 cores".
    private static func reason(_ predicted: DemandForecast.Prediction, _ resource: KeyPath<DemandForecast.Demand, Double>,
                               reactive: Double, target: Double, text: (Double) -> String, ahead: Bool) -> String {
        var parts: [String] = []
        if let usual = predicted.usual {
            parts.append("usual \(HourlyPeaks.clock(usual.hourOfDay)) peak \(text(usual.demand[keyPath: resource])) (\(usual.days) days)")
        }
        if let recent = predicted.recent { parts.append("recent \(text(recent[keyPath: resource]))") }
        if ahead {
            return "\(parts.joined(separator: ", ")): \(text(target)) expected, above the reactive \(text(reactive)); "
                + "served from capacity left after every VM's demand"
        }
        let direction = target > reactive ? "raised ahead" : "lowered with confidence"
        return "\(parts.joined(separator: ", ")): \(direction) to \(text(target)), not the reactive \(text(reactive))"
    }

    // MARK: - Slots

    private mutating func findSlot(_ id: VMID, time: Double, current: VMAllocation) -> Int {
        let guess = cursor < slots.count ? cursor : 0
        if guess < slots.count, slotIDs[guess] == id {
            cursor = guess + 1
            return guess
        }
        if let found = slotIndex[id] {
            cursor = found + 1
            return found
        }
        slots.append(VMHistory(time: time, current: current))
        slotIDs.append(id)
        if settings.prediction.enabled { forecasts.append(DemandForecast()) }
        slotIndex[id] = slots.count - 1
        addedSinceLastPrune = true
        cursor = slots.count
        return slots.count - 1
    }

    /// Removes the slots `drop` picks from both columns, keeping the others in order.
    private mutating func removeSlots(where drop: (VMHistory, VMID) -> Bool) {
        var kept = 0
        for slot in slots.indices where !drop(slots[slot], slotIDs[slot]) {
            if kept != slot {
                slots.swapAt(kept, slot)
                slotIDs.swapAt(kept, slot)
                if !forecasts.isEmpty { forecasts.swapAt(kept, slot) }
            }
            kept += 1
        }
        slots.removeLast(slots.count - kept)
        slotIDs.removeLast(slotIDs.count - kept)
        if !forecasts.isEmpty { forecasts.removeLast(forecasts.count - kept) }
    }

    private mutating func rebuildIndex() {
        slotIndex.removeAll(keepingCapacity: true)
        for (index, id) in slotIDs.enumerated() { slotIndex[id] = index }
        cursor = 0
    }

    // MARK: - First sample

    /// No rates yet (first sample) or no time has passed: believe what is applied now,
    /// with low confidence, so that nothing shrinks on a VM Ballast has just met.
    private func believeCurrent(_ vm: VMSample, history: inout VMHistory, first: Bool, at time: Double,
                                signals: inout SignalList, confidence: Double) -> DemandEstimate {
        let guestUsed = Self.guestUsed(vm.memory.balloon, balloonSize: vm.current.memory)
        if first {
            history.cpu = Double(vm.current.cpu)
            history.memory = Double(vm.current.memory)
            history.remember(vm, at: time)
            history.hasEstimated = true
            signals.append(.firstSample, value: 1)
        } else {
            signals.append(.repeatedSample, value: 0)
        }
        let active: Double
        if let guestUsed, vm.current.memory > 0 {
            active = min(1, Double(guestUsed) / Double(vm.current.memory))
        } else {
            active = 1
        }
        return DemandEstimate(
            demand: ResourceVector(cpu: WholeUnits.upInt(history.cpu), memory: WholeUnits.up(history.memory)),
            guestUsedMemory: guestUsed, memoryActiveFraction: active,
            confidence: min(max(confidence, 0.05), first ? 0.2 : 0.5), signals: signals)
    }

    // MARK: - CPU

    /// One resource's estimate: the smoothed demand, and for prediction what the live
    /// signals show this sample (the floor no prediction goes below: the probe while
    /// censored) and the demand observed, uncensored (what the forecast learns); both nil
    /// when this sample could not be read.
    struct ResourceEstimate {
        var demand: Double
        var live: Double?
        var observed: Double?
        /// What the prediction stage expects soon when that is above `demand` (CPU only);
        /// nil otherwise.
        var ahead: Double?
    }

    private func estimateCPU(_ vm: VMSample, history: inout VMHistory, dt: Double,
                             signals: inout SignalList, confidence: inout Double) -> ResourceEstimate {
        let ceiling = Double(max(vm.spec.ceiling.cpu, 0))
        guard let counters = vm.cpu else {
            confidence -= 0.3
            signals.append(.cpuUnreported, value: 0)
            return ResourceEstimate(demand: min(history.cpu, ceiling))
        }
        let usedNanos: Double
        switch CounterDelta(now: counters.usageNanos, before: history.usageNanos) {
        case .value(let nanos):
            usedNanos = Double(nanos)
        case .reset:
            confidence -= 0.3
            signals.append(.counterReset, value: 0)
            return ResourceEstimate(demand: min(history.cpu, ceiling))
        case .missing:
            confidence -= 0.3
            signals.append(.cpuCountersAppeared, value: 0)
            return ResourceEstimate(demand: min(history.cpu, ceiling))
        }
        let usage = usedNanos / dt / 1e6
        signals.append(.cpuUsage, value: usage)

        var censored = false
        var unmet = 0.0
        let periods = CounterDelta(now: counters.periods, before: history.periods)
        let throttled = CounterDelta(now: counters.throttledPeriods, before: history.throttledPeriods)
        let hasThrottleCounters = periods.amount != nil && throttled.amount != nil
        if let p = periods.amount, let t = throttled.amount, p > 0 {
            let fraction = min(t / p, 1)
            if fraction > settings.throttleThreshold {
                censored = true
                signals.append(.cpuThrottled, value: fraction)
            }
        }
        // Time the VM wanted a CPU and did not get one, as millicores of unmet demand.
        func addUnmet(now: UInt64?, before: UInt64?, kind: SignalKind) {
            guard let nanos = CounterDelta(now: now, before: before).amount else { return }
            let millicores = nanos / dt / 1e6
            unmet += millicores
            if millicores > Double(settings.cpuUnmetThreshold) {
                censored = true
                signals.append(kind, value: millicores)
            }
        }
        addUnmet(now: counters.throttledNanos, before: history.throttledNanos, kind: .cpuThrottledTime)
        addUnmet(now: counters.runDelayNanos, before: history.runDelayNanos, kind: .cpuRunDelay)
        if let pressure = counters.pressure, pressure.someAvg10 > settings.pressureThreshold {
            censored = true
            signals.append(.cpuPressure, value: pressure.someAvg10)
        }
        if !hasThrottleCounters, vm.current.cpu > 0, usage >= 0.98 * Double(vm.current.cpu) {
            censored = true
            signals.append(.cpuSaturated, value: usage / Double(vm.current.cpu))
        }
        if CounterDelta(now: counters.throttledPeriods, before: history.throttledPeriods).isReset
            || CounterDelta(now: counters.runDelayNanos, before: history.runDelayNanos).isReset {
            confidence -= 0.1
        }

        var raw = usage * (1 + settings.cpuHeadroomFraction) + unmet
        let observed = min(raw, ceiling)
        if censored {
            raw = max(raw, usage * settings.probeFactor + unmet)
        }
        raw = min(raw, ceiling)
        if censored {
            signals.append(.cpuProbe, value: raw)
            history.cpu = max(history.cpu, history.cpu + weights.rise * (raw - history.cpu))
        } else {
            let weight = raw > history.cpu ? weights.rise : weights.cpuFall
            history.cpu += weight * (raw - history.cpu)
        }
        history.cpu = min(max(history.cpu, 0), ceiling)
        return ResourceEstimate(demand: history.cpu, live: censored ? history.cpu : max(raw, 0), observed: observed)
    }

    // MARK: - Memory

    private struct MemoryEstimate {
        var demand: Double
        var guestUsed: UInt64?
        /// Bytes per second, when climbing by at least a KiB a second.
        var usedGrowth: UInt64?
        var activeFraction: Double
        /// As in `ResourceEstimate`.
        var live: Double?
        var observed: Double?
    }

    /// Memory the guest can still use: usable (MemAvailable), or unused + disk
    /// caches; nil when the guest does not report it.
    static func guestFree(_ balloon: BalloonStats?) -> UInt64? {
        guard let balloon, balloon.available != nil else { return nil }
        if let usable = balloon.usable { return usable }
        guard let unused = balloon.unused else { return nil }
        return unused &+ (balloon.diskCaches ?? 0)
    }

    /// How fast guest used memory grows, from the guest's own reports: used as the guest
    /// counts it (MemTotal − MemAvailable, both from one report) between two reports, over
    /// the time between them (the guest's stamps). Not from the balloon size: libvirt
    /// reports a balloon's new size a moment before or after the guest's statistics show
    /// it, so balloon size − free jumps by every resize and an idle guest being shrunk or
    /// grown looked like a growing one. A sample without a new report changes nothing;
    /// each new report follows a rise at once and halves the rate otherwise; a stamp that
    /// went back (a rebooted guest) starts over.
    static func followUsedGrowth(reportedUsed: Double, reportedAt: Double, history: inout VMHistory) {
        if let previous = history.usedMemory, let previousAt = history.usedMemoryAt {
            if reportedAt == previousAt { return }
            if reportedAt > previousAt {
                let growth = max(0, (reportedUsed - previous) / (reportedAt - previousAt))
                history.usedGrowth = max(growth, history.usedGrowth / 2)
            }
        }
        history.usedMemory = reportedUsed
        history.usedMemoryAt = reportedAt
    }

    /// The part of the balloon the guest cannot give away: balloon size − free.
    /// The balloon size (libvirt's `actual`) is larger than what the guest sees
    /// (`available`, MemTotal) by the kernel's own reservations, about 60 MiB in a
    /// 256 MiB guest; counting from `available` instead would let a demand of
    /// used + headroom leave the guest with headroom − 60 MiB.
    public static func guestUsed(_ balloon: BalloonStats?, balloonSize: UInt64) -> UInt64? {
        guard let available = balloon?.available, let free = guestFree(balloon) else { return nil }
        return guestUsed(free: free, available: available, balloonSize: balloonSize)
    }

    static func guestUsed(free: UInt64, available: UInt64, balloonSize: UInt64) -> UInt64 {
        let size = max(available, balloonSize)
        return size > free ? size - free : 0
    }

    private func estimateMemory(_ vm: VMSample, history: inout VMHistory, dt: Double, time: Double,
                                signals: inout SignalList, confidence: inout Double) -> MemoryEstimate {
        let ceiling = Double(vm.spec.ceiling.memory)
        let current = Double(vm.current.memory)
        guard let balloon = vm.memory.balloon, let free = Self.guestFree(balloon), let available = balloon.available else {
            confidence -= 0.4
            signals.append(.memoryUnreported, value: Double(vm.memory.rss ?? 0))
            history.memory = min(Double(vm.memory.rss ?? vm.current.memory), max(ceiling, current))
            return MemoryEstimate(demand: history.memory, guestUsed: nil, activeFraction: 1)
        }
        let newReport = history.statsUpdate == nil || balloon.lastUpdate != history.statsUpdate
        Self.followUsedGrowth(reportedUsed: Double(available > free ? available - free : 0),
                              reportedAt: balloon.lastUpdate ?? time, history: &history)
        var used = Self.guestUsed(free: free, available: available, balloonSize: vm.current.memory)
        let since = max(0, time - history.statsUpdateChangedAt)
        if !newReport, history.usedGrowth >= 1024, let interval = history.reportInterval, since > 3 * interval {
            // A climbing guest whose report is overdue (three times its usual interval: a report
            // merely late by a tick is not; twice was, with 2-s ticks and reports) is taken to
            // have gone on climbing since it last reported: a guest filling its memory can be
            // too busy to report (seen on real guests: no report for 10 s, and a need frozen at
            // its last report let it run out). A report merely not due yet changes nothing.
            let climbed = WholeUnits.down(history.usedGrowth * since)
            used = max(used, min(used &+ climbed, max(available, vm.current.memory)))
        }
        let usedBytes = Double(used)
        signals.append(.memoryUsed, value: usedBytes)
        if history.statsUpdate != nil, balloon.lastUpdate == history.statsUpdate,
           time - history.statsUpdateChangedAt > settings.staleStatsAfter {
            confidence -= 0.3
            signals.append(.memoryStaleStats, value: time - history.statsUpdateChangedAt)
        }

        var censored = false
        var swappedIn = 0.0
        let swapInDelta = CounterDelta(now: balloon.swapIn, before: history.swapIn)
        let swapOutDelta = CounterDelta(now: balloon.swapOut, before: history.swapOut)
        if swapInDelta.isReset || swapOutDelta.isReset { confidence -= 0.1 }
        let swapBytes = (swapInDelta.amount ?? 0) + (swapOutDelta.amount ?? 0)
        if swapBytes / dt > settings.swapThreshold {
            censored = true
            swappedIn = swapInDelta.amount ?? 0
            signals.append(.memorySwap, value: swapBytes / dt)
        }
        if let faults = CounterDelta(now: balloon.majorFaults, before: history.majorFaults).amount,
           faults / dt > settings.majorFaultThreshold {
            censored = true
            signals.append(.memoryMajorFaults, value: faults / dt)
        }
        if let pressure = vm.memory.pressure, pressure.someAvg10 > settings.pressureThreshold {
            censored = true
            signals.append(.memoryPressure, value: pressure.someAvg10)
        }
        if let target = vm.selfDeflatedFrom, vm.current.memory > target {
            // The guest took memory back from the balloon before its OOM killer ran: the
            // strongest sign that it needs more, whatever its statistics say yet.
            censored = true
            signals.append(.memorySelfDeflate, value: Double(vm.current.memory - target))
        }
        let headroom = Double(free)
        if available > 0, headroom < settings.memoryFullFraction * Double(available) {
            censored = true
            signals.append(.memoryFull, value: headroom / Double(available))
        }

        var raw = usedBytes + settings.memoryHeadroom.amount(forUsed: usedBytes)
        let ahead = history.usedGrowth * max(settings.memoryGrowthLookahead, 0)
        if ahead >= Double(ByteUnits.mebibyte) {
            raw += ahead
            signals.append(.memoryGrowth, value: history.usedGrowth)
        }
        let observed = min(raw, max(ceiling, 0))
        if censored {
            raw = max(raw, current * settings.memoryProbeFactor + swappedIn)
        }
        raw = min(raw, max(ceiling, 0))
        if censored {
            signals.append(.memoryProbe, value: raw)
            history.memory = max(history.memory, history.memory + weights.rise * (raw - history.memory))
        } else {
            let weight = raw > history.memory ? weights.rise : weights.memoryFall
            history.memory += weight * (raw - history.memory)
        }
        history.memory = min(max(history.memory, 0), max(ceiling, 0))
        let active = current > 0 ? min(1, usedBytes / current) : 1
        let climbing = history.usedGrowth >= 1024 ? WholeUnits.down(history.usedGrowth) : nil
        return MemoryEstimate(demand: history.memory, guestUsed: used, usedGrowth: climbing, activeFraction: active,
                              live: censored ? history.memory : raw, observed: observed)
    }
}

/// The smoothing weights for one interval length, computed once per tick rather than per VM.
struct SmoothingWeights {
    var dt = -1.0
    var rise = 1.0
    var cpuFall = 1.0
    var memoryFall = 1.0

    init() {}

    init(dt: Double, settings: EstimatorSettings) {
        self.dt = dt
        rise = HalfLife.weight(dt: dt, halfLife: settings.riseHalfLife)
        cpuFall = HalfLife.weight(dt: dt, halfLife: settings.cpuFallHalfLife)
        memoryFall = HalfLife.weight(dt: dt, halfLife: settings.fallHalfLife)
    }
}


/// What the prediction stage remembers about one VM: recent demand (exponentially
/// weighted mean and mean square) and, for each hour of the day, the usual peak (mean and
/// mean square of the hour's peaks over the days seen, weighted towards the last week).
/// Fixed size (about 500 bytes, no heap), kept in a column beside `VMHistory` only while
/// prediction is on. Not persisted: after a restart the stage abstains until it has
/// learned again (`PredictionSettings.minimumRecent`, `minimumDays`).
struct DemandForecast {
    static let hoursPerDay = 24
    static let secondsPerHour = 3600.0
    /// Samples further apart than this break recent history and leave an hour unlearned.
    static let longestGap = 900.0
    /// Days the hourly means weigh most (older days fade with weight 1/this).
    static let daysRemembered = 7.0

    private var recent = RecentHistory()
    private var hourly = HourlyPeaks()
    /// The hour (whole hours of the day clock) being observed, its running peaks, and whether
    /// it was observed from its start without a gap (only such hours are learned).
    private var hour: Int?
    private var hourComplete = false
    private var hourPeak = Demand(cpu: 0, memory: 0)

    /// Demand in millicores and bytes.
    struct Demand {
        var cpu: Double
        var memory: Double
    }

    /// A prediction, or why the stage abstains.
    enum Outcome {
        case predicted(Prediction)
        case abstained(String)
    }

    /// Predicted demand and where it comes from, in words for `explain`.
    struct Prediction {
        var demand: Demand
        var recent: Demand?
        /// The usual peak of the hours ahead, with the hour of the day it falls in and the days seen.
        var usual: (demand: Demand, hourOfDay: Int, days: Int)?
    }

    /// Learns one sample of live demand at `time` (the sample clock) and `dayClock`
    /// (seconds whose remainder by 86,400 is the time of day).
    mutating func observe(_ demand: Demand, time: Double, dayClock: Double, settings: PredictionSettings) {
        recent.observe(demand, time: time, settings: settings)
        guard dayClock.isFinite, abs(dayClock) < 1e15 else {
            hour = nil
            return
        }
        let now = Int((dayClock / Self.secondsPerHour).rounded(.down))
        let contiguous = recent.isContiguous
        if now == hour {
            hourPeak.cpu = max(hourPeak.cpu, demand.cpu)
            hourPeak.memory = max(hourPeak.memory, demand.memory)
            if !contiguous { hourComplete = false }
            return
        }
        if let hour, hourComplete, contiguous, now == hour + 1 {
            hourly.learn(hourPeak, hourOfDay: Self.hourOfDay(hour))
        }
        hourComplete = contiguous && hour.map { now == $0 + 1 } ?? false
        hour = now
        hourPeak = demand
    }

    /// The demand of the next `lookahead` seconds: the larger of the recent and the usual
    /// prediction, or why neither can be made.
    func predict(time: Double, dayClock: Double, settings: PredictionSettings) -> Outcome {
        let recentDemand = recent.predict(time: time, settings: settings)
        var usual: (demand: Demand, hourOfDay: Int, days: Int)?
        var whyNotUsual = "no time of day"
        if dayClock.isFinite, abs(dayClock) < 1e15 {
            switch hourly.predict(from: dayClock, settings: settings) {
            case .success(let found): usual = found
            case .failure(let why): whyNotUsual = why.text
            }
        }
        guard recentDemand != nil || usual != nil else {
            return .abstained("too little history: \(recent.isContiguous ? "recent history under \(Int(settings.minimumRecent)) s" : "recent history broken by a gap or clock jump"); \(whyNotUsual)")
        }
        let candidates = [recentDemand, usual?.demand].compactMap { $0 }
        let demand = Demand(cpu: candidates.map(\.cpu).max() ?? 0, memory: candidates.map(\.memory).max() ?? 0)
        return .predicted(Prediction(demand: demand, recent: recentDemand, usual: usual))
    }

    static func hourOfDay(_ hour: Int) -> Int {
        let remainder = hour % hoursPerDay
        return remainder < 0 ? remainder + hoursPerDay : remainder
    }
}

/// Mean + sigmas × standard deviation from a mean and a mean square (variance never below 0).
func upperBound(mean: Double, square: Double, sigmas: Double) -> Double {
    let variance = max(0, square - mean * mean)
    return mean + sigmas * variance.squareRoot()
}

/// Recent demand: exponentially weighted mean and mean square, restarted by a gap or a
/// clock that goes backwards.
struct RecentHistory {
    private var cpu = (mean: 0.0, square: 0.0)
    private var memory = (mean: 0.0, square: 0.0)
    private var since = 0.0
    private var last: Double?
    /// Whether the last sample followed the one before without a gap or clock jump.
    private(set) var isContiguous = false

    mutating func observe(_ demand: DemandForecast.Demand, time: Double, settings: PredictionSettings) {
        guard time.isFinite else {
            last = nil
            isContiguous = false
            return
        }
        guard let last, time > last, time - last <= DemandForecast.longestGap else {
            cpu = (demand.cpu, demand.cpu * demand.cpu)
            memory = (demand.memory, demand.memory * demand.memory)
            since = time
            self.last = time
            isContiguous = false
            return
        }
        let weight = HalfLife.weight(dt: time - last, halfLife: settings.recentHalfLife)
        cpu.mean += weight * (demand.cpu - cpu.mean)
        cpu.square += weight * (demand.cpu * demand.cpu - cpu.square)
        memory.mean += weight * (demand.memory - memory.mean)
        memory.square += weight * (demand.memory * demand.memory - memory.square)
        self.last = time
        isContiguous = true
    }

    func predict(time: Double, settings: PredictionSettings) -> DemandForecast.Demand? {
        guard isContiguous, let last, last == time, time - since >= settings.minimumRecent else { return nil }
        return DemandForecast.Demand(cpu: upperBound(mean: cpu.mean, square: cpu.square, sigmas: settings.sigmas),
                                     memory: upperBound(mean: memory.mean, square: memory.square,
                                                        sigmas: settings.sigmas))
    }
}

/// Each hour of the day's usual peak: mean and mean square of the peaks of the whole
/// hours seen, equal weights for the first week, then 1/7 for each new day.
struct HourlyPeaks {
    private var cpuMean = InlineArray<24, Float>(repeating: 0)
    private var cpuSquare = InlineArray<24, Float>(repeating: 0)
    private var memoryMean = InlineArray<24, Float>(repeating: 0)
    private var memorySquare = InlineArray<24, Float>(repeating: 0)
    private var days = InlineArray<24, UInt16>(repeating: 0)

    /// Why no usual peak can be given.
    struct Missing: Error {
        var text: String
    }

    mutating func learn(_ peak: DemandForecast.Demand, hourOfDay: Int) {
        let seen = Double(days[hourOfDay])
        let weight = Float(1 / min(seen + 1, DemandForecast.daysRemembered))
        let cpu = Float(peak.cpu)
        let memory = Float(peak.memory)
        cpuMean[hourOfDay] += weight * (cpu - cpuMean[hourOfDay])
        cpuSquare[hourOfDay] += weight * (cpu * cpu - cpuSquare[hourOfDay])
        memoryMean[hourOfDay] += weight * (memory - memoryMean[hourOfDay])
        memorySquare[hourOfDay] += weight * (memory * memory - memorySquare[hourOfDay])
        if days[hourOfDay] < UInt16.max { days[hourOfDay] += 1 }
    }

    /// The largest usual peak of the hours from `dayClock` to `dayClock + lookahead`;
    /// every one of them must have been seen on `minimumDays` days.
    func predict(from dayClock: Double, settings: PredictionSettings)
        -> Result<(demand: DemandForecast.Demand, hourOfDay: Int, days: Int), Missing> {
        let first = Int((dayClock / DemandForecast.secondsPerHour).rounded(.down))
        let ahead = min(max(settings.lookahead, 0), 86_400)
        let last = Int(((dayClock + ahead) / DemandForecast.secondsPerHour).rounded(.down))
        var best: (demand: DemandForecast.Demand, hourOfDay: Int, days: Int)?
        for hour in first...max(first, last) {
            let slot = DemandForecast.hourOfDay(hour)
            let seen = Int(days[slot])
            guard seen >= settings.minimumDays else {
                return .failure(Missing(text: "\(Self.clock(slot)) seen on \(seen) of \(settings.minimumDays) days"))
            }
            let demand = DemandForecast.Demand(
                cpu: upperBound(mean: Double(cpuMean[slot]), square: Double(cpuSquare[slot]), sigmas: settings.sigmas),
                memory: upperBound(mean: Double(memoryMean[slot]), square: Double(memorySquare[slot]),
                                   sigmas: settings.sigmas))
            if let current = best {
                best = (DemandForecast.Demand(cpu: max(current.demand.cpu, demand.cpu),
                                              memory: max(current.demand.memory, demand.memory)),
                        demand.cpu >= current.demand.cpu ? slot : current.hourOfDay, min(current.days, seen))
            } else {
                best = (demand, slot, seen)
            }
        }
        guard let best else { return .failure(Missing(text: "no hour ahead")) }
        return .success(best)
    }

    /// "14:00".
    static func clock(_ hourOfDay: Int) -> String {
        (hourOfDay < 10 ? "0" : "") + "\(hourOfDay):00"
    }
}

import PropertyBased
import Testing
@testable import BallastCore

/// The estimator's prediction stage: usual peaks by hour of day, recent history, what it
/// does with too little or broken history, and (property) that it never goes below what
/// the live signals show.
@Suite("Prediction")
struct PredictionTests {
    typealias Guest = EstimatorTests.Guest

    static func settings(_ prediction: PredictionSettings = PredictionSettings(enabled: true, cpu: true, sigmas: 2))
        -> EstimatorSettings {
        var settings = EstimatorSettings()
        settings.prediction = prediction
        return settings
    }

    /// Day `day`, `hour`:`minute` in seconds from the first midnight.
    static func at(day: Int, hour: Int, minute: Int = 0) -> Double {
        Double(day * 86_400 + hour * 3600 + minute * 60)
    }

    /// Runs `guest` every 5 minutes from `start` up to (not including) `end`, at the CPU
    /// `millicores(time)` gives, through both estimators; returns the last two estimates.
    static func run(_ guest: inout Guest, from start: Double, to end: Double, predicting: inout Estimator,
                    reactive: inout Estimator, millicores: (Double) -> Int)
        -> (predicted: DemandEstimate, reactive: DemandEstimate)? {
        var last: (DemandEstimate, DemandEstimate)?
        var time = start
        while time < end {
            guest.run(dt: 300, millicores: millicores(time))
            last = (predicting.estimate(guest.sample, at: time), reactive.estimate(guest.sample, at: time))
            time += 300
        }
        return last
    }

    /// Busy (3 cores) from 14:00 to 15:00 every day, 0.5 core otherwise.
    static func dailyPeak(_ time: Double) -> Int {
        let hour = Int(time.truncatingRemainder(dividingBy: 86_400) / 3600)
        return hour == 14 ? 3000 : 500
    }

    @Test func tooLittleHistoryAbstainsSaysWhyAndLeavesTheReactiveEstimate() throws {
        var guest = Guest()
        var predicting = Estimator(settings: Self.settings())
        var reactive = Estimator()
        let last = try #require(Self.run(&guest, from: 0, to: 900, predicting: &predicting, reactive: &reactive,
                                         millicores: { _ in 800 }))
        let abstained = try #require(last.predicted.signals.first { $0.name == SignalName.predictionAbstained })
        #expect(abstained.note.contains("too little history"), "\(abstained.note)")
        #expect(abstained.note.contains("00:00 seen on 0 of 3 days"), "\(abstained.note)")
        #expect(last.predicted.demand == last.reactive.demand)
    }

    @Test func aUsualPeakRaisesTheEstimateAheadOfIt() throws {
        var guest = Guest()
        var predicting = Estimator(settings: Self.settings())
        var reactive = Estimator()
        // Four days of the pattern, then day 5 up to 13:30: the peak is half an hour ahead.
        let last = try #require(Self.run(&guest, from: 0, to: Self.at(day: 4, hour: 13, minute: 35),
                                         predicting: &predicting, reactive: &reactive,
                                         millicores: Self.dailyPeak))
        // Reactive: 0.5 core and 10 % headroom.
        #expect(last.reactive.demand.cpu <= 600)
        // Predicted: the usual 14:00 peak, 3 cores and headroom, learned over four days, is
        // expected above the demand, which stays what the live signals show: the fair share
        // serves the rest only from spare capacity (`cpuAhead`).
        #expect(last.predicted.demand.cpu == last.reactive.demand.cpu, "\(last.predicted.demand)")
        #expect(last.predicted.demand.cpu + last.predicted.cpuAhead >= 3300, "ahead \(last.predicted.cpuAhead)")
        #expect(last.reactive.cpuAhead == 0)
        let signal = try #require(last.predicted.signals.first { $0.name == SignalName.cpuPredicted })
        #expect(signal.note.contains("usual 14:00 peak"), "\(signal.note)")
        #expect(signal.note.contains("expected") && signal.note.contains("served from capacity left"), "\(signal.note)")
        #expect(signal.note.contains("(4 days)"), "\(signal.note)")
    }

    @Test func cpuIsLeftReactiveWhenItsPredictionIsOff() throws {
        var guest = Guest()
        var predicting = Estimator(settings: Self.settings(PredictionSettings(enabled: true, cpu: false)))
        var reactive = Estimator()
        let last = try #require(Self.run(&guest, from: 0, to: Self.at(day: 4, hour: 13, minute: 35),
                                         predicting: &predicting, reactive: &reactive,
                                         millicores: Self.dailyPeak))
        #expect(last.predicted.demand.cpu == last.reactive.demand.cpu)
        #expect(last.predicted.cpuAhead == 0)
        #expect(!last.predicted.signals.contains { $0.name == SignalName.cpuPredicted })
    }

    @Test func afterThePeakTheEstimateComesDownWithTheUsualTrough() throws {
        var guest = Guest()
        var predicting = Estimator(settings: Self.settings())
        var reactive = Estimator()
        // Day 5 at 20:00: the peak is five hours past and the next hours are usually quiet.
        // Recent history (half-life 30 min) has all but forgotten the peak, so the estimate
        // is back near the trough's 0.5 core and headroom.
        let last = try #require(Self.run(&guest, from: 0, to: Self.at(day: 4, hour: 20, minute: 5),
                                         predicting: &predicting, reactive: &reactive,
                                         millicores: Self.dailyPeak))
        #expect(last.predicted.demand.cpu < 1000, "\(last.predicted.demand)")
        #expect(last.predicted.demand.cpu >= last.reactive.demand.cpu, "never below the live signals")
    }

    @Test func aWallClockThatJumpsOrIsNotANumberNeverBreaksTheTick() throws {
        var guest = Guest()
        var predicting = Estimator(settings: Self.settings())
        var reactive = Estimator()
        var time = 0.0
        for step in 0..<400 {
            guest.run(dt: 300, millicores: 700)
            // The monotonic clock steps on; the wall clock jumps back 5 hours once, then is NaN, then infinite.
            let dayClock: Double = switch step {
            case 200: time - 5 * 3600
            case 300: .nan
            case 301: .infinity
            default: time
            }
            let predicted = predicting.estimate(guest.sample, at: time, dayClock: dayClock)
            let baseline = reactive.estimate(guest.sample, at: time)
            #expect(predicted.demand.cpu >= baseline.demand.cpu || predicted.signals.contains {
                $0.name == SignalName.cpuPredicted && $0.note.contains("lowered")
            })
            if step == 300 {
                // No time of day: the usual part abstains, recent history still predicts.
                #expect(!predicted.signals.contains { $0.name == SignalName.predictionAbstained })
            }
            time += 300
        }
    }

    /// A reload switches prediction on and off while VMs come and go: the forecasts stay
    /// with their VMs (a new VM's first sample returns before any prediction is made).
    @Test func switchingPredictionOnAndOffWhileVMsComeAndGoKeepsForecastsWithTheirVMs() throws {
        var estimator = Estimator()
        var guests = (1...4).map { n in var guest = Guest(); guest.n = n; return guest }
        var time = 0.0
        for round in 0..<40 {
            if round == 5 || round == 25 { estimator.settings = Self.settings() }
            if round == 15 { estimator.settings = EstimatorSettings() }
            // VM 5 appears at round 8, VM 2 leaves at round 12; at round 25, as prediction is
            // switched on again, VM 6 appears first in the tick and VM 3 leaves.
            if round == 8 { var guest = Guest(); guest.n = 5; guests.append(guest) }
            if round == 12 { guests.removeAll { $0.n == 2 } }
            if round == 25 {
                var guest = Guest()
                guest.n = 6
                guests.insert(guest, at: 0)
                guests.removeAll { $0.n == 3 }
            }
            for index in guests.indices {
                guests[index].run(dt: 300, millicores: 400 * guests[index].n)
                _ = estimator.estimate(guests[index].sample, at: time)
            }
            _ = estimator.pruneUnseen(at: time)
            time += 300
        }
        // Prediction has been on since round 25 (15 rounds, 75 min): each VM's recent history
        // is its own, so its prediction matches its own steady usage.
        for index in guests.indices {
            guests[index].run(dt: 300, millicores: 400 * guests[index].n)
            let estimate = estimator.estimate(guests[index].sample, at: time)
            #expect(!estimate.signals.contains { $0.name == SignalName.predictionAbstained },
                    "VM \(guests[index].n): \(estimate.signals.map(\.note))")
            let expected = Double(400 * guests[index].n) * 1.1
            #expect(abs(Double(estimate.demand.cpu) - expected) <= 2, "VM \(guests[index].n): \(estimate.demand)")
        }
    }

    // MARK: - Property: never below the live signals

    /// One step of a random guest: seconds, CPU used, fraction throttled, memory used, swapping.
    struct Step: Sendable {
        var dt: Double
        var millicores: Int
        var throttled: Double
        var usedMiB: UInt64
        var swapping: Bool
    }

    static let step = zip(Gen.int(in: 0...2), Gen.int(in: 0...8000), Gen.double(in: 0...1),
                          Gen.uint64(in: 100...4000), Gen.int(in: 0...4))
        .map { dt, millicores, throttled, used, swap in
            Step(dt: [10.0, 60, 300][dt], millicores: millicores, throttled: throttled < 0.7 ? 0 : throttled,
                 usedMiB: used, swapping: swap == 0)
        }

    /// With prediction on, a VM's estimate is never below what its live signals show:
    /// the usage-based demand (usage and headroom), and everything the reactive estimator
    /// says while a resource is censored (throttling, swapping, a full guest).
    @Test func thePredictionNeverGoesBelowTheLiveSignals() async {
        await propertyCheck(input: Self.step.array(of: 20...120)) { steps in
            var guest = Guest()
            var predicting = Estimator(settings: Self.settings(PredictionSettings(enabled: true, cpu: true, sigmas: 1,
                                                                                   recentHalfLife: 300,
                                                                                   minimumRecent: 300,
                                                                                   minimumDays: 1)))
            var reactive = Estimator()
            let settings = EstimatorSettings()
            var time = 0.0
            for step in steps {
                time += step.dt
                guest.run(dt: step.dt, millicores: step.millicores, throttled: step.throttled)
                let used = step.usedMiB * ByteUnits.mebibyte
                guest.usable = guest.available > used ? guest.available - used : 0
                if step.swapping { guest.swapIn += 64 << 20 }
                let predicted = predicting.estimate(guest.sample, at: time)
                let baseline = reactive.estimate(guest.sample, at: time)
                let ceiling = guest.spec.ceiling
                if let usage = baseline.signals.first(where: { $0.name == SignalName.cpuUsage })?.value {
                    let live = min(usage * (1 + settings.cpuHeadroomFraction), Double(ceiling.cpu))
                    #expect(Double(predicted.demand.cpu) >= live - 1, "cpu \(predicted.demand.cpu) below usage \(live)")
                }
                if baseline.signals.contains(where: { $0.name == SignalName.cpuProbe }) {
                    #expect(predicted.demand.cpu >= baseline.demand.cpu, "censored CPU: the probe wins")
                }
                if let usedBytes = baseline.signals.first(where: { $0.name == SignalName.memoryUsed })?.value {
                    let headroom = max(Double(settings.memoryHeadroomBytes), settings.memoryHeadroomFraction * usedBytes)
                    let live = min(usedBytes + headroom, Double(ceiling.memory))
                    #expect(Double(predicted.demand.memory) >= live - 1, "memory below used + headroom")
                }
                if baseline.signals.contains(where: { $0.name == SignalName.memoryProbe }) {
                    #expect(predicted.demand.memory >= baseline.demand.memory, "censored memory: the probe wins")
                }
            }
        }
    }
}

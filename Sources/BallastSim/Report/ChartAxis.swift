import BallastCore

/// One axis of a report chart: the range it spans, its labelled ticks and its
/// title. Value axes get "nice" steps (1, 2, 2.5 or 5 times a power of ten);
/// the time axis gets steps a reader counts in (10 s, 5 min, 3 h, a day).
struct ChartAxis: Sendable {
    struct Tick: Sendable, Hashable {
        var value: Double
        var label: String
    }

    var lower: Double
    var upper: Double
    var ticks: [Tick]
    var title: String

    /// Where `value` falls on a line of `length` pixels starting at `start`
    /// (`reversed`: the upper end at `start`, as on a vertical axis).
    func position(_ value: Double, start: Double, length: Double, reversed: Bool = false) -> Double {
        let span = upper - lower
        let fraction = span > 0 ? (value - lower) / span : 0
        return start + length * (reversed ? 1 - fraction : fraction)
    }

    /// An axis over `lower...upper` widened to whole steps, about `count` ticks,
    /// each label followed by `suffix`.
    static func values(_ lower: Double, _ upper: Double, title: String, suffix: String = "", count: Int = 5) -> ChartAxis {
        var low = lower.isFinite ? lower : 0
        var high = upper.isFinite ? upper : 1
        if high <= low { high = low + (low == 0 ? 1 : Swift.abs(low) * 0.1) }
        let step = niceStep(for: (high - low) / Double(max(count, 1)))
        low = (low / step).rounded(.down) * step
        high = (high / step - 1e-9).rounded(.up) * step
        let places = decimalPlaces(of: step)
        var ticks: [Tick] = []
        var index = 0.0
        while low + index * step <= high + step * 1e-6 {
            let value = low + index * step
            ticks.append(Tick(value: value, label: value.decimalText(places: places) + suffix))
            index += 1
        }
        return ChartAxis(lower: low, upper: high, ticks: ticks, title: title)
    }

    /// A time axis from 0 to `span` simulated seconds with at most about eight ticks.
    static func time(span: Double, title: String = "simulated time") -> ChartAxis {
        let span = span > 0 && span.isFinite ? span : 1
        let step = timeSteps.first { span / $0 <= 8 } ?? (span / 8 / 86_400).rounded(.up) * 86_400
        var ticks: [Tick] = []
        var value = 0.0
        while value <= span + 1e-9 {
            ticks.append(Tick(value: value, label: timeLabel(value, step: step, span: span)))
            value += step
        }
        return ChartAxis(lower: 0, upper: span, ticks: ticks, title: title)
    }

    /// Steps of the time axis, in seconds.
    static let timeSteps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800,
                                      21_600, 43_200, 86_400, 172_800, 604_800]

    /// "3 h" for whole-hour steps, "1:30" (h:mm) for finer steps over an hour or
    /// more, "5 min" and "30 s" below that; days as "2 d".
    static func timeLabel(_ seconds: Double, step: Double, span: Double) -> String {
        let whole = Int(seconds.rounded())
        if step >= 86_400, whole % 86_400 == 0 { return "\(whole / 86_400) d" }
        if step >= 3_600, whole % 3_600 == 0 { return "\(whole / 3_600) h" }
        if span >= 3_600 {
            let minutes = (whole % 3_600) / 60
            return "\(whole / 3_600):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        }
        if step >= 60, whole % 60 == 0 { return "\(whole / 60) min" }
        return "\(whole) s"
    }

    /// The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`.
    static func niceStep(for raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for factor in [1.0, 2, 2.5, 5, 10] where factor * power >= raw * (1 - 1e-9) {
            return factor * power
        }
        return 10 * power
    }

    /// The digits after the point that print every multiple of `step` exactly.
    static func decimalPlaces(of step: Double) -> Int {
        var places = 0
        var scaled = step
        while places < 6, Swift.abs(scaled - scaled.rounded()) > 1e-6 * Swift.max(1, scaled) {
            scaled *= 10
            places += 1
        }
        return places
    }
}

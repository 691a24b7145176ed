#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A synthetic demand curve over time (seconds), in whatever unit the caller
/// uses (millicores or bytes). The scenario generator composes these.
public enum DemandShape: Sendable, Hashable {
    case constant(Double)
    /// mean + amplitude × sin(2π (t / period + phase)): a day compressed to `period`.
    case diurnal(mean: Double, amplitude: Double, period: Double, phase: Double)
    /// `base`, with bursts to `peak` lasting `length` s, starting on average every `meanGap` s (seeded).
    case bursts(base: Double, peak: Double, meanGap: Double, length: Double)
    /// Holds each level for `every` seconds, then jumps to the next (cycling).
    case steps(levels: [Double], every: Double)
    /// Grows from `start` by `perSecond` up to `cap` (a slow leak), then stays.
    case leak(start: Double, perSecond: Double, cap: Double)

    /// Samples the shape at `times`; `seed` drives the burst timing.
    public func sample(at times: [Double], seed: UInt64) -> [Double] {
        switch self {
        case .constant(let value):
            return times.map { _ in value }
        case .diurnal(let mean, let amplitude, let period, let phase):
            return times.map { time -> Double in
                let angle: Double = 2 * Double.pi * (time / period + phase)
                return max(0, mean + amplitude * sin(angle))
            }
        case .bursts(let base, let peak, let meanGap, let length):
            var generator = SeededGenerator(seed: seed)
            var starts: [Double] = []
            var next = meanGap * (0.5 + generator.nextUnit())
            let end = times.last ?? 0
            while next <= end {
                starts.append(next)
                next += length + meanGap * (0.5 + generator.nextUnit())
            }
            var burst = 0
            return times.map { time in
                while burst < starts.count && starts[burst] + length <= time { burst += 1 }
                return burst < starts.count && starts[burst] <= time ? peak : base
            }
        case .steps(let levels, let every):
            guard !levels.isEmpty, every > 0 else { return times.map { _ in 0 } }
            return times.map { levels[Int($0 / every) % levels.count] }
        case .leak(let start, let perSecond, let cap):
            return times.map { min(cap, start + perSecond * $0) }
        }
    }
}

/// Notices the wall clock stepping against the sample clock the ticks run on (an NTP step,
/// an operator's `date -s`, a host's clock correction). Ticks, rates and the governor's
/// per-tick limits use the monotonic sample clock (`HostSample.time`) and do not notice;
/// what reads the time of day does: the prediction stage's hour of day and the log's
/// timestamps. So the daemon says in its log when it happened and by how much.
public struct WallClockSteps: Sendable {
    /// How far the two clocks' advance between two samples may differ before it counts as
    /// a step, seconds: far above the jitter of reading two clocks, far below an hour.
    public static let tolerance = 5.0

    private var last: (time: Double, wallClock: Double)?

    public init() {}

    /// The step since the previous sample, seconds (negative: set back), when the wall clock
    /// moved more than `tolerance` away from the sample clock; nil otherwise, on the first
    /// sample, and for a sample without a wall clock (the simulator).
    public mutating func observe(time: Double, wallClock: Double?) -> Double? {
        guard let wallClock, wallClock.isFinite, time.isFinite else {
            last = nil
            return nil
        }
        defer { last = (time, wallClock) }
        guard let last else { return nil }
        let step = (wallClock - last.wallClock) - (time - last.time)
        return abs(step) > Self.tolerance ? step : nil
    }
}

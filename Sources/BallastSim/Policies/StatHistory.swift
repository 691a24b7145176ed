/// MOM's `StatAvg`: the mean of one statistic over the last `length` samples,
/// skipping samples where it was missing (oVirt MOM `mom/Entity.py`, `StatAvg`;
/// the history is the Monitor's `sample-history-length` deque, `mom/Monitor.py`).
/// A fixed ring, so the per-tick loop allocates nothing.
struct StatHistory: Sendable {
    private var values: [Double?]
    private var next = 0

    init(length: Int) {
        values = [Double?](repeating: nil, count: max(1, length))
    }

    /// Records a sample (`nil`: the statistic was missing in it).
    mutating func append(_ value: Double?) {
        values[next] = value
        next = (next + 1) % values.count
    }

    /// Mean of the recorded non-missing values; 0 when none (as MOM returns `float(0)`).
    var average: Double {
        var total = 0.0
        var count = 0
        for case let value? in values {
            total += value
            count += 1
        }
        return count > 0 ? total / Double(count) : 0
    }

    /// Forgets every sample (a different VM took this slot).
    mutating func reset() {
        for index in values.indices { values[index] = nil }
        next = 0
    }
}

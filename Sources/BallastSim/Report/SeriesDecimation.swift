/// Shrinks a long per-tick series to what a chart can show: the ticks are cut
/// into `buckets` runs and each run keeps its lowest and highest point, in time
/// order. Spikes survive (a mean or every n-th tick would hide them) and a
/// chart's size no longer grows with the run's length.
enum SeriesDecimation {
    /// The (tick index, value) pairs to draw, first and last tick always included.
    static func envelope(_ values: [Double], buckets: Int) -> [(index: Int, value: Double)] {
        let count = values.count
        guard count > 2 * max(buckets, 1) else { return values.enumerated().map { ($0.offset, $0.element) } }
        var points: [(index: Int, value: Double)] = []
        points.reserveCapacity(2 * buckets + 2)
        for bucket in 0..<buckets {
            let start = bucket * count / buckets
            let end = (bucket + 1) * count / buckets
            guard start < end else { continue }
            var low = start, high = start
            for index in start..<end {
                if values[index] < values[low] { low = index }
                if values[index] > values[high] { high = index }
            }
            points.append((min(low, high), values[min(low, high)]))
            if low != high { points.append((max(low, high), values[max(low, high)])) }
        }
        if points.first?.index != 0 { points.insert((0, values[0]), at: 0) }
        if points.last?.index != count - 1 { points.append((count - 1, values[count - 1])) }
        return points
    }
}

/// Weighted water-filling on one resource, the kernel of the fair-share allocator.
///
/// Given per-claimant bounds `lower[i] <= upper[i]` and weights `weight[i] >= 0`,
/// it hands out `amount` on top of the lower bounds so that every claimant ends at
/// `clamp(level * weight[i], lower[i], upper[i])` for one common `level`: weighted
/// max-min fairness. Claimants with zero weight are served only after every
/// positive-weight claimant is at its upper bound, then equally among themselves.
///
/// The fill curve is `g(level) = Σ w·(level − a)⁺ − w·(level − b)⁺` over each
/// claimant's breakpoints `a = lower/w` (starts growing) and `b = upper/w` (stops).
/// The level where `g` reaches `amount` is found by selection, not sorting: pick a
/// pivot breakpoint, evaluate `g` there, and keep only the half of the breakpoints
/// on the side of the answer, folding the other half into a linear term (expected
/// O(n)). After 48 rounds the rest is radix-sorted and swept, so the worst case is
/// O(n log n) too. Scratch arrays are kept between calls.
struct WaterFill {
    private var keys: [Double] = []
    /// Signed weight of each breakpoint: +w where a claimant starts growing, −w where it stops.
    private var slopes: [Double] = []
    private var sortKeys: [UInt64] = []
    private var sortValues: [Int32] = []
    private var sorter = RadixSorter()

    /// Fills `result` (same count as the inputs) and returns what could not be
    /// placed because every claimant reached its upper bound (0 when all fit).
    mutating func fill(lower: [Double], upper: [Double], weight: [Double], amount: Double,
                       result: inout [Double]) -> Double {
        guard amount > 0 else {
            for i in lower.indices { result[i] = lower[i] }
            return 0
        }
        // The first tier writes every claimant (its own, and the others at their lower bound).
        let left = fillTier(lower: lower, upper: upper, weight: weight, amount: amount,
                            result: &result, zeroWeightTier: false)
        guard left > 0 else { return 0 }
        return fillTier(lower: lower, upper: upper, weight: weight, amount: left,
                        result: &result, zeroWeightTier: true)
    }

    @inline(__always)
    private static func tierWeight(_ weight: Double, zeroWeightTier: Bool) -> Double {
        zeroWeightTier ? (weight > 0 ? 0 : 1) : weight
    }

    /// One tier: positive-weight claimants by their weight, or zero-weight claimants
    /// with weight 1. Returns the amount left over.
    private mutating func fillTier(lower: [Double], upper: [Double], weight: [Double], amount: Double,
                                  result: inout [Double], zeroWeightTier: Bool) -> Double {
        keys.removeAll(keepingCapacity: true)
        slopes.removeAll(keepingCapacity: true)
        keys.reserveCapacity(2 * lower.count)
        slopes.reserveCapacity(2 * lower.count)
        var room = 0.0
        // The linear part of g on the current bracket: g(level) = slope·level + offset + Σ candidates.
        var slope = 0.0
        var offset = 0.0
        for i in lower.indices {
            let w = Self.tierWeight(weight[i], zeroWeightTier: zeroWeightTier)
            guard w > 0, upper[i] > lower[i] else { continue }
            room += upper[i] - lower[i]
            if lower[i] > 0 {
                keys.append(lower[i] / w)
                slopes.append(w)
            } else {
                slope += w
            }
            keys.append(upper[i] / w)
            slopes.append(-w)
        }
        if room <= amount {
            // Everyone in this tier saturates: no level to solve for.
            for i in lower.indices {
                if Self.tierWeight(weight[i], zeroWeightTier: zeroWeightTier) > 0 {
                    result[i] = max(upper[i], lower[i])
                } else if !zeroWeightTier {
                    result[i] = lower[i]
                }
            }
            return amount - room
        }
        let level = solveLevel(amount: amount, slope: slope, offset: offset)
        offset = 0
        for i in lower.indices {
            let w = Self.tierWeight(weight[i], zeroWeightTier: zeroWeightTier)
            if w > 0, upper[i] > lower[i] {
                result[i] = min(max(level * w, lower[i]), upper[i])
            } else if !zeroWeightTier {
                result[i] = lower[i]
            }
        }
        return 0
    }

    /// The level at which g reaches `amount`, given the breakpoints in `keys`/`slopes`
    /// and the part of g already known to be linear.
    private mutating func solveLevel(amount: Double, slope initialSlope: Double, offset initialOffset: Double) -> Double {
        var slope = initialSlope
        var offset = initialOffset
        var bracketLow = 0.0
        let low = 0
        var high = keys.count
        var rounds = 0
        while high > low {
            if rounds == 48 {
                return sweepSorted(low: low, high: high, amount: amount, slope: slope, offset: offset,
                                   bracketLow: bracketLow)
            }
            rounds += 1
            let pivot = medianOfThree(keys[low], keys[low + (high - low) / 2], keys[high - 1])
            var value = slope * pivot + offset
            for k in low..<high where keys[k] < pivot { value += slopes[k] * (pivot - keys[k]) }
            if value < amount {
                // The answer lies above the pivot: breakpoints at or below it become linear terms.
                var write = low
                for k in low..<high {
                    if keys[k] <= pivot {
                        slope += slopes[k]
                        offset -= slopes[k] * keys[k]
                    } else {
                        keys[write] = keys[k]
                        slopes[write] = slopes[k]
                        write += 1
                    }
                }
                high = write
                bracketLow = pivot
            } else {
                // The answer lies at or below the pivot: breakpoints at or above it do not matter.
                var write = low
                for k in low..<high where keys[k] < pivot {
                    keys[write] = keys[k]
                    slopes[write] = slopes[k]
                    write += 1
                }
                high = write
            }
        }
        return slope > 1e-12 ? max((amount - offset) / slope, bracketLow) : bracketLow
    }

    /// Fallback after many selection rounds: sort what is left and sweep it.
    private mutating func sweepSorted(low: Int, high: Int, amount: Double, slope initialSlope: Double,
                                      offset initialOffset: Double, bracketLow: Double) -> Double {
        sortKeys.removeAll(keepingCapacity: true)
        sortValues.removeAll(keepingCapacity: true)
        for k in low..<high {
            sortKeys.append(keys[k].bitPattern)
            sortValues.append(Int32(truncatingIfNeeded: k))
        }
        sorter.sort(keys: &sortKeys, values: &sortValues)
        var slope = initialSlope
        var offset = initialOffset
        var level = bracketLow
        for position in sortKeys.indices {
            let key = Double(bitPattern: sortKeys[position])
            if slope * key + offset >= amount {
                return slope > 1e-12 ? max((amount - offset) / slope, level) : key
            }
            let k = Int(sortValues[position])
            slope += slopes[k]
            offset -= slopes[k] * keys[k]
            level = key
        }
        return slope > 1e-12 ? max((amount - offset) / slope, level) : level
    }

    @inline(__always)
    private func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}

/// Stable least-significant-digit radix sort of 64-bit keys carrying a value each:
/// 8 or 11 bits per pass, histograms of all passes in one read, and passes in which
/// every key has the same digit skipped. Used for the bit patterns of non-negative
/// doubles, which sort like unsigned integers. O(n), scratch kept between calls.
struct RadixSorter {
    private var keyScratch: [UInt64] = []
    private var valueScratch: [Int32] = []
    private var counts: [Int] = []

    mutating func sort(keys: inout [UInt64], values: inout [Int32]) {
        let n = keys.count
        guard n > 1 else { return }
        if n <= 48 {
            insertionSort(keys: &keys, values: &values)
            return
        }
        if keyScratch.count < n {
            keyScratch = [UInt64](repeating: 0, count: n)
            valueScratch = [Int32](repeating: 0, count: n)
        }
        // Small inputs: 8-bit digits keep the histograms small; large ones: 11-bit, fewer passes.
        let bits: UInt64 = n < 4096 ? 8 : 11
        let buckets = 1 << Int(bits)
        let passes = Int((64 + bits - 1) / bits)
        let mask = UInt64(buckets - 1)
        if counts.count != passes * buckets {
            counts = [Int](repeating: 0, count: passes * buckets)
        } else {
            counts.withUnsafeMutableBufferPointer { counts in
                for i in counts.indices { counts[i] = 0 }
            }
        }
        counts.withUnsafeMutableBufferPointer { counts in
            keys.withUnsafeBufferPointer { keys in
                for key in keys {
                    var shifted = key
                    var base = 0
                    for _ in 0..<passes {
                        counts[base &+ Int(shifted & mask)] &+= 1
                        shifted >>= bits
                        base &+= buckets
                    }
                }
            }
        }
        var inScratch = false
        for pass in 0..<passes {
            let shift = UInt64(pass) * bits
            let base = pass * buckets
            let firstDigit = Int(((inScratch ? keyScratch[0] : keys[0]) >> shift) & mask)
            if counts[base + firstDigit] == n { continue }
            var total = 0
            for b in base..<(base + buckets) {
                let c = counts[b]
                counts[b] = total
                total += c
            }
            if inScratch {
                Self.scatter(n, from: &keyScratch, &valueScratch, to: &keys, &values, counts: &counts, base: base,
                             shift: shift, mask: mask)
            } else {
                Self.scatter(n, from: &keys, &values, to: &keyScratch, &valueScratch, counts: &counts, base: base,
                             shift: shift, mask: mask)
            }
            inScratch.toggle()
        }
        if inScratch {
            for i in 0..<n {
                keys[i] = keyScratch[i]
                values[i] = valueScratch[i]
            }
        }
    }

    /// Moves the first `n` pairs to their slots for one digit.
    private static func scatter(_ n: Int, from sourceKeys: inout [UInt64], _ sourceValues: inout [Int32],
                                to targetKeys: inout [UInt64], _ targetValues: inout [Int32],
                                counts: inout [Int], base: Int, shift: UInt64, mask: UInt64) {
        let n = min(n, sourceKeys.count, sourceValues.count, targetKeys.count, targetValues.count)
        sourceKeys.withUnsafeBufferPointer { sourceKeys in
            sourceValues.withUnsafeBufferPointer { sourceValues in
                targetKeys.withUnsafeMutableBufferPointer { targetKeys in
                    targetValues.withUnsafeMutableBufferPointer { targetValues in
                        counts.withUnsafeMutableBufferPointer { offsets in
                            for i in 0..<n {
                                let key = sourceKeys[i]
                                let digit = base &+ Int((key >> shift) & mask)
                                let slot = offsets[digit]
                                offsets[digit] = slot &+ 1
                                targetKeys[slot] = key
                                targetValues[slot] = sourceValues[i]
                            }
                        }
                    }
                }
            }
        }
    }

    private func insertionSort(keys: inout [UInt64], values: inout [Int32]) {
        for i in 1..<keys.count {
            let key = keys[i]
            let value = values[i]
            var j = i
            while j > 0, keys[j - 1] > key {
                keys[j] = keys[j - 1]
                values[j] = values[j - 1]
                j -= 1
            }
            keys[j] = key
            values[j] = value
        }
    }
}

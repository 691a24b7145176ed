/// The `cpu.stat` counters Ballast uses, picked out of the file in one pass
/// (no dictionary): v2 `usage_usec`, `throttled_usec`; v1 `throttled_time` (ns);
/// both `nr_periods`, `nr_throttled`. `nil` = the key was absent or not a number.
public struct CPUStatCounters: Sendable, Hashable {
    public var usageMicros: UInt64?
    public var periods: UInt64?
    public var throttledPeriods: UInt64?
    public var throttledMicros: UInt64?
    public var throttledTimeNanos: UInt64?

    public init(usageMicros: UInt64? = nil, periods: UInt64? = nil, throttledPeriods: UInt64? = nil,
                throttledMicros: UInt64? = nil, throttledTimeNanos: UInt64? = nil) {
        self.usageMicros = usageMicros
        self.periods = periods
        self.throttledPeriods = throttledPeriods
        self.throttledMicros = throttledMicros
        self.throttledTimeNanos = throttledTimeNanos
    }

    /// The counters of a `cpu.stat` file's bytes (same line rules as `FlatKeyedFile`).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CPUStatCounters {
        var counters = CPUStatCounters()
        FlatKeyedFile.scan(bytes) { key, value in
            if key.spells("usage_usec") {
                counters.usageMicros = value
            } else if key.spells("nr_periods") {
                counters.periods = value
            } else if key.spells("nr_throttled") {
                counters.throttledPeriods = value
            } else if key.spells("throttled_usec") {
                counters.throttledMicros = value
            } else if key.spells("throttled_time") {
                counters.throttledTimeNanos = value
            }
        }
        return counters
    }
}

/// The `memory.stat` counters Ballast uses, bytes: v2 `anon`, `file`; v1
/// `total_rss`, `rss`, `total_cache`, `cache`. `nil` = absent or not a number.
public struct MemoryStatCounters: Sendable, Hashable {
    public var anon: UInt64?
    public var file: UInt64?
    public var totalRSS: UInt64?
    public var rss: UInt64?
    public var totalCache: UInt64?
    public var cache: UInt64?

    public init(anon: UInt64? = nil, file: UInt64? = nil, totalRSS: UInt64? = nil, rss: UInt64? = nil,
                totalCache: UInt64? = nil, cache: UInt64? = nil) {
        self.anon = anon
        self.file = file
        self.totalRSS = totalRSS
        self.rss = rss
        self.totalCache = totalCache
        self.cache = cache
    }

    /// The counters of a `memory.stat` file's bytes (same line rules as `FlatKeyedFile`).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> MemoryStatCounters {
        var counters = MemoryStatCounters()
        FlatKeyedFile.scan(bytes) { key, value in
            if key.spells("anon") {
                counters.anon = value
            } else if key.spells("file") {
                counters.file = value
            } else if key.spells("total_rss") {
                counters.totalRSS = value
            } else if key.spells("rss") {
                counters.rss = value
            } else if key.spells("total_cache") {
                counters.totalCache = value
            } else if key.spells("cache") {
                counters.cache = value
            }
        }
        return counters
    }
}

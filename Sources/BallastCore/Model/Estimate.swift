/// One piece of evidence behind a demand estimate, e.g. "cpu.throttled"
/// = 0.4 (40 % of periods throttled). Carried to plugins, logs and `explain`.
public struct Signal: Sendable, Hashable, Codable {
    public var name: String
    public var value: Double
    public var note: String

    public init(name: String, value: Double, note: String) {
        self.name = name
        self.value = value
        self.note = note
    }
}

/// The estimator's belief about what one VM needs now: CPU millicores and
/// memory bytes, how sure it is (0...1), the guest's used memory where known
/// (the governor's floor uses it), and the signals that drove it.
public struct DemandEstimate: Sendable, Hashable, Codable {
    public var demand: ResourceVector
    /// CPU (millicores) the prediction stage expects above `demand.cpu` soon (a usual peak
    /// ahead), 0 when it expects none. Not demand: the fair share serves it only from
    /// capacity left once every VM's demand is met, so a forecast never takes CPU from a
    /// VM that needs it now.
    public var cpuAhead: Int
    /// Memory the guest is actually using, when the guest reports it.
    public var guestUsedMemory: UInt64?
    /// How fast that use has been climbing, bytes per second, from the guest's own reports
    /// (nil when it is not climbing or not reported): the governor funds a climbing guest's
    /// next few seconds, not only what it uses now.
    public var guestUsedGrowth: UInt64?
    /// Fraction of the VM's memory allocation that is actively used (0...1), for the idle memory tax.
    public var memoryActiveFraction: Double
    public var confidence: Double
    public var signals: SignalList

    public init(demand: ResourceVector, cpuAhead: Int = 0, guestUsedMemory: UInt64?, guestUsedGrowth: UInt64? = nil,
                memoryActiveFraction: Double, confidence: Double, signals: SignalList) {
        self.demand = demand
        self.cpuAhead = cpuAhead
        self.guestUsedMemory = guestUsedMemory
        self.guestUsedGrowth = guestUsedGrowth
        self.memoryActiveFraction = memoryActiveFraction
        self.confidence = confidence
        self.signals = signals
    }
}

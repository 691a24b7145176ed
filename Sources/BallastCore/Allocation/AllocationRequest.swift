/// One VM's claim on the host, as the allocator sees it: demand, guarantee,
/// cap, weights, and how much of its memory is active (for the idle memory tax).
public struct AllocationRequest: Sendable, Hashable {
    public var demand: ResourceVector
    /// CPU expected above demand soon (`DemandEstimate.cpuAhead`): served after every
    /// VM's demand is met and before the surplus.
    public var cpuAhead: Int
    public var reservation: ResourceVector
    /// The most it may get (limit, never above ceiling).
    public var cap: ResourceVector
    public var cpuShares: UInt32
    public var memoryShares: UInt32
    /// Fraction of its current memory that is actively used (0...1).
    public var memoryActiveFraction: Double

    /// What it aims for in memory: its demand within its cap, never below its reservation.
    public var memoryTarget: UInt64 { max(reservation.memory, min(demand.memory, cap.memory)) }

    /// What it aims for in CPU, by the same rule.
    public var cpuTarget: Int { max(reservation.cpu, min(demand.cpu, cap.cpu)) }

    public init(demand: ResourceVector, cpuAhead: Int = 0, reservation: ResourceVector, cap: ResourceVector,
                cpuShares: UInt32, memoryShares: UInt32, memoryActiveFraction: Double) {
        self.demand = demand
        self.cpuAhead = cpuAhead
        self.reservation = reservation
        self.cap = cap
        self.cpuShares = cpuShares
        self.memoryShares = memoryShares
        self.memoryActiveFraction = memoryActiveFraction
    }
}

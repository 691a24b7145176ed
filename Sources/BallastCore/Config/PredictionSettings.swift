/// The estimator's prediction stage (`[estimator.prediction]`, docs/core.md "Prediction"):
/// each VM's own history, recent and by hour of day, predicts the demand of the next
/// `lookahead` seconds as mean + `sigmas` standard deviations. The estimate then follows
/// the prediction up ahead of a usual peak and down in a usual trough, never below what
/// the live signals show. Off by default: a daemon that just started has no history.
public struct PredictionSettings: Sendable, Hashable, Codable {
    public var enabled: Bool
    /// Predict CPU too, not only memory. A CPU peak expected above demand is not demand:
    /// it goes to `DemandEstimate.cpuAhead`, which the fair share serves only from CPU left
    /// once every VM's demand is met, so it never takes CPU from a VM that needs it now
    /// (docs/simulator.md, "Prediction": CPU shortfall lower on every trace).
    public var cpu: Bool
    /// Predicted demand = mean + this many standard deviations.
    public var sigmas: Double
    /// Half-life of the recent history's mean and variance, seconds.
    public var recentHalfLife: Double
    /// Seconds of unbroken recent history before the recent part predicts.
    public var minimumRecent: Double
    /// Whole days an hour of the day must have been seen before its usual peak is used.
    public var minimumDays: Int
    /// Seconds ahead whose usual peaks the estimate covers.
    public var lookahead: Double

    public init(enabled: Bool = false, cpu: Bool = true, sigmas: Double = 1, recentHalfLife: Double = 1800,
                minimumRecent: Double = 1800, minimumDays: Int = 3, lookahead: Double = 3600) {
        self.enabled = enabled
        self.cpu = cpu
        self.sigmas = sigmas
        self.recentHalfLife = recentHalfLife
        self.minimumRecent = minimumRecent
        self.minimumDays = minimumDays
        self.lookahead = lookahead
    }
}

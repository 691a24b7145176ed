extension Duration {
    /// The duration in seconds as a `Double`: how Ballast states times (stage timings,
    /// tick lengths, intervals, back-off).
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Double {
    /// The value with exactly `places` digits after the point, rounded half away
    /// from zero: `2.345.decimalText(places: 1)` is "2.3", `(-0.05).decimalText(places: 1)`
    /// is "-0.1". Non-finite values print as "nan", "inf" and "-inf".
    ///
    /// Hand-written because `String(format:)` lives in Foundation, which the
    /// daemon does not link (docs/observability.md, "Ballast's own memory").
    public func decimalText(places: Int) -> String {
        guard isFinite else { return isNaN ? "nan" : (self < 0 ? "-inf" : "inf") }
        let places = Swift.max(0, Swift.min(places, 9))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (Swift.abs(self) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else { return "\(self)" }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        let sign = self < 0 && units > 0 ? "-" : ""
        let whole = units / divisor
        guard places > 0 else { return "\(sign)\(whole)" }
        let fraction = String(units % divisor)
        return "\(sign)\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// The value with at least `digits` significant digits and no exponent, for
    /// plot labels: numbers of `digits` or more whole digits print whole, smaller
    /// ones get the places that make `digits` digits significant
    /// (3 digits: 1234.5 → "1235", 2.5 → "2.50", 0.01234 → "0.0123").
    public func significantText(digits: Int) -> String {
        guard isFinite, self != 0 else { return decimalText(places: 0) }
        var places = digits
        var magnitude = Swift.abs(self)
        while magnitude >= 1, places > 0 {
            magnitude /= 10
            places -= 1
        }
        while magnitude < 0.1, places < 9 {
            magnitude *= 10
            places += 1
        }
        return decimalText(places: places)
    }
}

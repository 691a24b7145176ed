/// Rounding of non-negative amounts to whole units (bytes, millicores) without
/// libm, which BallastCore does not link: negative and NaN become 0, values past
/// the integer range saturate.
enum WholeUnits {
    static func down(_ x: Double) -> UInt64 {
        guard x > 0 else { return 0 }
        guard x < 18_446_744_073_709_549_568 else { return .max }
        return UInt64(x)
    }

    static func up(_ x: Double) -> UInt64 {
        let whole = down(x)
        return Double(whole) < x && whole < .max ? whole + 1 : whole
    }

    static func downInt(_ x: Double) -> Int { Int(clamping: down(x)) }
    static func upInt(_ x: Double) -> Int { Int(clamping: up(x)) }
}

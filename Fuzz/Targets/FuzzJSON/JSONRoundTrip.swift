import BallastPlugins

/// What "the same value" means after a JSONWriter round trip: numbers compare by value
/// whatever their lexical class (the writer prints an integral double as an integer), and a
/// non-finite number comes back as null (the writer's documented replacement).
enum JSONRoundTrip {
    static func same(_ original: JSONValue, _ reparsed: JSONValue) -> Bool {
        switch (original, reparsed) {
        case (.number(let number), .null) where !number.isFinite:
            return true
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { same($0, $1) }
        case (.object(let left), .object(let right)):
            return left.members.count == right.members.count
                && zip(left.members, right.members).allSatisfy { $0.key == $1.key && same($0.value, $1.value) }
        case (.number, _), (_, .number):
            guard let left = numeric(original), let right = numeric(reparsed) else { return false }
            return left == right
        default:
            return original == reparsed
        }
    }

    private static func numeric(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .unsigned(let number): Double(number)
        case .number(let number): number
        default: nil
        }
    }
}

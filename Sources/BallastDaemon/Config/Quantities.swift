import BallastCore

/// Parses the human quantities a config file holds: sizes ("512MiB", "2 GiB",
/// 1073741824) and durations ("2s", "500ms", "5m", 2.5). Hand-written because
/// the grammar is five suffixes; a library would add more than it saves.
public enum Quantities {
    /// Bytes from an integer or a string with a binary (KiB, MiB, GiB, TiB) or
    /// decimal (KB, MB, GB, TB) suffix, or "B". Returns nil when malformed or negative.
    public static func bytes(from text: String) -> UInt64? {
        let trimmed = text.trimmedWhitespace
        let (number, unit) = split(trimmed)
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        let multipliers: [String: Double] = [
            "": 1, "b": 1,
            "k": 1024, "kib": 1024, "m": 1_048_576, "mib": 1_048_576,
            "g": 1_073_741_824, "gib": 1_073_741_824, "t": 1_099_511_627_776, "tib": 1_099_511_627_776,
            "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
        ]
        guard let multiplier = multipliers[unit.lowercased()] else { return nil }
        let bytes = value * multiplier
        guard bytes < 1.8e19 else { return nil }
        return UInt64(bytes.rounded())
    }

    /// Seconds from a string with an "ms", "s", "m" or "h" suffix (bare numbers are seconds).
    public static func seconds(from text: String) -> Double? {
        let (number, unit) = split(text.trimmedWhitespace)
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        switch unit.lowercased() {
        case "", "s": return value
        case "ms": return value / 1000
        case "m", "min": return value * 60
        case "h": return value * 3600
        default: return nil
        }
    }

    /// "2.5GiB" -> ("2.5", "GiB").
    private static func split(_ text: String) -> (String, String) {
        let numberEnd = text.firstIndex { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E") } ?? text.endIndex
        let number = String(text[..<numberEnd])
        let unit = text[numberEnd...].trimmedWhitespace
        return (number, unit)
    }
}

/// Cheap formatting of quantities for reasons and clamps ("3.1 GiB", "2.40 cores",
/// "92%"): integer arithmetic and string appends, no Foundation, no locale.
enum ReasonText {
    /// Bytes as GiB with one decimal from 1 GiB up, else whole MiB.
    static func bytes(_ value: UInt64) -> String {
        var text = ""
        appendBytes(value, to: &text)
        return text
    }

    static func appendBytes(_ value: UInt64, to text: inout String) {
        if value >= ByteUnits.gibibyte {
            let rounded = value / (ByteUnits.gibibyte / 10) + (value % (ByteUnits.gibibyte / 10) >= ByteUnits.gibibyte / 20 ? 1 : 0)
            text += String(rounded / 10)
            text += "."
            text += String(rounded % 10)
            text += " GiB"
        } else {
            text += String((value + ByteUnits.mebibyte / 2) / ByteUnits.mebibyte)
            text += " MiB"
        }
    }

    /// Millicores as cores with two decimals.
    static func cores(_ millicores: Int) -> String {
        var text = ""
        appendCores(millicores, to: &text)
        return text
    }

    static func appendCores(_ millicores: Int, to text: inout String) {
        let hundredths = (max(millicores, 0) + 5) / 10
        text += String(hundredths / 100)
        text += "."
        let fraction = hundredths % 100
        if fraction < 10 { text += "0" }
        text += String(fraction)
        text += " cores"
    }

    /// A ratio as a whole percentage.
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "∞%" }
        return String(WholeUnits.down(ratio * 100 + 0.5)) + "%"
    }
}

/// Human formats shared by `ballast status`/`explain` and the decision log, so a
/// change reads the same in both: cores, binary sizes, percentages, and names made
/// safe for one line.
public enum HumanFormat {
    /// Millicores as cores with two decimals: 1250 is "1.25".
    public static func cores(_ millicores: Int) -> String {
        let sign = millicores < 0 ? "-" : ""
        let magnitude = millicores.magnitude
        let hundredths = (magnitude + 5) / 10
        let fraction = hundredths % 100
        return "\(sign)\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Bytes in binary units: "512 B", "1.5 MiB", "2.00 GiB".
    public static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = Double(value)
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        if unit == 0 { return "\(value) B" }
        // GiB and above with two decimals, so that a 40 MiB step on a 3 GiB guest still shows.
        return "\(scaled.decimalText(places: unit >= 3 ? 2 : 1)) \(units[unit])"
    }

    /// A fraction as a whole percentage: 0.6 is "60 %".
    public static func percent(_ fraction: Double) -> String {
        "\(Int((fraction * 100).rounded())) %"
    }

    /// A signal value: whole numbers for large raw quantities (bytes, millicores), three decimals for ratios.
    public static func signal(_ value: Double) -> String {
        value.magnitude >= 1000 ? value.decimalText(places: 0) : value.decimalText(places: 3)
    }

    /// A name with control characters shown as escapes, so one VM stays on one line.
    public static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// The value of a change in the unit of its kind.
    public static func changeValue(kind: String, _ value: Int64) -> String {
        switch kind {
        case "memory": bytes(UInt64(max(0, value)))
        case "cpu_quota": "\(cores(Int(value))) cores"
        case "vcpus": "\(value) vCPUs"
        case "cpu_weight": "weight \(value)"
        default: "\(value)"
        }
    }
}

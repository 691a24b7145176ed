/// A pair of CPU and memory quantities in Ballast's units: CPU in millicores
/// (1000 = one full core), memory in bytes. Used for capacities, demands,
/// reservations and allocations alike, so arithmetic never mixes units.
public struct ResourceVector: Sendable, Hashable, Codable {
    /// CPU in millicores (1000 = one core).
    public var cpu: Int
    /// Memory in bytes.
    public var memory: UInt64

    public init(cpu: Int, memory: UInt64) {
        self.cpu = cpu
        self.memory = memory
    }

    public static let zero = ResourceVector(cpu: 0, memory: 0)
}

/// Binary unit helpers so that sizes in code read as sizes.
public enum ByteUnits {
    public static let kibibyte: UInt64 = 1 << 10
    public static let mebibyte: UInt64 = 1 << 20
    public static let gibibyte: UInt64 = 1 << 30

    /// "1.5 GiB"-style text for logs, tables and reasons (one decimal, binary units).
    public static func describe(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var index = 0
        while value >= 1024, index < units.count - 1 {
            value /= 1024
            index += 1
        }
        if index == 0 { return "\(bytes) B" }
        let tenths = Int(value * 10 + 0.5)
        return "\(tenths / 10).\(tenths % 10) \(units[index])"
    }
}

extension UInt64 {
    /// `n` mebibytes in bytes.
    public static func mebibytes(_ n: UInt64) -> UInt64 { n * ByteUnits.mebibyte }
    /// `n` gibibytes in bytes.
    public static func gibibytes(_ n: UInt64) -> UInt64 { n * ByteUnits.gibibyte }
}

/// CPU unit helpers: Ballast counts CPU in millicores (1000 = one core).
public enum CPUUnits {
    public static let millicoresPerCore = 1000

    /// "2.50 cores"-style text for millicores.
    public static func describe(_ millicores: Int) -> String {
        let sign = millicores < 0 ? "-" : ""
        let magnitude = abs(millicores)
        let hundredths = (magnitude + 5) / 10
        let fraction = hundredths % 100
        return "\(sign)\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) cores"
    }
}

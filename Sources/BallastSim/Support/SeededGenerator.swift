/// A small, fast, seeded random number generator (SplitMix64) so that every
/// simulator choice (VM sizes, subsets, packing, scenarios) is reproducible
/// from `--seed` alone, on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

/// Stable 64-bit hashing of strings (FNV-1a), independent of Swift's
/// per-process hash seed, so a VM's seeded choices depend only on its name and the seed.
public enum StableHash {
    public static func of(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var mixer = SeededGenerator(seed: hash)
        return mixer.next()
    }

    /// A deterministic UUID-shaped identity for a simulated VM name.
    public static func uuid(for name: String) -> String {
        let high = of(name, seed: 1)
        let low = of(name, seed: 2)
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        let a = hex(high >> 32, 8)
        let b = hex((high >> 16) & 0xFFFF, 4)
        let c = hex(0x4000 | (high & 0x0FFF), 4)
        let d = hex(0x8000 | ((low >> 48) & 0x3FFF), 4)
        let e = hex(low & 0xFFFF_FFFF_FFFF, 12)
        return "\(a)-\(b)-\(c)-\(d)-\(e)"
    }
}

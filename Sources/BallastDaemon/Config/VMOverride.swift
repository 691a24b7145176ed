import BallastCore

/// An operator's per-VM settings from the config file (`[vm."pattern"]`),
/// matched by UUID, exact name or shell-style glob on the name. Fields left
/// `nil` keep what the hypervisor's domain XML said.
public struct VMOverride: Sendable, Hashable {
    public var pattern: String
    public var cpuShares: CPUWeight?
    public var memoryShares: UInt32?
    public var reservationCPU: Int?
    public var reservationMemory: UInt64?
    public var limitCPU: Int?
    public var limitMemory: UInt64?
    public var floorMemory: UInt64?
    public var ceilingMemory: UInt64?
    public var optOut: Bool?

    public init(pattern: String) {
        self.pattern = pattern
    }

    /// Whether this override names the VM: its UUID, its exact name, or a glob on the name.
    public func matches(id: VMID, name: String) -> Bool {
        if pattern.lowercased() == id.uuid || pattern == name { return true }
        return Glob.matches(pattern: pattern, text: name)
    }

    /// The spec with this override's fields laid over it.
    public func apply(to spec: VMSpec) -> VMSpec {
        var spec = spec
        if let cpuShares { spec.cpuShares = cpuShares }
        if let memoryShares { spec.memoryShares = memoryShares }
        if let reservationCPU { spec.reservation.cpu = reservationCPU }
        if let reservationMemory { spec.reservation.memory = reservationMemory }
        if let limitCPU { spec.cpuLimit = limitCPU }
        if let limitMemory { spec.memoryLimit = limitMemory }
        if let floorMemory { spec.floor.memory = floorMemory }
        if let ceilingMemory { spec.ceiling.memory = min(spec.ceiling.memory, ceilingMemory) }
        if let optOut { spec.optOut = optOut }
        return spec
    }
}

/// Shell-style glob matching (`*`, `?`, `[abc]`) on Unicode characters, for
/// VM name patterns. Hand-written: fnmatch works on bytes and mis-handles
/// multi-byte names.
public enum Glob {
    public static func matches(pattern: String, text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0
        var starP = -1, starT = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "*" {
                starP = pi
                starT = ti
                pi += 1
            } else if pi < p.count, let width = matchOne(p, pi, t[ti]) {
                pi += width
                ti += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Matches one pattern element at `index` against `c`; returns the element's width.
    private static func matchOne(_ p: [Character], _ index: Int, _ c: Character) -> Int? {
        switch p[index] {
        case "?":
            return 1
        case "[":
            guard let close = p[(index + 1)...].firstIndex(of: "]"), close > index + 1 else {
                return c == "[" ? 1 : nil
            }
            let set = p[(index + 1)..<close]
            return set.contains(c) ? close - index + 1 : nil
        default:
            return p[index] == c ? 1 : nil
        }
    }
}

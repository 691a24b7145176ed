import BallastCore

/// One entry of a `decide` answer that was refused, and why. Other entries of
/// the same answer still apply; the governor has the last word on those.
public struct RejectedEntry: Error, Sendable, Hashable, CustomStringConvertible {
    /// Position in the answer's `allocations` array.
    public var index: Int
    /// The entry's `id` where it had a readable one.
    public var id: String?
    public var reason: String

    public init(index: Int, id: String?, reason: String) {
        self.index = index
        self.id = id
        self.reason = reason
    }

    public var description: String {
        "allocations[\(index)]" + (id.map { " (id \($0))" } ?? "") + ": \(reason)"
    }
}

/// The usable part of a `decide` answer: accepted wishes keyed by VM and the refused entries.
public struct ValidatedAnswer: Sendable, Hashable {
    public var accepted: [VMID: AllocationProposal]
    public var rejected: [RejectedEntry]
}

/// Checks a plugin's `decide` result entry by entry against the snapshot it
/// answered. A result that is not `{"allocations": [...]}` is refused as a
/// whole (`malformed`); inside it, each entry is accepted or refused on its own.
public enum AnswerValidator {
    public static func validate(_ result: JSONValue, snapshot: TickSnapshot) -> Result<ValidatedAnswer, MalformedAnswer> {
        guard case .object = result else {
            return .failure(MalformedAnswer(detail: "decide result is \(result.typeName), expected an object with an allocations array"))
        }
        guard let entries = result["allocations"]?.arrayValue else {
            return .failure(MalformedAnswer(detail: "decide result lacks an allocations array"))
        }
        var known: [String: Int] = [:]
        known.reserveCapacity(snapshot.vms.count)
        for (index, vm) in snapshot.vms.enumerated() { known[vm.id.uuid] = index }

        var candidates: [(index: Int, wish: Wish)] = []
        candidates.reserveCapacity(entries.count)
        var seen = [Int](repeating: 0, count: snapshot.vms.count)
        var rejected: [RejectedEntry] = []
        for (index, entry) in entries.enumerated() {
            switch check(entry, index: index, known: known, snapshot: snapshot) {
            case .success(let wish):
                seen[wish.vmIndex] += 1
                candidates.append((index, wish))
            case .failure(let rejection):
                rejected.append(rejection)
            }
        }
        var accepted: [VMID: AllocationProposal] = [:]
        accepted.reserveCapacity(candidates.count)
        for candidate in candidates {
            let count = seen[candidate.wish.vmIndex]
            let id = snapshot.vms[candidate.wish.vmIndex].id
            if count > 1 {
                rejected.append(RejectedEntry(index: candidate.index, id: id.uuid,
                                              reason: "duplicate: \(count) entries name this VM; all are refused"))
            } else {
                accepted[id] = candidate.wish.proposal
            }
        }
        rejected.sort { $0.index < $1.index }
        return .success(ValidatedAnswer(accepted: accepted, rejected: rejected))
    }

    private struct Wish {
        /// Position of the VM in the snapshot.
        var vmIndex: Int
        var proposal: AllocationProposal
    }

    private static func check(_ entry: JSONValue, index: Int, known: [String: Int],
                              snapshot: TickSnapshot) -> Result<Wish, RejectedEntry> {
        func reject(_ id: String?, _ reason: String) -> Result<Wish, RejectedEntry> {
            .failure(RejectedEntry(index: index, id: id, reason: reason))
        }
        guard case .object(let members) = entry else {
            return reject(nil, "entry is \(entry.typeName), expected an object")
        }
        guard let rawID = members["id"] else { return reject(nil, "missing field id") }
        guard let idText = rawID.stringValue else { return reject(nil, "id is \(rawID.typeName), expected a string") }
        guard let vmIndex = known[idText] ?? known[idText.lowercased()] else {
            return reject(idText, "unknown VM id (not in this tick's snapshot)")
        }
        guard let rawReason = members["reason"] else { return reject(idText, "missing field reason") }
        guard let reason = rawReason.stringValue, !reason.isEmpty else {
            return reject(idText, "reason must be a non-empty string")
        }
        let vm = snapshot.vms[vmIndex]
        let host = snapshot.host.capacity
        var proposal = AllocationProposal(reason: reason)
        var named = 0
        if let raw = members["memory"] {
            switch integer(raw, field: "memory", range: 0...clampToInt64(host.memory)) {
            case .success(let value): proposal.memory = UInt64(value); named += 1
            case .failure(let problem): return reject(idText, problem.reason)
            }
        }
        if let raw = members["cpu"] {
            switch integer(raw, field: "cpu", range: 0...Int64(host.cpu)) {
            case .success(let value): proposal.cpu = Int(value); named += 1
            case .failure(let problem): return reject(idText, problem.reason)
            }
        }
        if let raw = members["vcpus"] {
            switch integer(raw, field: "vcpus", range: 1...Int64(max(vm.spec.maxVCPUs, 1))) {
            case .success(let value): proposal.vcpus = Int(value); named += 1
            case .failure(let problem): return reject(idText, problem.reason)
            }
        }
        if let raw = members["cpu_weight"] {
            switch integer(raw, field: "cpu_weight",
                           range: Int64(CPUWeight.range.lowerBound)...Int64(CPUWeight.range.upperBound)) {
            case .success(let value): proposal.cpuWeight = CPUWeight(clamping: value); named += 1
            case .failure(let problem): return reject(idText, problem.reason)
            }
        }
        guard named > 0 else {
            return reject(idText, "names no resource (give at least one of memory, cpu, vcpus, cpu_weight)")
        }
        return .success(Wish(vmIndex: vmIndex, proposal: proposal))
    }

    private struct FieldProblem: Error {
        var reason: String
    }

    private static func clampToInt64(_ value: UInt64) -> Int64 {
        value > UInt64(Int64.max) ? Int64.max : Int64(value)
    }

    private static func integer(_ raw: JSONValue, field: String, range: ClosedRange<Int64>) -> Result<Int64, FieldProblem> {
        let value: Int64
        switch raw {
        case .integer(let number):
            value = number
        case .unsigned(let number):
            return .failure(FieldProblem(reason: "\(field) \(number) is too large (at most \(range.upperBound))"))
        case .number(let number):
            if number.isNaN { return .failure(FieldProblem(reason: "\(field) is NaN")) }
            if number.isInfinite { return .failure(FieldProblem(reason: "\(field) is infinite")) }
            guard number == number.rounded() else {
                return .failure(FieldProblem(reason: "\(field) \(number) is not an integer"))
            }
            guard abs(number) < 9.0e15 else {
                return .failure(FieldProblem(reason: "\(field) \(number) is too large (at most \(range.upperBound))"))
            }
            value = Int64(number)
        case .null:
            return .failure(FieldProblem(reason: "\(field) is null; omit the field to keep the previous value"))
        default:
            return .failure(FieldProblem(reason: "\(field) is \(raw.typeName), expected an integer"))
        }
        if value < 0 { return .failure(FieldProblem(reason: "\(field) \(value) is negative")) }
        if value < range.lowerBound { return .failure(FieldProblem(reason: "\(field) \(value) is below \(range.lowerBound)")) }
        if value > range.upperBound {
            return .failure(FieldProblem(reason: "\(field) \(value) is too large (at most \(range.upperBound))"))
        }
        return .success(value)
    }
}

/// A `decide` result that has no usable shape at all.
public struct MalformedAnswer: Error, Sendable, Hashable {
    public var detail: String
}

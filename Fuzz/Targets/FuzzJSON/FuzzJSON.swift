import BallastCore
import BallastPlugins
import FuzzSupport

/// Plugin answers are untrusted bytes: the JSON parser and the answer validator behind it.
/// Properties: a parsed value re-encodes (JSONWriter) to text the parser accepts as the same
/// value (numbers by value; NaN and infinities, which the writer turns into null, as null),
/// and re-encoding is stable; the validator accounts for every entry of an allocations array,
/// once, and accepts only values inside the snapshot's bounds.
// Also the symbol libFuzzer's own main (linked in, then overridden by SwiftPM's) refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let text = value.jsonText
    let reparsed: JSONValue
    do {
        reparsed = try JSONParser.parse(text)
    } catch {
        fuzzCheck(false, "re-encoded JSON \(text) does not parse: \(error)")
        return 0
    }
    fuzzCheck(JSONRoundTrip.same(value, reparsed), "re-encoded \(text) parses to another value")
    fuzzCheck(reparsed.jsonText == text, "re-encoding \(text) is not stable")
    validate(value)
    if case .array = value { validate(.object(["allocations": value])) }
    return 0
}

/// The snapshot every answer is checked against: three VMs, a 16-core 64 GiB host.
let snapshot: TickSnapshot = {
    let views = (0..<3).map { index in
        VMView(id: VMID("00000000-0000-4000-8000-00000000000\(index)"), name: "vm-\(index)",
               spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(8)), maxVCPUs: 4),
               current: VMAllocation(memory: .gibibytes(2), cpu: 1000, vcpus: 2, cpuWeight: .standard),
               estimate: DemandEstimate(demand: .zero, guestUsedMemory: nil, memoryActiveFraction: 0.5,
                                        confidence: 1, signals: []),
               hasBalloonStats: true)
    }
    let capacity = ResourceVector(cpu: 16000, memory: .gibibytes(64))
    return TickSnapshot(tick: 1, time: 0, host: HostSample(time: 0, capacity: capacity, memoryAvailable: .gibibytes(32)),
                        guestCapacity: capacity, vms: views)
}()

func validate(_ value: JSONValue) {
    guard case .success(let answer) = AnswerValidator.validate(value, snapshot: snapshot),
          let entries = value["allocations"]?.arrayValue else { return }
    fuzzCheck(answer.accepted.count + answer.rejected.count == entries.count,
              "\(entries.count) entries, \(answer.accepted.count) accepted + \(answer.rejected.count) rejected")
    fuzzCheck(Set(answer.rejected.map(\.index)).count == answer.rejected.count
              && answer.rejected.allSatisfy { entries.indices.contains($0.index) },
              "a rejected entry index is repeated or out of range")
    let capacity = snapshot.host.capacity
    for (id, proposal) in answer.accepted {
        fuzzCheck(snapshot.vms.contains { $0.id == id }, "accepted an unknown VM \(id)")
        fuzzCheck(proposal.memory.map { $0 <= capacity.memory } ?? true, "accepted memory above the host")
        fuzzCheck(proposal.cpu.map { (0...capacity.cpu).contains($0) } ?? true, "accepted cpu outside the host")
        fuzzCheck(proposal.vcpus.map { (1...4).contains($0) } ?? true, "accepted vcpus outside 1...maxVCPUs")
        fuzzCheck(!proposal.reason.isEmpty, "accepted an empty reason")
    }
}

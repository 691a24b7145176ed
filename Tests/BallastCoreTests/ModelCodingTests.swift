import Foundation
import Testing
@testable import BallastCore

/// Deferred reasons and clamp bits never reach the wire: a change, a proposal
/// entry and a governed VM encode their words under `reason` / `clamps`, and
/// decode back to equal values.
@Suite("Model coding")
struct ModelCodingTests {
    static let id = VMID("00000000-0000-4000-8000-000000000001")
    static let allocation = VMAllocation(memory: 1 << 30, cpu: 500, vcpus: 2, cpuWeight: .standard)

    static func object(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aGovernedChangeEncodesItsReasonInWords() throws {
        let reason = ChangeReason(base: ProposalReason("fair share: demand met"),
                                  clamps: [.memoryShrinkStep, .memoryFloor], floor: 256 << 20)
        let change = Change(vm: Self.id, vmName: "web", .memory(from: 2 << 30, to: 1 << 30),
                            deferredReason: reason)
        let object = try Self.object(change)
        #expect(Set(object.keys) == ["vm", "vmName", "kind", "from", "to", "reason"])
        #expect(object["reason"] as? String == reason.text)
        #expect((object["reason"] as? String)?.hasPrefix("fair share: demand met [clamped: \(GovernorClamp.memoryShrinkStep)") == true)
        #expect(try JSONDecoder().decode(Change.self, from: JSONEncoder().encode(change)) == change)
    }

    @Test func aProposalEntryEncodesItsReasonInWords() throws {
        let entry = Proposal.Entry(id: Self.id, allocation: Self.allocation,
                                   deferredReason: ProposalReason("time of day: night"), stage: "plugin:tod")
        let object = try Self.object(entry)
        #expect(Set(object.keys) == ["id", "allocation", "reason", "stage"])
        #expect(object["reason"] as? String == "time of day: night")
        #expect(try JSONDecoder().decode(Proposal.Entry.self, from: JSONEncoder().encode(entry)) == entry)
    }

    @Test func aGovernedVMEncodesItsClampsInWordsAndEqualsItsDecodedSelf() throws {
        let governed = GovernedVM(id: Self.id, proposed: Self.allocation, final: Self.allocation,
                                  clampSet: [.memoryHysteresis, .cpuMinimum])
        let object = try Self.object(governed)
        #expect(Set(object.keys) == ["id", "proposed", "final", "clamps"])
        #expect(object["clamps"] as? [String] == [GovernorClamp.memoryHysteresis, GovernorClamp.cpuMinimum])
        let decoded = try JSONDecoder().decode(GovernedVM.self, from: JSONEncoder().encode(governed))
        #expect(decoded == governed)
        #expect(decoded.hashValue == governed.hashValue)
    }
}

import Foundation
import Testing
@testable import BallastCore

/// A tick's applied changes are the governor's changes beside the backend's answers:
/// read as `AppliedChange`s, a change left unanswered is failed (never silently applied),
/// and the wire form is the array of applied changes it replaced.
@Suite("Applied changes")
struct AppliedChangesTests {
    static let changes = [
        Change(vm: VMID("00000000-0000-4000-8000-000000000001"), vmName: "web", .memory(from: 2 << 30, to: 1 << 30),
               reason: "idle memory reclaimed"),
        Change(vm: VMID("00000000-0000-4000-8000-000000000001"), vmName: "web", .vcpus(from: 2, to: 1), reason: "idle"),
        Change(vm: VMID("00000000-0000-4000-8000-000000000002"), vmName: "db", .cpuQuota(from: 1000, to: 2000),
               reason: "busy"),
    ]

    @Test func eachChangeReadsWithItsOwnAnswer() {
        let applied = AppliedChanges(changes: Self.changes, results: [
            .applied, ChangeResult(.applied, how: "offlined in the guest through the guest agent"),
            ChangeResult(.failed("refused")),
        ])
        #expect(applied.map(\.change) == Self.changes)
        #expect(applied.map(\.outcome) == [.applied, .applied, .failed("refused")])
        #expect(applied[1].explanation == "idle; offlined in the guest through the guest agent")
        #expect(applied[0].explanation == "idle memory reclaimed")
    }

    @Test func aChangeTheBackendLeftUnansweredIsFailedAndExtraAnswersAreDropped() {
        let short = AppliedChanges(changes: Self.changes, results: [.applied])
        #expect(short.count == 3)
        #expect(short.map(\.outcome.label) == ["applied", "failed", "failed"])
        guard case .failed(let why) = short[2].outcome else {
            Issue.record("an unanswered change was reported \(short[2].outcome)")
            return
        }
        #expect(why.contains("no outcome"))
        let long = AppliedChanges(changes: Array(Self.changes.prefix(1)), results: [.applied, ChangeResult(.failed("x"))])
        #expect(long.results == [.applied])
        #expect(AppliedChanges(changes: [], results: [.applied]).isEmpty)
    }

    @Test func theWireFormIsTheArrayOfAppliedChanges() throws {
        let applied = AppliedChanges(changes: Self.changes, results: [
            .applied, ChangeResult(.skipped("dry run")), ChangeResult(.applied, how: "virtio-mem"),
        ])
        let asArray = Array(applied)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(applied) == encoder.encode(asArray))
        #expect(try JSONDecoder().decode(AppliedChanges.self, from: JSONEncoder().encode(asArray)) == applied)
        #expect(AppliedChanges(asArray) == applied)
    }

    @Test func aDryRunSkipsEveryChange() {
        let skipped = AppliedChanges(changes: Self.changes, all: ChangeResult(.skipped("dry run")))
        #expect(skipped.allSatisfy { $0.outcome == .skipped("dry run") })
        #expect(skipped.count == Self.changes.count)
    }
}

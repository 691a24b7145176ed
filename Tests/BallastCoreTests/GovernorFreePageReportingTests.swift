import Testing
@testable import BallastCore

/// The governor with guests that report their free pages to the host
/// (`VMSpec.balloonFreePageReporting`, `VMView.hostHeld`).
@Suite("Governor: free page reporting")
struct GovernorFreePageReportingTests {
    static let gib: UInt64 = 1 << 30

    /// VM 1: an idle 8 GiB balloon holding `held` on the host, reporting free pages when
    /// `reporting`; VM 2: 4 GiB, used 5 GiB, wants 8 GiB. Guest capacity 14 GiB.
    static func decide(held: UInt64, reporting: Bool, vm1Proposal: UInt64 = 8 << 30) -> GovernorDecision {
        var governor = Governor()
        var lenderSpec = Fixture.spec(memoryFloor: 0)
        lenderSpec.balloonFreePageReporting = reporting
        var lender = Fixture.view(1, spec: lenderSpec, current: Fixture.allocation(memory: 8 * gib),
                                  estimate: Fixture.estimate(cpu: 500, memory: 1 * gib, used: gib / 2, active: 0.1))
        lender.hostFootprint = held
        let grower = Fixture.view(2, current: Fixture.allocation(memory: 4 * gib),
                                  estimate: Fixture.estimate(cpu: 500, memory: 6 * gib, used: 5 * gib))
        let snapshot = Fixture.snapshot([lender, grower], capacity: ResourceVector(cpu: 16_000, memory: 14 * gib))
        let proposal = GovernorTests.proposal(snapshot, [Fixture.allocation(memory: vm1Proposal),
                                                         Fixture.allocation(memory: 8 * gib)])
        return governor.govern(snapshot, proposal: proposal)
    }

    @Test("an idle guest that gave its free pages back counts at what it holds: the other guest grows into them")
    func growsIntoReportedPages() {
        let counted = Self.decide(held: 1 * Self.gib, reporting: true)
        #expect(counted.vms[1].final.memory == 8 * Self.gib)
        #expect(counted.vms[0].final.memory == 8 * Self.gib)
        // Without free page reporting the same footprint counts for nothing: 14 − 8 − 4 = 2 GiB of room.
        let balloon = Self.decide(held: 1 * Self.gib, reporting: false)
        #expect(balloon.vms[1].final.memory <= 6 * Self.gib && balloon.vms[1].final.memory > 5 * Self.gib)
        #expect(balloon.vms[1].clamps.contains(GovernorClamp.memoryGrowthLimited))
    }

    @Test("a reporting guest is shrunk like any other: its balloon caps how far its page cache grows back")
    func reportingGuestsAreShrunk() {
        let reporting = Self.decide(held: 1 * Self.gib, reporting: true, vm1Proposal: 7 * Self.gib + Self.gib / 2)
        let plain = Self.decide(held: 1 * Self.gib, reporting: false, vm1Proposal: 7 * Self.gib + Self.gib / 2)
        #expect(reporting.vms[0].final.memory < 8 * Self.gib)
        #expect(reporting.vms[0].final.memory == plain.vms[0].final.memory)
        #expect(reporting.changes.contains { $0.vm == Fixture.id(1) && $0.kind == .memory })
    }
}

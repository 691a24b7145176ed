import Testing
@testable import BallastCore

/// Worked scenarios with exact expected allocations (Proxmox-style table).
@Suite("Allocator worked scenarios")
struct AllocatorScenarioTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var requests: [AllocationRequest]
        var capacity: ResourceVector
        var settings = AllocatorSettings()
        var expected: [ResourceVector]
        var testDescription: String { name }
    }

    static let g = Fixture.gib

    static let scenarios: [Scenario] = [
        Scenario(
            name: "everything fits, no surplus sharing: each gets its demand",
            requests: [Fixture.request(demand: .init(cpu: 1000, memory: 2 * g)),
                       Fixture.request(demand: .init(cpu: 3000, memory: 4 * g))],
            capacity: .init(cpu: 8000, memory: 16 * g), settings: AllocatorSettings(distributeSurplus: false),
            expected: [.init(cpu: 1000, memory: 2 * g), .init(cpu: 3000, memory: 4 * g)]),
        Scenario(
            name: "surplus shared by shares up to caps",
            requests: [Fixture.request(demand: .init(cpu: 1000, memory: 2 * g), cap: .init(cpu: 2000, memory: 4 * g)),
                       Fixture.request(demand: .init(cpu: 1000, memory: 2 * g), cap: .init(cpu: 8000, memory: 16 * g))],
            capacity: .init(cpu: 8000, memory: 16 * g),
            expected: [.init(cpu: 2000, memory: 4 * g), .init(cpu: 6000, memory: 12 * g)]),
        Scenario(
            name: "equal shares under contention: small demand met, the rest split evenly",
            requests: [Fixture.request(demand: .init(cpu: 1000, memory: 1 * g)),
                       Fixture.request(demand: .init(cpu: 6000, memory: 8 * g)),
                       Fixture.request(demand: .init(cpu: 6000, memory: 8 * g))],
            capacity: .init(cpu: 9000, memory: 9 * g),
            expected: [.init(cpu: 1000, memory: 1 * g), .init(cpu: 4000, memory: 4 * g), .init(cpu: 4000, memory: 4 * g)]),
        Scenario(
            name: "2:1 shares under contention",
            requests: [Fixture.request(demand: .init(cpu: 8000, memory: 8 * g), shares: 2048),
                       Fixture.request(demand: .init(cpu: 8000, memory: 8 * g), shares: 1024)],
            capacity: .init(cpu: 6000, memory: 6 * g),
            expected: [.init(cpu: 4000, memory: 4 * g), .init(cpu: 2000, memory: 2 * g)]),
        Scenario(
            name: "reservation honoured before shares",
            requests: [Fixture.request(demand: .init(cpu: 8000, memory: 8 * g), reservation: .init(cpu: 3000, memory: 3 * g)),
                       Fixture.request(demand: .init(cpu: 8000, memory: 8 * g))],
            capacity: .init(cpu: 4000, memory: 4 * g),
            expected: [.init(cpu: 3000, memory: 3 * g), .init(cpu: 1000, memory: 1 * g)]),
        Scenario(
            name: "reservations above capacity are scaled down proportionally",
            requests: [Fixture.request(demand: .init(cpu: 4000, memory: 4 * g), reservation: .init(cpu: 3000, memory: 3 * g)),
                       Fixture.request(demand: .init(cpu: 4000, memory: 4 * g), reservation: .init(cpu: 1000, memory: 1 * g))],
            capacity: .init(cpu: 2000, memory: 2 * g),
            expected: [.init(cpu: 1500, memory: 3 * g / 2), .init(cpu: 500, memory: g / 2)]),
        Scenario(
            name: "cap below reservation: the cap wins",
            requests: [Fixture.request(demand: .init(cpu: 4000, memory: 4 * g), reservation: .init(cpu: 3000, memory: 3 * g),
                                       cap: .init(cpu: 1000, memory: 1 * g))],
            capacity: .init(cpu: 8000, memory: 8 * g),
            expected: [.init(cpu: 1000, memory: 1 * g)]),
        Scenario(
            name: "zero shares served only after everyone else",
            requests: [Fixture.request(demand: .init(cpu: 4000, memory: 4 * g), shares: 0),
                       Fixture.request(demand: .init(cpu: 3000, memory: 3 * g))],
            capacity: .init(cpu: 5000, memory: 5 * g),
            expected: [.init(cpu: 2000, memory: 2 * g), .init(cpu: 3000, memory: 3 * g)]),
        Scenario(
            name: "zero capacity gives zero",
            requests: [Fixture.request(demand: .init(cpu: 4000, memory: 4 * g), reservation: .init(cpu: 1000, memory: g))],
            capacity: .zero,
            expected: [.zero]),
        Scenario(
            name: "idle memory tax: equal shares and demand, the idle VM gets less",
            // tax 0.75, k = 4: weights 1024/(1) and 1024/(0.25 + 4·0.75) = 1024/3.25; ratio 3.25 : 1.
            requests: [Fixture.request(demand: .init(cpu: 0, memory: 10 * g), active: 1),
                       Fixture.request(demand: .init(cpu: 0, memory: 10 * g), active: 0.25)],
            capacity: .init(cpu: 0, memory: 17 * g),
            expected: [.init(cpu: 0, memory: 10 * g), .init(cpu: 0, memory: 7 * g)]),
        Scenario(
            name: "idle memory tax split when both are short",
            requests: [Fixture.request(demand: .init(cpu: 0, memory: 20 * g), active: 1),
                       Fixture.request(demand: .init(cpu: 0, memory: 20 * g), active: 0.25)],
            capacity: .init(cpu: 0, memory: 17 * g),
            // 17 GiB in the ratio 3.25 : 1 = 13 GiB : 4 GiB.
            expected: [.init(cpu: 0, memory: 13 * g), .init(cpu: 0, memory: 4 * g)]),
        Scenario(
            name: "no tax: the same VMs split evenly",
            requests: [Fixture.request(demand: .init(cpu: 0, memory: 20 * g), active: 1),
                       Fixture.request(demand: .init(cpu: 0, memory: 20 * g), active: 0.25)],
            capacity: .init(cpu: 0, memory: 16 * g), settings: AllocatorSettings(idleMemoryTax: 0),
            expected: [.init(cpu: 0, memory: 8 * g), .init(cpu: 0, memory: 8 * g)]),
        Scenario(
            name: "demand below reservation still gets the reservation",
            requests: [Fixture.request(demand: .init(cpu: 100, memory: g / 4), reservation: .init(cpu: 1000, memory: g)),
                       Fixture.request(demand: .init(cpu: 9000, memory: 9 * g))],
            capacity: .init(cpu: 5000, memory: 5 * g),
            expected: [.init(cpu: 1000, memory: g), .init(cpu: 4000, memory: 4 * g)]),
        // CPU expected above demand (a predicted peak, `cpuAhead`): served from spare
        // capacity only, before the surplus.
        Scenario(
            name: "expected CPU fills spare capacity before the surplus",
            requests: [Fixture.request(demand: .init(cpu: 1000, memory: g), cpuAhead: 2000),
                       Fixture.request(demand: .init(cpu: 2000, memory: g))],
            capacity: .init(cpu: 6000, memory: 2 * g),
            // Demands 3,000, A's expectation 2,000 more: 5,000 (A at 3,000); the last 1,000
            // water-filled by shares lifts B to A's level.
            expected: [.init(cpu: 3000, memory: g), .init(cpu: 3000, memory: g)]),
        Scenario(
            name: "expected CPU shares what is left after demand when it does not all fit",
            requests: [Fixture.request(demand: .init(cpu: 1000, memory: g), cpuAhead: 2000),
                       Fixture.request(demand: .init(cpu: 2000, memory: g), cpuAhead: 2000)],
            capacity: .init(cpu: 4000, memory: 2 * g),
            // 1,000 left after demand, water-filled by shares between each demand and its
            // expectation: A rises from 1,000 to B's 2,000, and that is all there is.
            expected: [.init(cpu: 2000, memory: g), .init(cpu: 2000, memory: g)]),
        Scenario(
            name: "on a contended host expected CPU takes nothing from demand",
            requests: [Fixture.request(demand: .init(cpu: 1000, memory: g), cpuAhead: 5000),
                       Fixture.request(demand: .init(cpu: 2000, memory: g))],
            capacity: .init(cpu: 2400, memory: 2 * g),
            expected: [.init(cpu: 1000, memory: g), .init(cpu: 1400, memory: g)]),
    ]

    @Test(arguments: scenarios)
    func scenario(_ scenario: Scenario) {
        let result = FairShareAllocator.allocate(scenario.requests, capacity: scenario.capacity,
                                                 settings: scenario.settings)
        #expect(result == scenario.expected)
    }

    @Test func emptyInputGivesEmptyOutput() {
        #expect(FairShareAllocator.allocate([], capacity: .init(cpu: 1000, memory: 1 << 30)).isEmpty)
    }

    @Test func idleMemoryTaxWeight() {
        #expect(FairShareAllocator.memoryWeight(shares: 1000, activeFraction: 1, idleTax: 0.75) == 1000)
        #expect(FairShareAllocator.memoryWeight(shares: 1000, activeFraction: 0, idleTax: 0.75) == 250)
        #expect(FairShareAllocator.memoryWeight(shares: 1000, activeFraction: .nan, idleTax: 0.75) == 1000)
    }
}

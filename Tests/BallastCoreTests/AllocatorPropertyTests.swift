import PropertyBased
import Testing
@testable import BallastCore

/// Property-based checks of the fair-share allocator's invariants.
@Suite("Allocator properties")
struct AllocatorPropertyTests {
    static let gib = ByteUnits.gibibyte

    static let request = zip(
        zip(Gen.int(in: 0...16_000), Gen.uint64(in: 0...(64 * gib))),
        zip(Gen.int(in: 0...2_000), Gen.uint64(in: 0...(4 * gib))),
        zip(Gen.int(in: 0...16_000), Gen.uint64(in: 0...(64 * gib))),
        zip(Gen.uint32(in: 0...4096), Gen.uint32(in: 0...4096)),
        Gen.double(in: 0...1)
    ).map { demand, reservation, cap, shares, active in
        AllocationRequest(demand: ResourceVector(cpu: demand.0, memory: demand.1),
                          reservation: ResourceVector(cpu: reservation.0, memory: reservation.1),
                          cap: ResourceVector(cpu: cap.0, memory: cap.1),
                          cpuShares: shares.0, memoryShares: shares.1, memoryActiveFraction: active)
    }
    static let requests = request.array(of: 1...30)
    static let capacity = zip(Gen.int(in: 0...200_000), Gen.uint64(in: 0...(512 * gib)))
        .map { ResourceVector(cpu: $0, memory: $1) }

    /// Rounding slack: one unit per VM, plus a relative hair for floating point.
    static func close(_ a: Double, atLeast b: Double, count: Int) -> Bool {
        a >= b - Double(count) - 1e-9 * Swift.max(abs(a), abs(b))
    }

    struct Resource: Sendable {
        var name: String
        var amount: @Sendable (ResourceVector) -> Double
        var weight: @Sendable (AllocationRequest, AllocatorSettings) -> Double
    }

    static let resources = [
        Resource(name: "cpu", amount: { Double($0.cpu) }, weight: { r, _ in Double(r.cpuShares) }),
        Resource(name: "memory", amount: { Double($0.memory) }, weight: { r, s in
            FairShareAllocator.memoryWeight(shares: r.memoryShares, activeFraction: r.memoryActiveFraction,
                                            idleTax: s.idleMemoryTax)
        }),
    ]

    /// min(reservation, cap), and the demand target max(that, min(demand, cap)).
    static func bounds(_ r: AllocationRequest, _ res: Resource) -> (reservation: Double, target: Double, cap: Double) {
        let cap = res.amount(r.cap)
        let reservation = Swift.min(res.amount(r.reservation), cap)
        return (reservation, Swift.max(reservation, Swift.min(res.amount(r.demand), cap)), cap)
    }

    @Test func capacityNeverExceededAndCapsRespected() async {
        await propertyCheck(input: Self.requests, Self.capacity) { requests, capacity in
            let result = FairShareAllocator.allocate(requests, capacity: capacity)
            #expect(result.count == requests.count)
            #expect(result.cpuTotal <= capacity.cpu)
            #expect(result.memoryTotal <= capacity.memory)
            for (r, a) in zip(requests, result) {
                #expect(a.cpu <= r.cap.cpu)
                #expect(a.memory <= r.cap.memory)
                #expect(a.cpu >= 0)
            }
        }
    }

    /// A workspace kept between calls of any sizes gives exactly what a fresh one
    /// gives, and never changes a result its caller still holds.
    @Test func reusedWorkspaceMatchesAFreshOne() async {
        await propertyCheck(input: Self.requests, Self.requests, Self.capacity) { first, second, capacity in
            var workspace = FairShareAllocator.Workspace()
            let held = FairShareAllocator.allocate(first, capacity: capacity, reusing: &workspace)
            let heldCopy = held.map { ResourceVector(cpu: $0.cpu, memory: $0.memory) }
            let other = FairShareAllocator.allocate(second, capacity: capacity, reusing: &workspace)
            #expect(held == heldCopy)
            #expect(other == FairShareAllocator.allocate(second, capacity: capacity))
            _ = FairShareAllocator.allocate(first, capacity: capacity, reusing: &workspace)
            let again = FairShareAllocator.allocate(first, capacity: capacity, reusing: &workspace)
            #expect(again == FairShareAllocator.allocate(first, capacity: capacity))
        }
    }

    @Test func reservationsHonouredWhenTheyFit() async {
        await propertyCheck(input: Self.requests, Self.capacity) { requests, capacity in
            let result = FairShareAllocator.allocate(requests, capacity: capacity)
            for res in Self.resources {
                let reserved = requests.reduce(0.0) { $0 + Self.bounds($1, res).reservation }
                guard reserved <= res.amount(capacity) else { continue }
                for (r, a) in zip(requests, result) {
                    #expect(res.amount(a) >= Self.bounds(r, res).reservation, "\(res.name)")
                }
            }
        }
    }

    @Test func noArtificialShortage() async {
        await propertyCheck(input: Self.requests, Self.capacity) { requests, capacity in
            for surplus in [true, false] {
                let settings = AllocatorSettings(distributeSurplus: surplus)
                let result = FairShareAllocator.allocate(requests, capacity: capacity, settings: settings)
                for res in Self.resources {
                    let wanted = requests.reduce(0.0) { $0 + Self.bounds($1, res).target }
                    guard wanted <= res.amount(capacity) else { continue }
                    for (r, a) in zip(requests, result) {
                        #expect(res.amount(a) >= Self.bounds(r, res).target, "\(res.name)")
                    }
                }
            }
        }
    }

    /// Under contention, a VM short of its target never has a lower share-normalised
    /// allocation than a VM that got anything beyond its guarantee.
    @Test func maxMinFairUnderContention() async {
        await propertyCheck(input: Self.requests, Self.capacity) { requests, capacity in
            let settings = AllocatorSettings()
            let result = FairShareAllocator.allocate(requests, capacity: capacity, settings: settings)
            for res in Self.resources {
                let reserved = requests.reduce(0.0) { $0 + Self.bounds($1, res).reservation }
                let wanted = requests.reduce(0.0) { $0 + Self.bounds($1, res).target }
                guard wanted > res.amount(capacity), reserved <= res.amount(capacity) else { continue }
                let n = requests.count
                for i in 0..<n {
                    let (_, target, _) = Self.bounds(requests[i], res)
                    let ai = res.amount(result[i])
                    guard ai < target - Double(n) else { continue }
                    let wi = res.weight(requests[i], settings)
                    for j in 0..<n where j != i {
                        let (reservation, _, _) = Self.bounds(requests[j], res)
                        let aj = res.amount(result[j])
                        guard aj > reservation + Double(n) else { continue }
                        let wj = res.weight(requests[j], settings)
                        if wi == 0 { continue }
                        #expect(wj > 0, "\(res.name): zero-share VM \(j) served before short VM \(i)")
                        guard wj > 0 else { continue }
                        // Each amount is rounded down to a whole unit: one unit of slack on each side.
                        #expect((ai + 1) / wi >= (aj - 1) / wj * (1 - 1e-9),
                                "\(res.name): short VM \(i) at \(ai) below VM \(j) at \(aj)")
                    }
                }
            }
        }
    }

    @Test func moreSharesNeverYieldLess() async {
        await propertyCheck(input: Self.requests, Self.capacity, Gen.uint32(in: 1...4096)) { requests, capacity, extra in
            let before = FairShareAllocator.allocate(requests, capacity: capacity)
            var richer = requests
            richer[0].cpuShares &+= extra
            richer[0].memoryShares &+= extra
            let after = FairShareAllocator.allocate(richer, capacity: capacity)
            #expect(Self.close(Double(after[0].cpu), atLeast: Double(before[0].cpu), count: requests.count))
            #expect(Self.close(Double(after[0].memory), atLeast: Double(before[0].memory), count: requests.count))
        }
    }

    @Test func moreDemandNeverYieldsLess() async {
        await propertyCheck(input: Self.requests, Self.capacity, Gen.int(in: 1...8000)) { requests, capacity, extra in
            let before = FairShareAllocator.allocate(requests, capacity: capacity)
            var hungrier = requests
            hungrier[0].demand.cpu += extra
            hungrier[0].demand.memory += UInt64(extra) << 20
            let after = FairShareAllocator.allocate(hungrier, capacity: capacity)
            #expect(Self.close(Double(after[0].cpu), atLeast: Double(before[0].cpu), count: requests.count))
            #expect(Self.close(Double(after[0].memory), atLeast: Double(before[0].memory), count: requests.count))
        }
    }

    @Test func deterministicAndOrderIndependent() async {
        await propertyCheck(input: Self.requests, Self.capacity) { requests, capacity in
            let first = FairShareAllocator.allocate(requests, capacity: capacity)
            #expect(FairShareAllocator.allocate(requests, capacity: capacity) == first)
            let reversed = FairShareAllocator.allocate(requests.reversed(), capacity: capacity)
            for (a, b) in zip(first, reversed.reversed()) {
                #expect(abs(a.cpu - b.cpu) <= requests.count)
                #expect(abs(Double(a.memory) - Double(b.memory)) <= Double(requests.count) + 1e-9 * Double(a.memory))
            }
        }
    }

    static let requestsExpectingCPU = zip(request, Gen.int(in: 0...8_000)).map { request, ahead in
        var expecting = request
        expecting.cpuAhead = ahead
        return expecting
    }.array(of: 1...30)

    /// CPU expected above demand (`cpuAhead`, phase 2b) comes from spare capacity only:
    /// no VM gets less of its demand target than it gets without any expectation, caps,
    /// capacity and memory are untouched, and when every expectation fits it is met.
    @Test func expectedCPUComesOnlyFromSpareCapacity() async {
        await propertyCheck(input: Self.requestsExpectingCPU, Self.capacity) { requests, capacity in
            let expecting = FairShareAllocator.allocate(requests, capacity: capacity)
            let plain = FairShareAllocator.allocate(requests.map {
                var request = $0
                request.cpuAhead = 0
                return request
            }, capacity: capacity)
            #expect(expecting.cpuTotal <= capacity.cpu)
            let cpu = Self.resources[0]
            var fullExpectation = 0.0
            for (request, (a, b)) in zip(requests, zip(expecting, plain)) {
                let bounds = Self.bounds(request, cpu)
                #expect(Self.close(Double(a.cpu), atLeast: Swift.min(Double(b.cpu), bounds.target), count: requests.count),
                        "\(a.cpu) < \(b.cpu) without expectations (target \(bounds.target))")
                #expect(a.cpu <= request.cap.cpu)
                #expect(a.memory == b.memory)
                fullExpectation += Swift.min(bounds.target + Double(request.cpuAhead), bounds.cap)
            }
            let reserved = requests.reduce(0.0) { $0 + Self.bounds($1, cpu).reservation }
            guard reserved <= Double(capacity.cpu), fullExpectation <= Double(capacity.cpu) else { return }
            for (request, a) in zip(requests, expecting) {
                let bounds = Self.bounds(request, cpu)
                let met = Swift.min(bounds.target + Double(request.cpuAhead), bounds.cap)
                #expect(Self.close(Double(a.cpu), atLeast: met, count: requests.count), "\(a.cpu) of \(met) expected")
            }
        }
    }

    /// Equal shares and equal demand: the VM with more idle memory gets no more memory.
    @Test func moreIdleMemoryGivesMemoryUpFirst() async {
        await propertyCheck(input: Gen.double(in: 0...1), Gen.double(in: 0...1),
                            Gen.uint64(in: 1...(32 * Self.gib)), Gen.uint64(in: 0...(64 * Self.gib))) { f1, f2, demand, capacity in
            let requests = [f1, f2].map {
                Fixture.request(demand: ResourceVector(cpu: 0, memory: demand), active: $0)
            }
            let result = FairShareAllocator.allocate(requests, capacity: ResourceVector(cpu: 0, memory: capacity))
            let (idle, busy) = f1 < f2 ? (result[0], result[1]) : (result[1], result[0])
            #expect(idle.memory <= busy.memory + 1)
        }
    }
}

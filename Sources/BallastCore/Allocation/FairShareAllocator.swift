/// Weighted max-min fair share of the host, per resource: a pure, deterministic
/// function of the requests and the capacity (the same input always gives the
/// same output, whatever the order of evaluation).
///
/// Each resource (CPU, then memory) is divided in three phases:
///
/// 1. **Reservations.** Every VM first gets its reservation, capped at its own cap
///    (a cap below the reservation wins: the cap is what the VM can physically take
///    or what the operator allows). If the reservations alone exceed the capacity,
///    they are scaled down proportionally (each gets `reservation × capacity / Σ
///    reservations`, rounded down) and nothing else is handed out: an over-reserved
///    host cannot honour its guarantees, and scaling keeps the guarantees' ratios.
/// 2. **Demand.** Each VM's target is `max(reservation, min(demand, cap))`. When the
///    targets fit, every VM gets its target (no artificial shortage). Otherwise the
///    capacity is water-filled: each VM gets `clamp(level × weight, reservation, target)`
///    for the one level that uses the capacity exactly; weight is the CPU shares,
///    or for memory the shares adjusted by the idle memory tax (below).
/// 2b. **Expected.** When every target fits, what is left first goes to CPU the
///    prediction stage expects above demand (`AllocationRequest.cpuAhead`), water-filled
///    by shares up to `min(target + cpuAhead, cap)`: a forecast is served from spare
///    capacity only, never from a VM's demand now.
/// 3. **Surplus.** What is left after every target is met is water-filled on top,
///    by plain shares (no idle tax), up to each VM's cap. Headroom makes growth free: a VM
///    whose demand rises gets the new demand without waiting for anyone to shrink.
///    `AllocatorSettings.distributeSurplus = false` leaves the surplus unallocated.
///
/// **Idle memory tax** (Waldspurger, "Memory Resource Management in VMware ESX
/// Server", OSDI 2002): with tax rate τ, idle memory costs `k = 1 / (1 − τ)` times
/// active memory, so a VM's memory weight is `shares / (f + k (1 − f))`, where `f`
/// is its active fraction. Equal shares and equal demands: the VM with more idle
/// memory gets less under contention, so its idle memory is reclaimed first. The tax
/// applies under contention only: the active fraction is measured against the current
/// balloon, so taxing the surplus too would feed each tick's allocation back into the
/// next tick's weights and make allocations flip between two states.
///
/// Zero shares: served only after every positive-share VM is satisfied. Zero
/// capacity: everyone gets zero. Amounts are rounded down, so the total never
/// exceeds the capacity. Cost: O(n log n) per resource, arrays only.
public enum FairShareAllocator {
    public static func allocate(_ requests: [AllocationRequest], capacity: ResourceVector,
                                settings: AllocatorSettings = .init()) -> [ResourceVector] {
        var workspace = Workspace()
        return allocate(requests, capacity: capacity, settings: settings, reusing: &workspace)
    }

    /// The same, with scratch memory kept between calls: a caller that allocates
    /// every tick passes the same workspace, so that its arrays (and the result's,
    /// once the caller has let go of it) are reused instead of freshly
    /// page-faulted in (at 10,000 VMs the allocator's arrays are over a
    /// megabyte, which the C allocator returns to the kernel after every call).
    public static func allocate(_ requests: [AllocationRequest], capacity: ResourceVector,
                                settings: AllocatorSettings = .init(),
                                reusing workspace: inout Workspace) -> [ResourceVector] {
        guard !requests.isEmpty else { return [] }
        var output: [ResourceVector] = []
        swap(&output, &workspace.lastOutput)
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(requests.count)
        workspace.arrays.allocate(requests, capacity: capacity, settings: settings, into: &output)
        workspace.lastOutput = output
        return output
    }

    /// Scratch memory for `allocate(_:capacity:settings:reusing:)`: opaque, owned
    /// by one caller, any size (it adapts to the number of requests).
    public struct Workspace: Sendable {
        var arrays = AllocatorWorkspace()
        /// The previous result, reused when its caller no longer holds it.
        var lastOutput: [ResourceVector] = []

        public init() {}
    }

    /// The memory weight of one VM under the idle memory tax.
    public static func memoryWeight(shares: UInt32, activeFraction: Double, idleTax: Double) -> Double {
        let tax = idleTax.isFinite ? min(max(idleTax, 0), 0.99) : 0.75
        let k = 1 / (1 - tax)
        let f = activeFraction.isFinite ? min(max(activeFraction, 0), 1) : 1
        return Double(shares) / (f + k * (1 - f))
    }
}

/// Scratch arrays for one allocation, reused across the two resources and,
/// through `FairShareAllocator.Workspace`, across calls.
struct AllocatorWorkspace: Sendable {
    private var lower: [Double] = []
    private var target: [Double] = []
    /// Phase 2b's upper bounds (CPU only): the target plus what is expected above it;
    /// filled only when phase 2b runs.
    private var ahead: [Double] = []
    private var cap: [Double] = []
    private var weight: [Double] = []
    private var surplusWeight: [Double] = []
    private var result: [Double] = []
    private var filler = WaterFill()

    /// Sizes every array to `count` (contents are overwritten before use).
    private mutating func resize(_ count: Int) {
        guard lower.count != count else { return }
        Self.resize(&lower, count)
        Self.resize(&target, count)
        Self.resize(&ahead, count)
        Self.resize(&cap, count)
        Self.resize(&weight, count)
        Self.resize(&surplusWeight, count)
        Self.resize(&result, count)
    }

    private static func resize(_ array: inout [Double], _ count: Int) {
        if array.count > count {
            array.removeLast(array.count - count)
        } else {
            array.append(contentsOf: repeatElement(0, count: count - array.count))
        }
    }

    /// Appends the allocation to `output` (empty), one entry per request.
    mutating func allocate(_ requests: [AllocationRequest], capacity: ResourceVector,
                           settings: AllocatorSettings, into output: inout [ResourceVector]) {
        resize(requests.count)
        let cpuCapacity = Double(max(0, capacity.cpu))
        var reserved = 0.0
        var wanted = 0.0
        var expected = 0.0
        for i in requests.indices {
            let request = requests[i]
            let c = Double(max(0, request.cap.cpu))
            let low = min(Double(max(0, request.reservation.cpu)), c)
            let high = max(low, min(Double(max(0, request.demand.cpu)), c))
            lower[i] = low
            target[i] = high
            weight[i] = Double(request.cpuShares)
            reserved += low
            wanted += high
            if request.cpuAhead > 0 { expected += min(high + Double(request.cpuAhead), c) - high }
        }
        expected += wanted
        if expected > wanted, wanted <= cpuCapacity {
            // Phase 2b's bounds, gathered only when it runs (most hosts predict nothing).
            for i in requests.indices {
                let extra = Double(max(0, requests[i].cpuAhead))
                ahead[i] = extra > 0 ? min(target[i] + extra, Double(max(0, requests[i].cap.cpu))) : target[i]
            }
        }
        if Self.sharesSurplus(capacity: cpuCapacity, reserved: reserved, wanted: wanted, settings: settings) {
            for i in requests.indices {
                cap[i] = Double(max(0, requests[i].cap.cpu))
                surplusWeight[i] = weight[i]
            }
        }
        divide(cpuCapacity, reserved: reserved, wanted: wanted, expected: expected, settings: settings)
        var total: UInt64 = 0
        for i in requests.indices {
            let cpu = WholeUnits.downInt(result[i])
            total &+= UInt64(cpu)
            output.append(ResourceVector(cpu: cpu, memory: 0))
        }
        trimExcess(&output, total: total, capacity: UInt64(max(0, capacity.cpu)), get: { UInt64($0.cpu) },
                   set: { $0.cpu -= Int($1) })

        let memoryCapacity = Double(capacity.memory)
        reserved = 0
        wanted = 0
        for i in requests.indices {
            let request = requests[i]
            let c = Double(request.cap.memory)
            let low = min(Double(request.reservation.memory), c)
            let high = max(low, min(Double(request.demand.memory), c))
            lower[i] = low
            target[i] = high
            weight[i] = FairShareAllocator.memoryWeight(
                shares: request.memoryShares, activeFraction: request.memoryActiveFraction,
                idleTax: settings.idleMemoryTax)
            reserved += low
            wanted += high
        }
        if Self.sharesSurplus(capacity: memoryCapacity, reserved: reserved, wanted: wanted, settings: settings) {
            for i in requests.indices {
                cap[i] = Double(requests[i].cap.memory)
                surplusWeight[i] = Double(requests[i].memoryShares)
            }
        }
        divide(memoryCapacity, reserved: reserved, wanted: wanted, expected: wanted, settings: settings)
        total = 0
        for i in requests.indices {
            let memory = WholeUnits.down(result[i])
            total &+= memory
            output[i].memory = memory
        }
        trimExcess(&output, total: total, capacity: capacity.memory, get: { $0.memory }, set: { $0.memory -= $1 })
    }

    /// Whether phase 3 runs: every target fits with room to spare. Caps and plain
    /// shares are filled in only then (a contended host never reads them).
    private static func sharesSurplus(capacity: Double, reserved: Double, wanted: Double,
                                      settings: AllocatorSettings) -> Bool {
        reserved <= capacity && wanted < capacity && settings.distributeSurplus
    }

    /// The phases for one resource, on the prepared arrays (`reserved`, `wanted` and
    /// `expected` are the sums of `lower`, `target` and `ahead`; `expected == wanted`
    /// skips phase 2b); leaves the amounts in `result`, which the caller rounds down to
    /// whole units.
    private mutating func divide(_ capacity: Double, reserved: Double, wanted: Double, expected: Double,
                                 settings: AllocatorSettings) {
        let n = lower.count
        if reserved > capacity {
            let scale = reserved > 0 ? capacity / reserved : 0
            for i in 0..<n { result[i] = Double(WholeUnits.down(lower[i] * scale)) }
        } else if wanted > capacity {
            _ = filler.fill(lower: lower, upper: target, weight: weight, amount: capacity - reserved,
                            result: &result)
        } else if expected > wanted {
            if expected >= capacity {
                _ = filler.fill(lower: target, upper: ahead, weight: weight, amount: capacity - wanted,
                                result: &result)
            } else if Self.sharesSurplus(capacity: capacity, reserved: reserved, wanted: expected, settings: settings) {
                _ = filler.fill(lower: ahead, upper: cap, weight: surplusWeight, amount: capacity - expected,
                                result: &result)
            } else {
                for i in 0..<n { result[i] = ahead[i] }
            }
        } else if Self.sharesSurplus(capacity: capacity, reserved: reserved, wanted: wanted, settings: settings) {
            _ = filler.fill(lower: target, upper: cap, weight: surplusWeight, amount: capacity - wanted,
                            result: &result)
        } else {
            for i in 0..<n { result[i] = target[i] }
        }
    }

    /// Guards against floating-point rounding pushing the rounded total over
    /// capacity (a unit or so at most): takes the excess from the allocations in
    /// proportion to their size, rounded up, in one deterministic pass.
    /// `total` is the sum of `get` over `output`, gathered while filling it.
    private func trimExcess(_ output: inout [ResourceVector], total: UInt64, capacity: UInt64,
                            get: (ResourceVector) -> UInt64, set: (inout ResourceVector, UInt64) -> Void) {
        guard total > capacity else { return }
        var excess = total - capacity
        let ratio = Double(excess) / Double(total)
        for i in output.indices where excess > 0 {
            let value = get(output[i])
            let take = min(excess, value, WholeUnits.up(Double(value) * ratio))
            set(&output[i], take)
            excess -= take
        }
    }
}

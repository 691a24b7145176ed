/// The host-wide part of the governor: how much of the growth the VMs were granted
/// one by one fits in the guest capacity, and which guests come first.
extension Governor {
    /// Growth is immediate but never pushes the balanced VMs' memory past the guest
    /// capacity. Unless `shrinksReleaseAtOnce` (the simulator), each VM counts at the most
    /// it holds while its balloon moves (`heldWhileMoving`): memory a guest is still
    /// releasing is not free yet, and memory a growing guest's balloon is still handing
    /// it is taken. A VM that does not grow and reports its free pages to the host counts
    /// at what it holds there, when that is less (`VMView.hostHeld`): an idle guest whose
    /// freed pages went back to the host does not block another guest's growth. A host
    /// already over capacity does not get worse.
    ///
    /// Growth up to a VM's need (`MemoryNeed`: a guest outgrowing its balloon) is funded
    /// first, and not only from the room: also from what the shrinks under way will free,
    /// as long as where the balloons are heading adds up to no more than the capacity. The
    /// guest grows now, against memory another guest's balloon is still inflating to give
    /// back, instead of running out while it waits; the host holds that much more for the
    /// second or two the balloons take, and the balloons' destinations never exceed the
    /// budget. Not beyond it, even on a host already over it: a full guest's need is above
    /// its balloon, so memory lent to it past the budget would never come back (the closed
    /// loop's contended host stayed 1.3 % over when it was). The rest of the growth shares
    /// what room is left: each growing VM gets the
    /// same fraction of it (never less than its configured floor). Returns whether growth
    /// was cut while some VM is releasing memory, i.e. whether a tick soon after the
    /// release would grow it further.
    func limitGrowth(_ snapshot: TickSnapshot, _ pending: inout [Pending]) -> Bool {
        let atOnce = shrinksReleaseAtOnce
        var committed: UInt64 = 0
        var destinations: UInt64 = 0
        var growth: UInt64 = 0
        var needed: UInt64 = 0
        var releasing = false
        for index in pending.indices {
            let vm = snapshot.vms[index]
            let base = Self.growthBase(vm, atOnce: atOnce)
            let final = pending[index].final.memory
            if final > base {
                committed &+= base
                destinations &+= base
                growth &+= final - base
                needed &+= Self.neededGrowth(pending[index], base: base)
            } else if atOnce {
                committed &+= min(final, vm.hostHeld ?? .max)
                destinations &+= min(final, vm.hostHeld ?? .max)
            } else {
                let held = Self.heldWhileMoving(vm, final: final)
                committed &+= min(held.most, vm.hostHeld ?? .max)
                destinations &+= min(held.destination, vm.hostHeld ?? .max)
                releasing = releasing || held.destination < vm.current.memory
            }
        }
        let capacity = snapshot.guestCapacity.memory
        let room = capacity > committed ? capacity - committed : 0
        guard growth > room else { return false }
        let needRoom = max(room, capacity > destinations ? capacity - destinations : 0)
        let fundedNeed = min(needed, needRoom)
        let needRatio = needed > 0 ? Double(fundedNeed) / Double(needed) : 0
        let restRoom = room > fundedNeed ? room - fundedNeed : 0
        let rest = growth - needed
        let restRatio = rest > 0 ? min(1, Double(restRoom) / Double(rest)) : 0
        let borrowed = fundedNeed > room
        var cut = false
        for index in pending.indices {
            let base = Self.growthBase(snapshot.vms[index], atOnce: atOnce)
            let wanted = pending[index].final.memory
            guard wanted > base else { continue }
            let neededHere = Self.neededGrowth(pending[index], base: base)
            let restHere = wanted - base - neededHere
            var allowed = base + WholeUnits.down(Double(neededHere) * needRatio)
                + WholeUnits.down(Double(restHere) * restRatio)
            allowed = max(allowed, min(pending[index].hardFloor, wanted))
            if allowed - base < smallestMemoryChange(from: base, pastNeed: base >= pending[index].need),
               base >= pending[index].hardFloor {
                allowed = base
            }
            if borrowed, neededHere > 0, allowed > base {
                pending[index].clamps.insert(.memoryNeedFundedByRelease)
            }
            if allowed < wanted {
                pending[index].final.memory = allowed
                pending[index].clamps.insert(.memoryGrowthLimited)
                cut = true
            }
        }
        return cut && releasing
    }

    /// The part of a VM's growth from `base` that takes it up to its need.
    private static func neededGrowth(_ pending: Pending, base: UInt64) -> UInt64 {
        min(pending.final.memory, max(pending.need, base)) - base
    }

    /// Whether some guest outgrows its balloon now or is about to: its need (`MemoryNeed`),
    /// plus as much climb again, is above what its balloon holds or is heading to. Idle VMs
    /// then give memory back at the emergency step and do not grow, and the other VMs keep
    /// a shrink under way: the memory is wanted now, not at the usual pace. "About to" because a climbing
    /// guest's reports come in bursts (a fill of 25 MiB a second showed rises of 2 to 60 MiB
    /// between reports), and an idle guest grown in a lull was memory the climber missed a
    /// tick later.
    func anyGuestOutgrowsItsBalloon(_ vms: [VMView]) -> Bool {
        vms.withUnsafeBufferPointer { vms in
            for index in vms.indices where outgrowsItsBalloon(vms[index], floor: nil) { return true }
            return false
        }
    }

    /// Whether this guest outgrows its balloon or is about to (above), or its use climbs:
    /// the idle-VM rules that serve such a guest never apply to it.
    /// `floor`: the VM's `memoryFloor` when the caller has it already.
    func outgrowsItsBalloon(_ vm: VMView, floor: UInt64?) -> Bool {
        guard vm.hasBalloonStats, vm.estimate.guestUsedMemory != nil else { return false }
        let growth = vm.estimate.guestUsedGrowth ?? 0
        if growth >= Self.climbingGuest { return true }
        let heading = max(vm.current.memory, vm.memoryTarget ?? 0)
        let climb = growth > 0 ? WholeUnits.down(Double(growth) * memoryNeed.climbLookahead) : 0
        return min((floor ?? memoryFloor(vm)) &+ climb, vm.spec.ceiling.memory) > heading
    }

    /// What a VM holds before this tick's growth: its balloon now, or the larger target
    /// the balloon is still moving to.
    private static func growthBase(_ vm: VMView, atOnce: Bool) -> UInt64 {
        let current = vm.current.memory
        guard !atOnce, let target = vm.memoryTarget, target > current else { return current }
        return target
    }

    /// Where a VM's balloon goes after this tick when it does not grow (`final`, if a change
    /// is emitted; else the target it is still moving to), and the most it holds on the way.
    private static func heldWhileMoving(_ vm: VMView, final: UInt64) -> (destination: UInt64, most: UInt64) {
        let current = vm.current.memory
        let destination = final != current ? final : vm.memoryTarget ?? current
        return (destination, max(current, destination))
    }
}

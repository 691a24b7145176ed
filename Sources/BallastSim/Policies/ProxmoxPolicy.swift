import BallastCore

/// Proxmox VE's auto-ballooning (`pvestatd`, `PVE::AutoBalloon::compute_alg1`),
/// re-implemented from its published behaviour (credit: Proxmox VE
/// qemu-server, AGPL-3.0; no code shared). Each cycle:
/// - goal = 80 % of host memory - host used memory (used = physical - MemAvailable);
/// - goal above +10 MiB: grow, first the VMs under memory pressure (guest free
///   memory at most 25 % of their minimum), then all; below -10 MiB: shrink,
///   first the VMs with enough free memory, then all;
/// - the bytes to move are split by shares: each VM is steered towards
///   minimum + (Σ(balloon - minimum) + goal) × shares / Σ shares, clamped to
///   [minimum, configured], moving at most 100 MiB per VM per cycle.
/// The operator's "minimum memory" per VM is a setting (default 10 % of the
/// configured size; Proxmox itself has no default below the configured size).
/// Proxmox manages memory only; CPU stays at its static entitlement.
public struct ProxmoxPolicy: ObservingPolicy {
    public let name = "proxmox"
    public var targetUsage = 0.80
    public var maxChange: Double = Double(UInt64.mebibytes(100))
    public var deadband: Double = Double(UInt64.mebibytes(10))
    public var minimumFraction: Double

    public init(minimumFraction: Double = 0.10) {
        self.minimumFraction = minimumFraction
    }

    private struct Guest {
        var index: Int
        var balloon: Double
        var minimum: Double
        var maximum: Double
        var shares: Double
    }

    public mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation] {
        var result = snapshot.vms.map(\.current)
        let physical = Double(snapshot.host.capacity.memory)
        let used = physical - Double(snapshot.host.memoryAvailable)
        let goal = physical * targetUsage - used
        var all: [Guest] = []
        var pressured: [Guest] = []
        var roomy: [Guest] = []
        for (index, vm) in snapshot.vms.enumerated() {
            guard let balloon = vm.memory.balloon, balloon.available != nil, let free = balloon.unused else { continue }
            let maximum = Double(vm.spec.ceiling.memory)
            let guest = Guest(index: index, balloon: Double(vm.current.memory), minimum: maximum * minimumFraction,
                              maximum: maximum, shares: Double(max(vm.spec.memoryShares, 1)))
            all.append(guest)
            if Double(free) > guest.minimum * 0.25 && guest.balloon >= guest.minimum {
                roomy.append(guest)
            } else {
                pressured.append(guest)
            }
        }
        var targets: [Int: Double] = [:]
        if goal > deadband {
            let rest = distribute(goal, over: pressured, targets: &targets)
            if rest >= goal { _ = distribute(goal, over: all, targets: &targets) }
        } else if goal < -deadband {
            let rest = distribute(goal, over: roomy, targets: &targets)
            if rest <= goal { _ = distribute(goal, over: all, targets: &targets) }
        }
        for (index, target) in targets {
            result[index].memory = UInt64(max(0, target))
        }
        return result
    }

    /// Moves up to `bytes` (negative: frees) across `guests` by shares, at most
    /// `maxChange` per guest; returns what could not be moved.
    private func distribute(_ bytes: Double, over guests: [Guest], targets: inout [Int: Double]) -> Double {
        var rest = bytes
        var done = Set<Int>()
        var repeatRound = true
        var progress = true
        var rounds = 0
        while rest != 0 && repeatRound && progress && rounds < 16 {
            rounds += 1
            repeatRound = false
            progress = false
            var sharesTotal = 0.0
            var allocatedOld = 0.0
            for guest in guests where !done.contains(guest.index) {
                allocatedOld += (targets[guest.index] ?? guest.balloon) - guest.minimum
                sharesTotal += guest.shares
            }
            guard sharesTotal > 0 else { break }
            let allocatedNew = allocatedOld + rest
            var changes = 0.0
            for guest in guests where !done.contains(guest.index) {
                var desired = guest.minimum + allocatedNew / sharesTotal * guest.shares
                if desired > guest.maximum {
                    desired = guest.maximum
                    repeatRound = true
                } else if desired < guest.minimum {
                    desired = guest.minimum
                    repeatRound = true
                }
                let new: Double
                if bytes > 0 && desired > guest.balloon {
                    new = min(guest.balloon + maxChange, desired)
                } else if desired < guest.balloon {
                    new = max(guest.balloon - maxChange, desired)
                } else {
                    done.insert(guest.index)
                    continue
                }
                let previous = targets[guest.index] ?? guest.balloon
                if new != previous {
                    targets[guest.index] = new
                    changes += new - previous
                    progress = true
                }
            }
            rest -= changes
        }
        return rest
    }
}

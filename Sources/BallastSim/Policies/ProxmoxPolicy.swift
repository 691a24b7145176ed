import BallastCore

/// Proxmox VE's auto-ballooning, re-implemented rule by rule from its published
/// source (credit: Proxmox VE, AGPL-3.0; no code shared): `PVE/AutoBalloon.pm`
/// (`compute_alg1`) and `PVE/Service/pvestatd.pm` (`auto_ballooning`) of
/// github.com/proxmox/pve-manager at 14a22df, with the per-VM inputs of
/// `PVE::QemuServer::vmstatus` (github.com/proxmox/qemu-server at e6352be).
/// Each cycle:
/// - goal = target × host memory - host used (used = physical - MemAvailable);
///   within ±10 MiB nothing is done;
/// - taking part: every VM with a balloon and a minimum, except shares = 0;
///   under pressure: guest free memory (`free_mem`, the balloon's `unused`)
///   missing, 0, at most 25 % of the minimum, or balloon below the minimum;
/// - grow: the VMs under pressure first, all VMs if that moved nothing; shrink:
///   the others first, all if that moved nothing;
/// - in rounds, each VM not yet done is steered towards
///   minimum + trunc((Σ(balloon - minimum) + rest) / Σ shares × shares),
///   clamped to [minimum, configured], at most 100 MiB from its balloon; a VM
///   already at its desired value is done; another round runs after any change.
/// Memory only; CPU stays at its static entitlement.
public struct ProxmoxPolicy: ObservingPolicy {
    public let name = "proxmox"
    public var settings: ProxmoxSettings
    public var maxChange: Double = Double(UInt64.mebibytes(100))
    public var deadband: Double = Double(UInt64.mebibytes(10))
    /// A guard only: `compute_alg1` has no round limit; each round moves bytes,
    /// so this is never reached in practice.
    static let roundLimit = 1_000

    public init(settings: ProxmoxSettings = ProxmoxSettings()) {
        self.settings = settings
    }

    struct Guest {
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
        let goal = (physical * settings.targetUsage - used).rounded(.towardZero)
        var all: [Guest] = []
        var pressured: [Guest] = []
        var roomy: [Guest] = []
        for (index, vm) in snapshot.vms.enumerated() where vm.current.memory > 0 && vm.spec.memoryShares > 0 {
            let maximum = Double(vm.spec.ceiling.memory)
            let minimum = (maximum * settings.minimumFraction).rounded(.towardZero)
            guard minimum > 0 else { continue }
            let guest = Guest(index: index, balloon: Double(vm.current.memory), minimum: minimum,
                              maximum: maximum, shares: Double(vm.spec.memoryShares))
            all.append(guest)
            let free = Double(vm.memory.balloon?.unused ?? 0)
            if free > 0 && free > minimum * 0.25 && guest.balloon >= minimum {
                roomy.append(guest)
            } else {
                pressured.append(guest)
            }
        }
        var targets: [Int: Double] = [:]
        if goal > deadband {
            let rest = distribute(goal, over: pressured, targets: &targets)
            if rest >= goal { _ = distribute(rest, over: all, targets: &targets) }
        } else if goal < -deadband {
            let rest = distribute(goal, over: roomy, targets: &targets)
            if rest <= goal { _ = distribute(rest, over: all, targets: &targets) }
        }
        for (index, target) in targets {
            result[index].memory = UInt64(max(0, target))
        }
        return result
    }

    /// `compute_alg1`'s change function: moves up to `bytes` (negative: frees)
    /// across `guests` by shares; returns what could not be moved.
    func distribute(_ bytes: Double, over guests: [Guest], targets: inout [Int: Double]) -> Double {
        var rest = bytes
        var done = Set<Int>()
        var repeatRound = true
        var progress = true
        var rounds = 0
        while rest != 0 && repeatRound && progress && rounds < Self.roundLimit {
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
                var desired = guest.minimum + (allocatedNew / sharesTotal * guest.shares).rounded(.towardZero)
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
                if new != guest.balloon {
                    targets[guest.index] = new
                    if new != previous {
                        changes += new - previous
                        progress = true
                        repeatRound = true
                    }
                }
            }
            rest -= changes
        }
        return rest
    }
}

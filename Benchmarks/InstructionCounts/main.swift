import InstructionCounting
import Workloads

#if canImport(Glibc)
import Glibc
#endif

/// The guarded paths that need only BallastCore (the cheap check, part of `make test`).
func workloads() -> [CountedWorkload] { [
    CountedWorkload("tick-1000-vms") {
        let rig = TickRig(vms: 1_000)
        return (prepare: { rig.advance() }, step: { _ = rig.tick() })
    },
    CountedWorkload("tick-10000-vms") {
        let rig = TickRig(vms: 10_000, listing: .shuffled)
        return (prepare: { rig.advance() }, step: { _ = rig.tick() })
    },
    CountedWorkload("allocator-10000-vms") {
        let rig = AllocatorRig(vms: 10_000)
        return { _ = rig.allocate() }
    },
] }

// Built outside the main actor (top-level code is on it), so they run on the counter's own executor.
exit(InstructionCountDriver.main(workloads()))

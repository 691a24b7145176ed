import InstructionCounting
import MetricsWorkloads

#if canImport(Glibc)
import Glibc
#endif

/// The guarded paths that need BallastMetrics (and so SwiftNIO): the full check only.
func workloads() -> [CountedWorkload] { [
    CountedWorkload("render-metrics-1000-vms") {
        let rig = RenderRig(vms: 1_000)
        return { _ = rig.render() }
    },
] }

// Built outside the main actor (top-level code is on it), so they run on the counter's own executor.
exit(InstructionCountDriver.main(workloads()))

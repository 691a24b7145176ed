import DaemonWorkloads
import InstructionCounting

#if canImport(Glibc)
import Glibc
#endif

/// The guarded paths around the core (the engine actor, the plugin encoder, the
/// /metrics render), which need the daemon's libraries and SwiftNIO: the full check only.
func workloads() -> [CountedWorkload] { [
    CountedWorkload("engine-tick-10000-vms") {
        let rig = try await EngineRig(vms: 10_000)
        return (prepare: { rig.advance() }, step: { _ = try await rig.tick() })
    },
    CountedWorkload("encode-decide-1000-vms") {
        let rig = EncoderRig(vms: 1_000)
        return { _ = try rig.encode() }
    },
    CountedWorkload("render-metrics-1000-vms") {
        let rig = RenderRig(vms: 1_000)
        return { _ = rig.render() }
    },
] }

// Built outside the main actor (top-level code is on it), so they run on the counter's own executor.
exit(InstructionCountDriver.main(workloads()))

import BallastCore

/// Turns a domain's definition (its XML) into the `VMSpec` the balancer obeys.
///
/// Sources, lowest to highest priority: Ballast's defaults; the domain XML
/// (`<memory>` ceiling, `<vcpu>` maximum × 1000 as CPU ceiling,
/// `<cputune><shares>` weight, `<memtune><min_guarantee>` floor); Ballast's
/// metadata element. Metadata may lower a ceiling but never raise it above what
/// the domain can physically take; inconsistent bounds are clamped with a
/// warning. Config-file overrides are applied later by the daemon.
public enum DomainPolicy {
    public static func spec(_ definition: DomainDefinition, fallbackMemory: UInt64?, fallbackVCPUs: Int?)
        -> (spec: VMSpec, warnings: [String]) {
        var warnings: [String] = []
        let warn = { (text: String) in warnings.append("domain '\(definition.name)': \(text)") }
        let metadata = definition.metadata ?? BallastMetadata()

        let maxVCPUs = max(definition.maxVCPUs ?? fallbackVCPUs ?? 1, 1)
        let physicalMemory = definition.memory ?? fallbackMemory ?? 0
        var ceiling = ResourceVector(cpu: maxVCPUs * 1000, memory: physicalMemory)
        if let cpu = metadata.ceilingCPU {
            if cpu > ceiling.cpu { warn("Ballast metadata <ceiling cpu_millicores=\(cpu)> exceeds <vcpu> \(maxVCPUs) × 1000; using \(ceiling.cpu)") }
            ceiling.cpu = min(cpu, ceiling.cpu)
        }
        if let memory = metadata.ceilingMemory {
            if physicalMemory > 0, memory > physicalMemory {
                warn("Ballast metadata <ceiling memory_bytes=\(memory)> exceeds <memory> \(physicalMemory); using \(physicalMemory)")
            } else {
                ceiling.memory = memory
            }
        }
        var floor = ResourceVector(cpu: metadata.floorCPU ?? 0, memory: metadata.floorMemory ?? definition.minGuarantee ?? 0)
        if floor.cpu > ceiling.cpu {
            warn("floor CPU \(floor.cpu) m is above the ceiling \(ceiling.cpu) m; using the ceiling")
            floor.cpu = ceiling.cpu
        }
        if floor.memory > ceiling.memory {
            warn("memory floor \(floor.memory) B is above the ceiling \(ceiling.memory) B; using the ceiling")
            floor.memory = ceiling.memory
        }
        var reservation = ResourceVector(cpu: metadata.reservationCPU ?? 0, memory: metadata.reservationMemory ?? 0)
        if reservation.cpu > ceiling.cpu || reservation.memory > ceiling.memory {
            warn("Ballast metadata <reservation> is above the ceiling; clamped to it")
            reservation = ResourceVector(cpu: min(reservation.cpu, ceiling.cpu), memory: min(reservation.memory, ceiling.memory))
        }
        var vcpuMaximum = maxVCPUs
        if let wanted = metadata.maxVCPUs {
            if wanted > maxVCPUs { warn("Ballast metadata <vcpus max=\(wanted)> exceeds <vcpu> \(maxVCPUs); using \(maxVCPUs)") }
            vcpuMaximum = max(1, min(wanted, maxVCPUs))
        }
        var vcpuMinimum = metadata.minVCPUs ?? 1
        if vcpuMinimum < 1 || vcpuMinimum > vcpuMaximum {
            warn("Ballast metadata <vcpus min=\(vcpuMinimum)> is outside 1...\(vcpuMaximum); using 1")
            vcpuMinimum = 1
        }
        var spec = VMSpec(
            cpuShares: metadata.cpuShares ?? definition.cpuShares ?? .standard,
            memoryShares: metadata.memoryShares ?? VMSpec.defaultShares,
            reservation: reservation,
            cpuLimit: metadata.limitCPU,
            memoryLimit: metadata.limitMemory,
            floor: floor,
            ceiling: ceiling,
            minVCPUs: vcpuMinimum,
            maxVCPUs: vcpuMaximum,
            vcpuHotplug: definition.vcpuHotplug,
            optOut: metadata.optOut
        )
        spec.balloonDeflatesOnOOM = definition.hasBalloon ? definition.devices.balloonAutodeflate : nil
        spec.balloonFreePageReporting = definition.hasBalloon ? definition.devices.balloonFreePageReporting : nil
        spec.memoryMechanism = definition.virtioMem != nil ? .virtioMem : definition.hasBalloon ? .balloon : .unresizable
        return (spec, warnings)
    }
}

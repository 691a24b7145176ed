import BallastCore
import BallastMetrics

/// Why `ballast explain` cannot answer: the VM is not in the state document.
public struct ExplainError: Error, CustomStringConvertible {
    public var description: String
}

/// `ballast explain VM` in words: the signals, the estimate, the share the
/// policy chain proposed, the governor's clamps and the resulting change.
public enum Explanation {
    /// Finds a VM by exact name, full UUID or unique UUID prefix (at least 4 characters).
    public static func find(_ query: String, in state: StateDocument) throws -> VMDocument {
        if let byName = state.vms.first(where: { $0.name == query }) { return byName }
        let lowered = query.lowercased()
        if let byUUID = state.vms.first(where: { $0.uuid == lowered }) { return byUUID }
        let prefixed = lowered.count >= 4 ? state.vms.filter { $0.uuid.hasPrefix(lowered) } : []
        if prefixed.count == 1 { return prefixed[0] }
        let known = state.vms.prefix(10).map { HumanFormat.oneLine($0.name) }.joined(separator: ", ")
        if prefixed.count > 1 {
            throw ExplainError(description: "UUID prefix \(query) matches \(prefixed.count) VMs; give more of the UUID")
        }
        throw ExplainError(description: "no VM named or with UUID \(query) in the daemon's latest tick; "
            + (state.vms.isEmpty ? "it reports no VMs yet" : "known VMs include: \(known)")
            + " (see `ballast status`)")
    }

    /// The VM's host footprint beside its balloon, and what the host counts for it.
    static func hostMemory(_ held: UInt64, _ vm: VMDocument) -> String {
        let balloon = vm.current.memoryBytes
        let safety = vm.spec.balloonDeflatesOnOOM.map { $0 ? "; it can deflate its balloon on OOM" : "; no deflate-on-OOM safety net" } ?? ""
        if vm.spec.balloonFreePageReporting == true {
            return "On the host it holds \(HumanFormat.bytes(held)) of its \(HumanFormat.bytes(balloon)) balloon: it reports its "
                + "free pages to the host, so its growth room counts \(HumanFormat.bytes(min(held, balloon)))\(safety)."
        }
        return "On the host it holds \(HumanFormat.bytes(held)) (balloon \(HumanFormat.bytes(balloon)); without free page "
            + "reporting it is counted at its balloon)\(safety)."
    }

    /// The virtio-mem line: what the device was asked for and what the guest plugged.
    static func virtioMem(_ device: VirtioMemDocument) -> String {
        var line = "Its virtio-mem device has \(HumanFormat.bytes(device.pluggedBytes)) plugged of the "
            + "\(HumanFormat.bytes(device.requestedBytes)) asked for (device \(HumanFormat.bytes(device.sizeBytes)) in "
            + "\(HumanFormat.bytes(device.blockBytes)) blocks, on top of \(HumanFormat.bytes(device.bootMemoryBytes)) of boot memory)"
        if let unmet = device.unmetForSeconds {
            line += "; the guest has not met the request for \(Int(unmet)) s (no virtio_mem driver, or memory it cannot unplug)"
        }
        return line + "."
    }

    public static func render(_ vm: VMDocument, in state: StateDocument) -> String {
        var lines: [String] = []
        lines.append("VM \(HumanFormat.oneLine(vm.name)) (\(vm.uuid)), \(vm.runState), "
            + (vm.balanced ? "balanced by Ballast" : "not balanced (observed only)"))
        if let tick = state.tick { lines.append("As of tick \(tick).") }
        lines.append("Applied at the start of the tick: \(allocation(vm.current, in: state)).")
        if let held = vm.hostMemoryBytes { lines.append(hostMemory(held, vm)) }
        if let device = vm.virtioMem { lines.append(virtioMem(device)) }
        lines.append("Operator intent: CPU shares \(vm.spec.cpuShares), memory shares \(vm.spec.memoryShares), "
            + "floor \(resources(vm.spec.floor)), ceiling \(resources(vm.spec.ceiling))"
            + (vm.spec.reservation.cpuMillicores > 0 || vm.spec.reservation.memoryBytes > 0
                ? ", reservation \(resources(vm.spec.reservation))" : "")
            + (vm.spec.optOut ? ", opted out" : "") + ".")
        guard let estimate = vm.estimate else {
            lines.append("Ballast does not change this VM: it is \(vm.runState)\(vm.spec.optOut ? " and opted out" : "").")
            for note in vm.sampleNotes { lines.append("Sampling note: \(note)") }
            appendLastChange(vm, to: &lines)
            return lines.joined(separator: "\n")
        }
        if estimate.signals.isEmpty {
            lines.append("Signals: none reported.")
        } else {
            lines.append("Signals:")
            for signal in estimate.signals {
                lines.append("  - \(signal.name) = \(HumanFormat.signal(signal.value))"
                    + (signal.note.isEmpty ? "" : ": \(signal.note)"))
            }
        }
        var estimateLine = "Estimate: it needs \(HumanFormat.cores(estimate.demand.cpuMillicores)) cores of CPU and "
            + "\(HumanFormat.bytes(estimate.demand.memoryBytes)) of memory"
        if let used = estimate.guestUsedMemoryBytes {
            let climbing = estimate.guestUsedGrowthBytesPerSecond.map { ", climbing \(HumanFormat.bytes($0))/s" } ?? ""
            estimateLine += " (the guest reports \(HumanFormat.bytes(used)) in use\(climbing), "
                + "\(HumanFormat.percent(estimate.memoryActiveFraction)) active)"
        }
        estimateLine += ", confidence \(estimate.confidence.decimalText(places: 2))."
        lines.append(estimateLine)
        if let host = state.host {
            var hostLine = "Host: \(resources(host.guestCapacity)) for guests out of \(resources(host.capacity))"
            if let cpu = host.cpuPressureSomeAvg10 { hostLine += "; CPU pressure \(cpu.decimalText(places: 1)) %" }
            if let memory = host.memoryPressureSomeAvg10 {
                hostLine += "; memory pressure \(memory.decimalText(places: 1)) %"
            }
            lines.append(hostLine + (state.emergency ? "; the governor is in EMERGENCY mode." : "."))
        }
        if let proposed = vm.proposed {
            lines.append("Fair share: the policy chain proposed \(allocation(proposed.allocation, in: state)) "
                + "(last set by stage \"\(proposed.stage)\": \(proposed.reason)).")
        }
        if vm.clamps.isEmpty {
            lines.append("Governor: no clamps; the proposal stood as it was.")
        } else {
            lines.append("Governor clamps:")
            for clamp in vm.clamps { lines.append("  - \(clamp)") }
        }
        if let governed = vm.governed {
            if governed == vm.current {
                lines.append("Result: nothing to change; \(allocation(governed, in: state)) stays.")
            } else {
                lines.append("Result: the governor settled on \(allocation(governed, in: state)).")
            }
        }
        appendLastChange(vm, to: &lines)
        return lines.joined(separator: "\n")
    }

    private static func appendLastChange(_ vm: VMDocument, to lines: inout [String]) {
        guard let change = vm.lastChange else {
            lines.append("Last change: none since the daemon started.")
            return
        }
        var line = "Last change (tick \(change.tick)): \(change.kind) from "
            + "\(HumanFormat.changeValue(kind: change.kind, change.from)) to "
            + "\(HumanFormat.changeValue(kind: change.kind, change.to)), \(change.outcome)"
        if !change.detail.isEmpty { line += " (\(change.detail))" }
        lines.append(line + ", because: \(change.reason)")
    }

    private static func allocation(_ allocation: AllocationDocument, in state: StateDocument) -> String {
        let weight = state.cpuEnforcement == CPUEnforcement.weight.rawValue
            ? "weight \(allocation.cpuWeight) (its CPU share with every VM busy: \(HumanFormat.cores(state.shareMillicores(of: allocation))) cores)"
            : "weight \(allocation.cpuWeight)"
        return "\(HumanFormat.cores(allocation.cpuMillicores)) cores CPU quota, \(HumanFormat.bytes(allocation.memoryBytes)) "
            + "memory, \(allocation.vcpus) vCPUs, \(weight)"
    }

    private static func resources(_ resources: ResourcesDocument) -> String {
        "\(HumanFormat.cores(resources.cpuMillicores)) cores and \(HumanFormat.bytes(resources.memoryBytes))"
    }
}

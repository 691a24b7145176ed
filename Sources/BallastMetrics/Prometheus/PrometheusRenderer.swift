import BallastCore

/// Renders a `MetricsSnapshot` as Prometheus text exposition format 0.0.4.
///
/// Hand-written rather than built on swift-prometheus: that library renders
/// from its own long-lived registry of metric objects, while Ballast renders
/// from a per-tick snapshot whose VM series come and go with the VMs. Keeping a
/// registry in step (register, update, unregister per VM) would duplicate the
/// state the snapshot already holds; writing the text directly is short, exact
/// about escaping and units, and fast.
public enum PrometheusRenderer {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ snapshot: MetricsSnapshot) -> [UInt8] {
        var out = PrometheusText(reservingCapacity: 4096 + snapshot.vms.count * 1500)
        renderDaemon(snapshot, into: &out)
        if let host = snapshot.host { renderHost(host, into: &out) }
        renderVMs(snapshot.vms, into: &out)
        if !snapshot.virtioMem.isEmpty { renderVirtioMem(snapshot.vms, devices: snapshot.virtioMem, into: &out) }
        renderBackend(snapshot, into: &out)
        renderEvents(snapshot.events, into: &out)
        if let ksm = snapshot.ksm { renderKSM(ksm, into: &out) }
        return out.bytes
    }

    static func header(_ name: StaticString, _ type: StaticString, _ help: StaticString,
                               into out: inout PrometheusText) {
        out.append("# HELP ")
        out.append(name)
        out.append(" ")
        out.append(help)
        out.append("\n# TYPE ")
        out.append(name)
        out.append(" ")
        out.append(type)
        out.append("\n")
    }

    static func sample(_ name: StaticString, _ value: Double, into out: inout PrometheusText) {
        out.append(name)
        out.append(" ")
        out.appendDouble(value)
        out.append("\n")
    }

    private static func renderDaemon(_ snapshot: MetricsSnapshot, into out: inout PrometheusText) {
        header("ballast_build_info", "gauge", "Ballast build; the value is always 1.", into: &out)
        out.append("ballast_build_info{")
        out.appendLabel("version", snapshot.version)
        out.append("} 1\n")

        header("ballast_healthy", "gauge", "1 while ticks arrive on time, 0 when they stall (see /healthz).", into: &out)
        sample("ballast_healthy", snapshot.health.healthy ? 1 : 0, into: &out)

        header("ballast_ticks_total", "counter", "Ticks completed.", into: &out)
        sample("ballast_ticks_total", Double(snapshot.ticks), into: &out)
        header("ballast_late_ticks_total", "counter", "Ticks that started later than their interval.", into: &out)
        sample("ballast_late_ticks_total", Double(snapshot.lateTicks), into: &out)

        header("ballast_tick_duration_seconds", "histogram", "Wall time of one tick, sample to apply.", into: &out)
        histogram("ballast_tick_duration_seconds", snapshot.tickDuration, labelName: nil, labelValue: "", into: &out)

        header("ballast_stage_failures_total", "counter",
               "Policy stages skipped in a tick because they failed, by stage.", into: &out)
        for (stage, count) in snapshot.stageFailures.sorted(by: { $0.key < $1.key }) {
            out.append("ballast_stage_failures_total{")
            out.appendLabel("stage", stage)
            out.append("} ")
            out.appendInteger(count)
            out.append("\n")
        }

        if let heap = snapshot.heap {
            header("ballast_heap_bytes", "gauge",
                   "The daemon's C heap by its allocator: bytes in use, and bytes freed but kept for reuse.", into: &out)
            out.append("ballast_heap_bytes{state=\"in_use\"} ")
            out.appendInteger(heap.inUse)
            out.append("\nballast_heap_bytes{state=\"free\"} ")
            out.appendInteger(heap.freeKept)
            out.append("\n")
        }
    }

    private static func renderHost(_ host: HostSeries, into out: inout PrometheusText) {
        header("ballast_host_cpu_capacity_cores", "gauge", "Host CPUs online.", into: &out)
        out.append("ballast_host_cpu_capacity_cores ")
        out.appendMillicoresAsCores(host.capacity.cpu)
        out.append("\n")
        header("ballast_host_memory_capacity_bytes", "gauge", "Host physical memory.", into: &out)
        sampleInteger("ballast_host_memory_capacity_bytes", host.capacity.memory, into: &out)
        header("ballast_host_memory_available_bytes", "gauge", "Host memory still available (MemAvailable).", into: &out)
        sampleInteger("ballast_host_memory_available_bytes", host.memoryAvailable, into: &out)
        header("ballast_host_cpu_reserve_cores", "gauge", "CPU kept for the host, not given to guests.", into: &out)
        out.append("ballast_host_cpu_reserve_cores ")
        out.appendMillicoresAsCores(host.reserve.cpu)
        out.append("\n")
        header("ballast_host_memory_reserve_bytes", "gauge", "Memory kept for the host, not given to guests.", into: &out)
        sampleInteger("ballast_host_memory_reserve_bytes", host.reserve.memory, into: &out)

        header("ballast_host_pressure_ratio", "gauge",
               "Host pressure stall information, 10-second average, as a fraction of time.", into: &out)
        pressure("cpu", host.cpuPressure, into: &out)
        pressure("memory", host.memoryPressure, into: &out)

        header("ballast_host_overcommit_ratio", "gauge",
               "Sum of the VMs' configured maxima over host capacity, per resource.", into: &out)
        out.append("ballast_host_overcommit_ratio{resource=\"cpu\"} ")
        out.appendDouble(host.cpuOvercommit)
        out.append("\nballast_host_overcommit_ratio{resource=\"memory\"} ")
        out.appendDouble(host.memoryOvercommit)
        out.append("\n")

        header("ballast_governor_emergency", "gauge", "1 while the governor is in emergency mode (host memory critical).",
               into: &out)
        sample("ballast_governor_emergency", host.emergency ? 1 : 0, into: &out)

        header("ballast_vms", "gauge", "VMs present, by whether Ballast balances them.", into: &out)
        out.append("ballast_vms{state=\"balanced\"} ")
        out.appendInteger(host.balancedVMs)
        out.append("\nballast_vms{state=\"unbalanced\"} ")
        out.appendInteger(host.unbalancedVMs)
        out.append("\n")
    }

    private static func pressure(_ resource: StaticString, _ sample: PressureSample?, into out: inout PrometheusText) {
        guard let sample else { return }
        out.append("ballast_host_pressure_ratio{resource=\"")
        out.append(resource)
        out.append("\",kind=\"some\"} ")
        out.appendDouble(sample.someAvg10 / 100)
        out.append("\n")
        if let full = sample.fullAvg10 {
            out.append("ballast_host_pressure_ratio{resource=\"")
            out.append(resource)
            out.append("\",kind=\"full\"} ")
            out.appendDouble(full / 100)
            out.append("\n")
        }
    }

    static func sampleInteger(_ name: StaticString, _ value: UInt64, into out: inout PrometheusText) {
        out.append(name)
        out.append(" ")
        out.appendInteger(value)
        out.append("\n")
    }

    static func vmLine(_ name: StaticString, _ vm: VMSeries, into out: inout PrometheusText) {
        out.append(name)
        out.append("{")
        out.append(vm.labels)
        out.append("} ")
    }

    private static func renderVMs(_ vms: [VMSeries], into out: inout PrometheusText) {
        header("ballast_vm_cpu_demand_cores", "gauge", "Estimated CPU demand of a balanced VM.", into: &out)
        for vm in vms {
            guard let demand = vm.demand else { continue }
            vmLine("ballast_vm_cpu_demand_cores", vm, into: &out)
            out.appendMillicoresAsCores(demand.cpu)
            out.append("\n")
        }
        header("ballast_vm_memory_demand_bytes", "gauge", "Estimated memory demand of a balanced VM.", into: &out)
        for vm in vms {
            guard let demand = vm.demand else { continue }
            vmLine("ballast_vm_memory_demand_bytes", vm, into: &out)
            out.appendInteger(demand.memory)
            out.append("\n")
        }
        header("ballast_vm_cpu_allocation_cores", "gauge",
               "CPU entitlement the governor settled on this tick.", into: &out)
        for vm in vms {
            guard let allocation = vm.allocation else { continue }
            vmLine("ballast_vm_cpu_allocation_cores", vm, into: &out)
            out.appendMillicoresAsCores(allocation.cpu)
            out.append("\n")
        }
        header("ballast_vm_memory_allocation_bytes", "gauge",
               "Memory (balloon target) the governor settled on this tick.", into: &out)
        for vm in vms {
            guard let allocation = vm.allocation else { continue }
            vmLine("ballast_vm_memory_allocation_bytes", vm, into: &out)
            out.appendInteger(allocation.memory)
            out.append("\n")
        }
        header("ballast_vm_memory_floor_bytes", "gauge",
               "Configured memory floor of a balanced VM (0: none); the governor never sets the balloon below it.",
               into: &out)
        for vm in vms {
            guard let floor = vm.memoryFloor else { continue }
            vmLine("ballast_vm_memory_floor_bytes", vm, into: &out)
            out.appendInteger(floor)
            out.append("\n")
        }
        header("ballast_vm_host_memory_bytes", "gauge",
               "What the VM holds in host memory (its machine cgroup without page cache), beside its balloon; absent where unknown.",
               into: &out)
        for vm in vms {
            guard let held = vm.hostFootprint else { continue }
            vmLine("ballast_vm_host_memory_bytes", vm, into: &out)
            out.appendInteger(held)
            out.append("\n")
        }
        header("ballast_vm_balloon_deflate_on_oom", "gauge",
               "1 when the guest can take memory back from its balloon before its OOM killer runs (autodeflate), 0 when it has no such safety net; absent where unknown.",
               into: &out)
        for vm in vms {
            guard let deflates = vm.deflatesOnOOM else { continue }
            vmLine("ballast_vm_balloon_deflate_on_oom", vm, into: &out)
            out.append(deflates ? "1\n" : "0\n")
        }
        header("ballast_vm_estimate_confidence", "gauge", "Confidence of the demand estimate, 0 to 1.", into: &out)
        for vm in vms {
            guard let confidence = vm.confidence else { continue }
            vmLine("ballast_vm_estimate_confidence", vm, into: &out)
            out.appendDouble(confidence)
            out.append("\n")
        }
        header("ballast_vm_balanced", "gauge", "1 if Ballast balances the VM, 0 if it only observes it.", into: &out)
        for vm in vms {
            vmLine("ballast_vm_balanced", vm, into: &out)
            out.append(vm.demand == nil ? "0\n" : "1\n")
        }
        header("ballast_vm_balloon_bytes", "gauge", "Current balloon size (memory the guest can use).", into: &out)
        for vm in vms {
            vmLine("ballast_vm_balloon_bytes", vm, into: &out)
            out.appendInteger(vm.current.memory)
            out.append("\n")
        }
        header("ballast_vm_vcpus", "gauge", "Online vCPUs.", into: &out)
        for vm in vms {
            vmLine("ballast_vm_vcpus", vm, into: &out)
            out.appendInteger(vm.current.vcpus)
            out.append("\n")
        }
        header("ballast_vm_cpu_weight", "gauge", "CFS weight (libvirt cpu_shares).", into: &out)
        for vm in vms {
            vmLine("ballast_vm_cpu_weight", vm, into: &out)
            out.appendInteger(UInt64(vm.current.cpuWeight.value))
            out.append("\n")
        }
        header("ballast_vm_cpu_quota_cores", "gauge", "CPU bandwidth cap currently applied.", into: &out)
        for vm in vms {
            vmLine("ballast_vm_cpu_quota_cores", vm, into: &out)
            out.appendMillicoresAsCores(vm.current.cpu)
            out.append("\n")
        }
        header("ballast_vm_changes_total", "counter", "Changes decided for a VM, by kind and outcome.", into: &out)
        for vm in vms where !vm.changes.isZero {
            for (kind, kindLabel) in changeKindLabels {
                for (outcomeIndex, outcomeLabel) in changeOutcomeLabels.enumerated() {
                    let count = vm.changes.value(kind, outcomeIndex: outcomeIndex)
                    guard count > 0 else { continue }
                    out.append("ballast_vm_changes_total{")
                    out.append(vm.labels)
                    out.append(kindLabel)
                    out.append(outcomeLabel)
                    out.appendInteger(count)
                    out.append("\n")
                }
            }
        }
    }

    /// `,kind="..."` per change kind, built once rather than per sample.
    private static let changeKindLabels: [(ChangeKind, [UInt8])] = ChangeKind.allCases.map { kind in
        (kind, Array(",kind=\"\(kind.rawValue)\"".utf8))
    }

    /// `,outcome="..."} ` per outcome, in `ChangeCounts.outcomes` order.
    private static let changeOutcomeLabels: [[UInt8]] = ChangeCounts.outcomes.map { Array(",outcome=\"\($0)\"} ".utf8) }

    private static func renderBackend(_ snapshot: MetricsSnapshot, into out: inout PrometheusText) {
        if let backend = snapshot.backend {
            header("ballast_backend_info", "gauge",
                   "Always 1: the balanced hypervisor (backend libvirt or sim; sim touches no real VM) and its URI.",
                   into: &out)
            out.append("ballast_backend_info{")
            out.appendLabel("backend", backend.kind.rawValue)
            out.append(",")
            out.appendLabel("uri", backend.uri)
            out.append("} 1\n")
        }
        if let up = snapshot.backendUp {
            header("ballast_backend_up", "gauge",
                   "1 while the backend answers (the last tick sampled it and no connection loss is reported).",
                   into: &out)
            sample("ballast_backend_up", up ? 1 : 0, into: &out)
        }
    }

    private static func renderEvents(_ events: EventTallies, into out: inout PrometheusText) {
        labelledCounter("ballast_backend_errors_total", "Backend operations that failed, by operation.",
                        label: "operation", events.backendErrors, into: &out)
        labelledCounter("ballast_urgent_ticks_total",
                        "Ticks run outside the interval, by cause (a tick serving two causes counts under both).",
                        label: "cause", events.urgentTicks, into: &out)
        labelledCounter("ballast_urgent_tick_requests_total",
                        "Requests for an urgent tick, by cause, before they are coalesced to the urgent-tick rate.",
                        label: "cause", events.urgentTickRequests, into: &out)

        header("ballast_plugin_requests_total", "counter", "Plugin requests by plugin and outcome.", into: &out)
        for (key, count) in events.pluginRequests.sorted(by: { $0.key < $1.key }) {
            out.append("ballast_plugin_requests_total{")
            out.appendLabel("plugin", key.plugin)
            out.append(",")
            out.appendLabel("outcome", key.outcome)
            out.append("} ")
            out.appendInteger(count)
            out.append("\n")
        }
        header("ballast_plugin_request_duration_seconds", "histogram", "Plugin request latency, by plugin.", into: &out)
        for (plugin, latency) in events.pluginLatency.sorted(by: { $0.key < $1.key }) {
            histogram("ballast_plugin_request_duration_seconds", latency, labelName: "plugin", labelValue: plugin,
                      into: &out)
        }
        labelledCounter("ballast_plugin_restarts_total", "Plugin process restarts, by plugin.",
                        label: "plugin", events.pluginRestarts, into: &out)
        labelledCounter("ballast_plugin_quarantines_total", "Plugins put in quarantine after repeated failures.",
                        label: "plugin", events.pluginQuarantines, into: &out)
        header("ballast_plugin_quarantined", "gauge",
               "1 while a plugin is in quarantine (skipped every tick until its quarantine ends), else 0.", into: &out)
        for (plugin, quarantined) in events.pluginQuarantined.sorted(by: { $0.key < $1.key }) {
            out.append("ballast_plugin_quarantined{")
            out.appendLabel("plugin", plugin)
            out.append(quarantined ? "} 1\n" : "} 0\n")
        }
    }

    private static func labelledCounter(_ name: StaticString, _ help: StaticString, label: StaticString,
                                        _ values: [String: UInt64], into out: inout PrometheusText) {
        header(name, "counter", help, into: &out)
        for (value, count) in values.sorted(by: { $0.key < $1.key }) {
            out.append(name)
            out.append("{")
            out.appendLabel(label, value)
            out.append("} ")
            out.appendInteger(count)
            out.append("\n")
        }
    }

    private static func histogram(_ name: StaticString, _ histogram: Histogram, labelName: StaticString?,
                                  labelValue: String, into out: inout PrometheusText) {
        let cumulative = histogram.cumulativeCounts()
        for (index, count) in cumulative.enumerated() {
            out.append(name)
            out.append("_bucket{")
            if let labelName {
                out.appendLabel(labelName, labelValue)
                out.append(",")
            }
            out.append("le=\"")
            if index < histogram.bounds.count {
                out.appendDouble(histogram.bounds[index])
            } else {
                out.append("+Inf")
            }
            out.append("\"} ")
            out.appendInteger(count)
            out.append("\n")
        }
        for (suffix, isSum) in [("_sum", true), ("_count", false)] {
            out.append(name)
            out.append(Array(suffix.utf8))
            if let labelName {
                out.append("{")
                out.appendLabel(labelName, labelValue)
                out.append("}")
            }
            out.append(" ")
            if isSum { out.appendDouble(histogram.sum) } else { out.appendInteger(histogram.count) }
            out.append("\n")
        }
    }
}

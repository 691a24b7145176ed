import BallastCore
import BallastMetrics

/// The table `ballast status` prints: one row per VM from `/v1/state`, with
/// a header line about the host and health.
public enum StatusTable {
    public static func render(_ state: StateDocument) -> String {
        var lines: [String] = []
        if let backend = state.backend {
            lines.append(backend.simulated ? "\(BackendIdentity.simulatedBanner) (\(backend.uri))"
                                           : "backend: \(backend.kind) \(backend.uri)")
        }
        let health = state.health.healthy ? "healthy" : "UNHEALTHY: \(state.health.reason)"
        if let tick = state.tick, let host = state.host {
            lines.append("ballast \(state.version), tick \(tick), \(health)\(state.emergency ? ", EMERGENCY MODE" : "")")
            lines.append("host: \(HumanFormat.cores(host.capacity.cpuMillicores)) cores, "
                + "\(HumanFormat.bytes(host.capacity.memoryBytes)) memory, "
                + "\(HumanFormat.bytes(host.memoryAvailableBytes)) available; overcommit CPU "
                + "\(host.cpuOvercommit.decimalText(places: 2))x, memory \(host.memoryOvercommit.decimalText(places: 2))x")
            switch state.cpuEnforcement {
            case CPUEnforcement.weight.rawValue?: lines.append("cpu shares are weights: idle cores go to whoever wants them")
            case CPUEnforcement.quota.rawValue?: lines.append("cpu shares are quotas: no VM runs above its share")
            default: break
            }
        } else {
            lines.append("ballast \(state.version), no tick yet, \(health)")
        }
        let header = ["NAME", "UUID", "BAL", "CPU DEM", "CPU SHARE", "MEM DEM", "MEM ALLOC", "BALLOON", "VCPU",
                      "WEIGHT", "CONF", "LAST CHANGE"]
        var rows: [[String]] = [header]
        for vm in state.vms {
            let last = vm.lastChange.map {
                "\($0.kind) \(HumanFormat.changeValue(kind: $0.kind, $0.from)) -> "
                    + "\(HumanFormat.changeValue(kind: $0.kind, $0.to)) (\($0.outcome))"
            } ?? "-"
            rows.append([
                HumanFormat.oneLine(vm.name),
                String(vm.uuid.prefix(8)),
                vm.balanced ? "yes" : "no",
                vm.estimate.map { HumanFormat.cores($0.demand.cpuMillicores) } ?? "-",
                vm.governed.map { HumanFormat.cores(state.shareMillicores(of: $0)) } ?? "-",
                vm.estimate.map { HumanFormat.bytes($0.demand.memoryBytes) } ?? "-",
                vm.governed.map { HumanFormat.bytes($0.memoryBytes) } ?? "-",
                HumanFormat.bytes(vm.current.memoryBytes),
                String(vm.current.vcpus),
                String(vm.current.cpuWeight),
                vm.estimate.map { $0.confidence.decimalText(places: 2) } ?? "-",
                last,
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padded(toWidth: widths[column])
            }
            lines.append(cells.joined(separator: "  "))
        }
        if state.vms.isEmpty { lines.append("(no VMs)") }
        return lines.joined(separator: "\n")
    }
}

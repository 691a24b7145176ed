import BallastCore
import BallastLogging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The compact live view `ballast run` prints: one row per VM with demand,
/// allocation and the last change with its reason. On a terminal it redraws
/// in place; otherwise it prints one table per tick (for logs and CI).
public final class LiveTable: TickObserver {
    private let redraw: Bool
    private let write: @Sendable (String) -> Void
    private let lastChanges = Mutex<[VMID: String]>([:])

    public init(redraw: Bool = isatty(STDOUT_FILENO) == 1, write: @escaping @Sendable (String) -> Void = { print($0, terminator: "") }) {
        self.redraw = redraw
        self.write = write
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        let remembered = lastChanges.withLock { changes -> [VMID: String] in
            for applied in report.applied {
                changes[applied.change.vm] = DecisionLog.message(for: applied)
            }
            let present = Set(report.snapshot.vms.map(\.id))
            changes = changes.filter { present.contains($0.key) }
            return changes
        }
        write(render(report, lastChanges: remembered, seconds: seconds))
    }

    public func tickFailed(_ error: any Error) async {
        write("tick failed: \(error)\n")
    }

    func render(_ report: TickReport, lastChanges: [VMID: String], seconds: Double) -> String {
        let snapshot = report.snapshot
        var out = redraw ? "\u{1B}[H\u{1B}[2J" : ""
        let capacity = snapshot.guestCapacity
        out += "tick \(snapshot.tick)  t=\(Int(snapshot.time))s  guests may use \(CPUUnits.describe(capacity.cpu)), "
        out += "\(ByteUnits.describe(capacity.memory))  host free \(ByteUnits.describe(snapshot.host.memoryAvailable))"
        out += report.decision.emergency ? "  EMERGENCY" : ""
        out += "  (\((seconds * 1000).decimalText(places: 1)) ms)\n"
        let header = [pad("VM", 18), pad("CPU demand", 11), pad("CPU alloc", 11), pad("mem demand", 11),
                      pad("mem alloc", 11), pad("conf", 5), "last change"]
        out += header.joined(separator: " ") + "\n"
        for (vm, governed) in zip(snapshot.vms, report.decision.vms) {
            let row = [
                pad(vm.name, 18),
                pad(CPUUnits.describe(vm.estimate.demand.cpu).replacing(" cores", with: "c"), 11),
                pad(CPUUnits.describe(governed.final.cpu).replacing(" cores", with: "c"), 11),
                pad(ByteUnits.describe(vm.estimate.demand.memory), 11),
                pad(ByteUnits.describe(governed.final.memory), 11),
                pad(vm.estimate.confidence.decimalText(places: 2), 5),
                lastChanges[vm.id] ?? "-",
            ]
            out += row.joined(separator: " ") + "\n"
        }
        for vm in report.unbalanced {
            out += pad(vm.name, 18) + " not balanced (\(vm.spec.optOut ? "opted out" : vm.state.rawValue))\n"
        }
        return out
    }

    /// Pads or truncates to a column width, counting characters (not bytes) and
    /// replacing control characters so a hostile VM name cannot break the table.
    private func pad(_ text: String, _ width: Int) -> String {
        let clean = String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? "?" : $0 })
        if clean.count > width { return String(clean.prefix(width - 1)) + "…" }
        return clean + String(repeating: " ", count: width - clean.count)
    }
}

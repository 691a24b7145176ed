import BallastCore
import BallastLogging

/// What the live dashboard shows, kept from tick to tick: the last tick's table and
/// the most recent decisions with their reasons. Plain values (cells already
/// formatted), so a frame is a pure function of this state and the terminal's size
/// (`DashboardFrame`).
public struct DashboardState: Sendable, Hashable {
    /// One VM's row of the table.
    public struct Row: Sendable, Hashable {
        public var name: String
        public var cpuDemand: String
        /// The VM's CPU share (its weight or its quota, `CPUEnforcement`).
        public var cpuShare: String
        public var memoryDemand: String
        public var memoryAllocation: String
        public var confidence: String
        public var lastChange: String
    }

    /// One change as the decision log words it, and the tick it was decided in.
    public struct Decision: Sendable, Hashable {
        public var tick: UInt64
        public var text: String
    }

    /// The line above the table: the tick, the host and how long the tick took.
    public struct TickSummary: Sendable, Hashable {
        public var tick: UInt64
        public var text: String
    }

    /// How many decisions are kept: more than any terminal shows.
    public static let keptDecisions = 200

    public var backend: BackendIdentity
    /// Where the log lines go, in words ("off", or the log file's path).
    public var logs: String
    /// The endpoint's address once it listens.
    public var endpoint: String?
    public var tick: TickSummary?
    public var rows: [Row] = []
    /// Oldest first.
    public var decisions: [Decision] = []
    /// The last warning or error logged, if any.
    public var lastWarning: String?
    /// Why the last tick failed, until one succeeds again.
    public var tickFailure: String?
    private var lastChanges: [VMID: String] = [:]

    public init(backend: BackendIdentity, logs: String) {
        self.backend = backend
        self.logs = logs
    }

    /// Takes in a completed tick: its table, and its changes as the newest decisions.
    public mutating func record(_ report: TickReport, seconds: Double) {
        let snapshot = report.snapshot
        tickFailure = nil
        for applied in report.applied {
            lastChanges[applied.change.vm] = DecisionLog.summary(of: applied)
            decisions.append(Decision(tick: snapshot.tick, text: DecisionLog.message(for: applied)))
        }
        decisions.removeFirst(max(0, decisions.count - Self.keptDecisions))
        let present = Set(snapshot.vms.map(\.id))
        lastChanges = lastChanges.filter { present.contains($0.key) }

        let capacity = snapshot.guestCapacity
        var line = "tick \(snapshot.tick)  t=\(Int(snapshot.time))s  guests may use \(cores(capacity.cpu)), "
            + "\(ByteUnits.describe(capacity.memory))  host free \(ByteUnits.describe(snapshot.host.memoryAvailable))  "
            + "tick took \((seconds * 1000).decimalText(places: 1)) ms"
        if report.decision.emergency { line += "  EMERGENCY: host memory ran out" }
        tick = TickSummary(tick: snapshot.tick, text: line)

        rows = zip(snapshot.vms, report.decision.vms).map { vm, governed in
            Row(name: vm.name, cpuDemand: cores(vm.estimate.demand.cpu),
                cpuShare: cores(governed.final.cpuShare(under: snapshot.cpuEnforcement)),
                memoryDemand: ByteUnits.describe(vm.estimate.demand.memory),
                memoryAllocation: ByteUnits.describe(governed.final.memory),
                confidence: vm.estimate.confidence.decimalText(places: 2), lastChange: lastChanges[vm.id] ?? "-")
        }
        rows += report.unbalanced.map { vm in
            Row(name: vm.name, cpuDemand: "-", cpuShare: "-", memoryDemand: "-", memoryAllocation: "-",
                confidence: "-", lastChange: "not balanced (\(vm.spec.optOut ? "opted out" : vm.state.rawValue))")
        }
    }

    /// A tick that could not run; shown until the next one succeeds.
    public mutating func recordFailure(_ message: String) {
        tickFailure = message
    }

    private func cores(_ millicores: Int) -> String {
        HumanFormat.cores(millicores) + "c"
    }
}

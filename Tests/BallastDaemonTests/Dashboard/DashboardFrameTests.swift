import BallastCore
@testable import BallastDaemon
import BallastTestFixtures
import Testing

/// The dashboard's frame as a pure function of its state and the terminal's size.
@Suite("Dashboard frame")
struct DashboardFrameTests {
    static let simulated = BackendIdentity(kind: .sim, uri: "scenario:demo")

    /// A state after `ticks` ticks of `count` VMs (awkward names first) and `unbalanced` stopped ones.
    static func state(ticks: UInt64 = 3, count: Int = 8, unbalanced: Int = 2) -> DashboardState {
        var state = DashboardState(backend: simulated, logs: "/var/log/ballast.log")
        state.endpoint = "127.0.0.1:9477"
        for tick in 1...ticks {
            state.record(Fixtures.report(tick: tick, count: count, names: Fixtures.awkwardNames, unbalanced: unbalanced),
                         seconds: 0.0012)
        }
        return state
    }

    /// The table: its header's cells and every row's, split where columns are (two or more spaces).
    static func table(_ frame: [String]) throws -> (header: [Substring], rows: [[Substring]]) {
        let start = try #require(frame.firstIndex { $0.hasPrefix("VM ") }, "no table header in \(frame)")
        let cells = { (line: String) in line.split(separator: #/ {2,}/#) }
        let rows = frame[(start + 1)...].prefix { !$0.isEmpty && !$0.hasPrefix("… ") }.map(cells)
        return (cells(frame[start]), rows)
    }

    static let sizes = [TerminalSize(columns: 200, rows: 60), TerminalSize(columns: 100, rows: 30),
                        TerminalSize(columns: 80, rows: 24), TerminalSize(columns: 70, rows: 12),
                        DashboardFrame.minimumSize]

    @Test(arguments: sizes)
    func everyRowHasTheHeadersColumnsAndEveryLineFits(size: TerminalSize) throws {
        let frame = DashboardFrame.render(Self.state(), size: size)
        #expect(frame.count <= size.rows)
        for line in frame {
            #expect(TerminalText.width(line) <= size.columns, "\(size): too wide: \(line)")
            #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(line)")
        }
        let table = try Self.table(frame)
        #expect(!table.rows.isEmpty)
        for row in table.rows {
            #expect(row.count == table.header.count, "\(size): \(row) against \(table.header)")
        }
    }

    @Test func theTableHasEveryVMAndTheDecisionsFollowNewestFirst() throws {
        let frame = DashboardFrame.render(Self.state(), size: TerminalSize(columns: 160, rows: 50))
        let table = try Self.table(frame)
        #expect(table.header.map(String.init) == ["VM", "CPU demand", "CPU share", "mem demand", "mem alloc", "conf",
                                                  "last change"])
        #expect(table.rows.count == 10)
        #expect(table.rows[4].first == "vm-4")
        #expect(table.rows[4].last == "memory 2.00 GiB -> 1.80 GiB failed")
        #expect(table.rows[9].last == "not balanced (shutoff)")
        let title = try #require(frame.firstIndex(of: "last decisions (newest first)"))
        let decisions = frame[(title + 1)...].filter { $0.hasPrefix("tick ") }
        #expect(decisions.first?.hasPrefix("tick 3  vm-7: memory 2.00 GiB -> 1.80 GiB applied: memory above") == true)
        #expect(decisions.count == 24, "every decision of the three ticks fits: \(decisions)")
        #expect(decisions.last?.hasPrefix("tick 1  web \"front\": memory") == true)
    }

    @Test func aLongReasonWrapsUnderItsTickWithinTheWidth() throws {
        var state = Self.state(ticks: 1, count: 1, unbalanced: 0)
        let long = String(repeating: "host memory 138% committed ", count: 8)
        state.decisions = [DashboardState.Decision(tick: 7, text: "web-day: memory 2.4 GiB -> 2.3 GiB applied: " + long)]
        let frame = DashboardFrame.render(state, size: TerminalSize(columns: 80, rows: 24))
        let title = try #require(frame.firstIndex(of: "last decisions (newest first)"))
        let area = Array(frame[(title + 1)...])
        #expect(area.first?.hasPrefix("tick 7  web-day: memory") == true)
        #expect(area.count > 2)
        #expect(area.dropFirst().allSatisfy { $0.hasPrefix("    ") })
        #expect(area.allSatisfy { TerminalText.width($0) <= 80 })
    }

    @Test func moreVMsThanRowsAreCountedNotSpilled() throws {
        let size = TerminalSize(columns: 100, rows: 20)
        let frame = DashboardFrame.render(Self.state(count: 40, unbalanced: 0), size: size)
        #expect(frame.count == size.rows)
        let more = try #require(frame.first { $0.hasPrefix("… ") })
        let shown = try Self.table(frame).rows.count
        #expect(more.hasPrefix("… \(40 - shown) more VMs"))
        #expect(frame.contains("last decisions (newest first)"))
    }

    @Test(arguments: [TerminalSize(columns: 50, rows: 30), TerminalSize(columns: 120, rows: 8),
                      TerminalSize(columns: 12, rows: 3), TerminalSize(columns: 1, rows: 1)])
    func aTerminalTooSmallSaysSoInsteadOfGarbling(size: TerminalSize) {
        let frame = DashboardFrame.render(Self.state(), size: size)
        #expect(frame.count <= size.rows)
        #expect(frame.allSatisfy { TerminalText.width($0) <= size.columns })
        #expect(!frame.contains { $0.hasPrefix("VM ") })
        if size.columns >= 40 {
            #expect(frame.joined(separator: " ").contains("terminal too small for the dashboard: \(size), it needs at "
                + "least \(DashboardFrame.minimumSize)"))
        }
    }

    @Test func aNarrowTerminalDropsTheLastChangeColumnButKeepsEveryRowWhole() throws {
        let frame = DashboardFrame.render(Self.state(), size: DashboardFrame.minimumSize)
        let table = try Self.table(frame)
        #expect(table.header.count == 6)
        #expect(table.rows.allSatisfy { $0.count == 6 })
    }

    @Test func theTopSaysWhatIsBalancedWhereTheLogsGoAndTheEndpoint() {
        let simulated = DashboardFrame.render(Self.state(), size: TerminalSize(columns: 120, rows: 30))
        #expect(simulated[0] == "ballast  SIMULATED HOST: no real VM is touched (scenario:demo)")
        #expect(simulated[1].hasPrefix("tick 3  t=6s  guests may use 15.00c, 60.0 GiB  host free 20.0 GiB"))
        #expect(simulated[2] == "logs: /var/log/ballast.log  endpoint: http://127.0.0.1:9477  Ctrl-C stops")

        var waiting = DashboardState(backend: BackendIdentity(kind: .libvirt, uri: "qemu:///system"), logs: "off")
        waiting.lastWarning = "ticks paused: the backend cannot be sampled"
        let frame = DashboardFrame.render(waiting, size: TerminalSize(columns: 100, rows: 20))
        #expect(frame[0] == "ballast  balancing libvirt guests at qemu:///system")
        #expect(frame[1] == "waiting for the first tick…")
        #expect(frame[3] == "last warning: ticks paused: the backend cannot be sampled")
        #expect(frame.contains("(no VMs on this host)"))
        #expect(frame.last == "none yet")
    }

    @Test func aFailedTickIsShownUntilTheNextOneSucceeds() {
        var state = Self.state(ticks: 1)
        state.recordFailure("host unreachable")
        let size = TerminalSize(columns: 100, rows: 30)
        #expect(DashboardFrame.render(state, size: size)[1] == "tick failed: host unreachable")
        state.record(Fixtures.report(tick: 2, count: 2), seconds: 0.001)
        #expect(DashboardFrame.render(state, size: size)[1].hasPrefix("tick 2 "))
    }

    @Test func escapeSequencesInNamesNeverReachTheScreen() {
        var state = DashboardState(backend: Self.simulated, logs: "off")
        state.record(Fixtures.report(count: 2, names: ["evil\u{1B}[2J\u{9B}31m\u{202E}name", "ok"]), seconds: 0.001)
        let frame = DashboardFrame.render(state, size: TerminalSize(columns: 100, rows: 24))
        #expect(frame.allSatisfy { line in !line.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B } })
        #expect(frame.contains { $0.hasPrefix("evil?[2J?31m?name ") })
    }

    @Test func decisionsAreKeptUpToALimit() {
        var state = DashboardState(backend: Self.simulated, logs: "off")
        for tick in 1...60 { state.record(Fixtures.report(tick: UInt64(tick), count: 5), seconds: 0.001) }
        #expect(state.decisions.count == DashboardState.keptDecisions)
        #expect(state.decisions.last?.tick == 60)
    }
}

import BallastCore
import Dispatch

/// Runs a plugin through the protocol's edge cases and reports every way it
/// departs from plugins/PROTOCOL.md: the handshake (including its
/// `snapshot.vm_fields` declaration; an unknown field is a violation naming
/// it), `decide` with no VMs,
/// 1,000 VMs, awkward names and a VM without balloon statistics (each answer
/// checked entry by entry as the supervisor would), an `observe`
/// notification (which must not be answered), version negotiation with only
/// an unknown version offered, `shutdown`, and exit on stdin EOF. Every
/// `decide` carries only the VM fields the plugin declared, as Ballast sends them.
public struct ConformanceChecker: Sendable {
    public var command: [String]
    public var workingDirectory: String?
    /// Per-request deadline while checking; generous, since latency is measured separately.
    public var deadline: Double
    /// How many 1,000-VM `decide` requests are timed.
    public var samples: Int
    public var options: JSONValue
    /// VMs in the large case.
    public var largeCase: Int

    public init(command: [String], workingDirectory: String? = nil, deadline: Double = 2, samples: Int = 30,
                options: JSONValue = .object([:]), largeCase: Int = 1000) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.deadline = deadline
        self.samples = samples
        self.options = options
        self.largeCase = largeCase
    }

    private var configuration: PluginConfiguration {
        PluginConfiguration(name: "check", command: command, workingDirectory: workingDirectory,
                            environment: ["PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH"],
                            deadline: deadline, handshakeTimeout: 10, options: options)
    }

    public func run() async -> ConformanceReport {
        var report = ConformanceReport(violations: [], vms: largeCase, plugin: nil, answers: [])
        let events = DiscardingEventSink()
        let launched: LaunchedPlugin
        do {
            launched = try await PluginLauncher.launch(configuration, events: events)
        } catch {
            report.violations.append("handshake: \(PluginError.from(error, plugin: "check"))")
            return report
        }
        report.plugin = launched.handshake
        if !launched.handshake.decides && !launched.handshake.observes {
            report.violations.append("handshake: capabilities name neither decide nor observe")
        }
        if launched.handshake.decides {
            await checkDecides(launched.connection, handshake: launched.handshake, into: &report)
        }
        await checkShutdown(launched.connection, into: &report)
        await checkVersionNegotiation(into: &report)
        return report
    }

    /// The `decide` cases, each request carrying only the VM fields the plugin declared, in its declared layout.
    private func checkDecides(_ connection: PluginConnection, handshake: PluginHandshake, into report: inout ConformanceReport) async {
        let cases: [(String, TickSnapshot)] = [
            ("no VMs", SyntheticSnapshot.make(vms: 0)),
            ("awkward names", SyntheticSnapshot.make(vms: SyntheticSnapshot.awkwardNames.count, awkwardNames: true)),
            ("VM without balloon statistics", SyntheticSnapshot.make(vms: 3, withoutBalloonStats: [1])),
            ("\(largeCase) VMs", SyntheticSnapshot.make(vms: largeCase)),
        ]
        for (label, snapshot) in cases {
            _ = await decide(connection, snapshot, handshake: handshake, label: label, into: &report)
        }
        connection.notify(PluginProtocol.observe, params: MessageEncoder.observeParams(tick: 1, applied: [
            AppliedChange(change: Change(vm: VMID(SyntheticSnapshot.uuid(0)), vmName: "vm-0",
                                         .memory(from: 1 << 30, to: 1 << 29), reason: "conformance"), outcome: .applied),
        ]))
        let large = SyntheticSnapshot.make(vms: largeCase, tick: 2)
        var timings: [Double] = []
        for _ in 0..<max(1, samples) {
            guard let seconds = await decide(connection, large, handshake: handshake, label: "\(largeCase) VMs (timed)", into: &report) else { break }
            timings.append(seconds * 1000)
        }
        timings.sort()
        if !timings.isEmpty {
            report.latencyP50Milliseconds = percentile(timings, 0.50)
            report.latencyP99Milliseconds = percentile(timings, 0.99)
        }
    }

    /// One decide; returns its round-trip seconds when the answer was fully valid.
    private func decide(_ connection: PluginConnection, _ snapshot: TickSnapshot, handshake: PluginHandshake, label: String,
                        into report: inout ConformanceReport) async -> Double? {
        let previous = Proposal.keepCurrent(snapshot)
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let params = try MessageEncoder.decideParams(snapshot, previous: previous, vmFields: handshake.vmFields,
                                                         layout: handshake.layout)
            let result = try await connection.request(PluginProtocol.decide, params: params, timeout: deadline)
            switch AnswerValidator.validate(result, snapshot: snapshot) {
            case .failure(let malformed):
                report.violations.append("decide (\(label)): \(malformed.detail)")
                return nil
            case .success(let answer):
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                if report.answers.count < 16 { report.answers.append(result) }
                for rejection in answer.rejected.prefix(5) {
                    report.violations.append("decide (\(label)): \(rejection)")
                }
                if answer.rejected.count > 5 {
                    report.violations.append("decide (\(label)): \(answer.rejected.count - 5) more refused entries")
                }
                return answer.rejected.isEmpty ? seconds : nil
            }
        } catch {
            report.violations.append("decide (\(label)): \(PluginError.from(error, plugin: "check"))")
            return nil
        }
    }

    private func checkShutdown(_ connection: PluginConnection, into report: inout ConformanceReport) async {
        do {
            let result = try await connection.request(PluginProtocol.shutdown, params: Array("{}".utf8), timeout: deadline)
            if result != .null { report.violations.append("shutdown: result is \(result.typeName), expected null") }
        } catch {
            report.violations.append("shutdown: \(PluginError.from(error, plugin: "check"))")
        }
        connection.closeInput()
        if !(await exits(connection.process, within: 2)) {
            report.violations.append("shutdown: still running 2 s after answering shutdown and stdin closed")
        }
        connection.terminate(reason: .exited(plugin: "check", detail: "conformance check finished"))
    }

    private func checkVersionNegotiation(into report: inout ConformanceReport) async {
        let configuration = configuration
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(argv: configuration.command, workingDirectory: configuration.workingDirectory,
                                             environment: PluginLauncher.environment(for: configuration))
        } catch {
            report.violations.append("version negotiation: could not start: \(error.detail)")
            return
        }
        let connection = PluginConnection(pluginName: "check", process: process, maximumLineBytes: PluginProtocol.maximumLineBytes,
                                          stderrLinesPerSecond: 10, events: DiscardingEventSink())
        do {
            try await connection.open()
        } catch {
            report.violations.append("version negotiation: \(error)")
            return
        }
        let params = MessageEncoder.initializeParams(versions: [999], pluginName: "check", options: options,
                                                     deadlineMilliseconds: Int(deadline * 1000),
                                                     maximumLineBytes: PluginProtocol.maximumLineBytes)
        do {
            let result = try await connection.request(PluginProtocol.initialize, params: params, timeout: deadline)
            report.violations.append("version negotiation: offered only version 999, the plugin accepted with \(result.jsonText.prefix(120)) instead of an error")
        } catch PluginError.remoteError(_, _, let code, _) {
            if code != PluginProtocol.unsupportedVersionCode {
                report.violations.append("version negotiation: error code \(code), expected \(PluginProtocol.unsupportedVersionCode)")
            }
        } catch {
            report.violations.append("version negotiation: expected an error answer, got: \(PluginError.from(error, plugin: "check"))")
        }
        connection.closeInput()
        if !(await exits(process, within: 2)) {
            report.violations.append("stdin EOF: still running 2 s after stdin was closed")
        }
        connection.terminate(reason: .exited(plugin: "check", detail: "conformance check finished"))
    }

    private func exits(_ process: ChildProcess, within seconds: Double) async -> Bool {
        let steps = Int(seconds * 100)
        for _ in 0..<steps {
            if process.hasExited { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.hasExited
    }

    private func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return sorted[index]
    }
}

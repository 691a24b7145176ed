import ArgumentParser
import BallastCore
import BallastDaemon
import BallastLogging
import BallastSim
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ballast simulate`: replays traces or a scenario on simulated hosts under
/// several policies and compares them (table, JSON, HTML report, density sweep).
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Compare Ballast with baseline policies on simulated hosts replaying VM traces.",
        discussion: "See docs/simulator.md for the observation model, policies and scores.")

    @Option(help: "A trace file or a directory of trace files.")
    var trace: String?

    @Option(help: "Trace format: gcd, planetlab, gwa or csv (default: detected from the first line).")
    var format: String?

    @Option(help: "A generated scenario instead of --trace: \(NamedScenarios.names.joined(separator: ", ")).")
    var scenario: String?

    @Option(help: "Use a seeded subset of this many VMs.")
    var vms: Int?

    @Option(help: "Memory overcommit per host: configured memory / physical memory (default 1, or the scenario's).")
    var overcommit: Double?

    @Option(help: "Comma-separated policies: ballast,ballast-predict,ballast-quota,static,mom,proxmox,oracle (default: all but ballast-predict and ballast-quota).")
    var policy: String = PolicyKind.comparedByDefault.map(\.rawValue).joined(separator: ",")

    @Option(help: "Seed for VM sizes, subsets, packing and scenarios.")
    var seed: UInt64 = 1

    @Option(help: "Simulated seconds per tick (default 10, or the scenario's).")
    var tick: Double?

    @Option(name: .customLong("host-cpus"), help: "Cores per host (default 64, or the scenario's).")
    var hostCPUs: Int?

    @Option(name: .customLong("host-memory"), help: "Physical memory per host, e.g. 256GiB (default 256GiB, or the scenario's).")
    var hostMemory: String?

    @Option(name: .customLong("cpu-model"), help: "quota (allocations are enforced caps) or cfs (work-conserving by weight).")
    var cpuModel: String = CPUModel.quota.rawValue

    @Option(name: .customLong("virtio-mem-block"), help: "Model virtio-mem: memory sizes in whole blocks of this size, e.g. 2MiB (default: a balloon, to the byte).")
    var virtioMemBlock: String?

    @Option(name: .customLong("resize-latency"), help: "Simulated seconds before a new memory size takes effect (virtio-mem plugs asynchronously; default 0: at once).")
    var resizeLatency: Double = 0

    @Option(name: .customLong("free-page-reporting"), help: "on: guests hold on the host what they use plus cache, and policies are told; off: they also hold every page they touched (default: the old model, as on but untold).")
    var freePageReporting: String?

    @Option(name: .customLong("ksm-idle-share"), help: "KSM: the share (0 to 1) of what guests hold beyond their use that merging saves on the host (default 0).")
    var ksmIdleShare: Double = 0

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Option(help: "Write a self-contained HTML report with SVG plots to this file.")
    var report: String?

    @Option(name: .customLong("sweep-overcommit"), help: "FROM:TO:STEP[:FINE]: find each policy's density (highest overcommit with memory shortfall <= 1 %); FINE walks the gap at each density again at a finer step.")
    var sweepOvercommit: String?

    @Option(help: "With --sweep-overcommit: run the sweep for this many seeds (--seed, --seed + 1, ...) and report density as their minimum and median.")
    var seeds: Int = 1

    @Option(name: .customLong("proxmox-minimum"), help: "Proxmox baseline: balloon minimum per VM, % of its configured memory (default 10).")
    var proxmoxMinimum: Double = 10

    @Option(name: .customLong("proxmox-target"), help: "Proxmox baseline: host memory target, % (ballooning-target, default 80).")
    var proxmoxTarget: Double = 80

    @Flag(name: .customLong("proxmox-sensitivity"), help: "Also run Proxmox under minimum 10/25/50 % x target 80/90 % and print the table (best row marked).")
    var proxmoxSensitivity = false

    @Option(name: .customLong("prediction-sigmas"), help: "ballast-predict: predicted demand = mean + this many standard deviations (default 1, or the config's).")
    var predictionSigmas: Double?

    @Flag(name: .customLong("prediction-cpu"), inversion: .prefixedNo,
          help: "ballast-predict: predict CPU as well as memory (a CPU peak is served from spare CPU only; default on, or the config's).")
    var predictionCPU: Bool?

    @Option(help: "ballast, ballast-predict, ballast-quota: a Ballast config file (as `ballast run` reads it) whose [host] reserve, [estimator], [allocator] and [governor] replace the defaults; the tick replaces its interval; dry_run, plugins, [events] and [ksm] do not apply.")
    var config: String?

    func validate() throws {
        if (trace == nil) == (scenario == nil) { throw ValidationError("give exactly one of --trace PATH or --scenario NAME") }
        if let vms, vms < 1 { throw ValidationError("--vms must be at least 1, got \(vms)") }
        if let overcommit, !(overcommit > 0 && overcommit.isFinite) { throw ValidationError("--overcommit must be a positive number, got \(overcommit)") }
        if let tick, !(tick > 0 && tick.isFinite) { throw ValidationError("--tick must be a positive number of seconds, got \(tick)") }
        if let hostCPUs, hostCPUs < 1 { throw ValidationError("--host-cpus must be at least 1, got \(hostCPUs)") }
        if let format, TraceFormat(rawValue: format) == nil {
            throw ValidationError("unknown --format '\(format)'; use gcd, planetlab, gwa or csv")
        }
        if seeds < 1 || seeds > 100 { throw ValidationError("--seeds must be between 1 and 100, got \(seeds)") }
        if seeds > 1 && sweepOvercommit == nil { throw ValidationError("--seeds needs --sweep-overcommit (it reports density over seeds)") }
        if !(proxmoxMinimum >= 0 && proxmoxMinimum <= 100) {
            throw ValidationError("--proxmox-minimum must be a percentage from 0 to 100, got \(proxmoxMinimum)")
        }
        if !(proxmoxTarget > 0 && proxmoxTarget <= 100) {
            throw ValidationError("--proxmox-target must be a percentage above 0 and at most 100, got \(proxmoxTarget)")
        }
        if let predictionSigmas, !(predictionSigmas >= 0 && predictionSigmas <= 10) {
            throw ValidationError("--prediction-sigmas must be a number from 0 to 10, got \(predictionSigmas)")
        }
        if CPUModel(rawValue: cpuModel) == nil { throw ValidationError("unknown --cpu-model '\(cpuModel)'; use quota or cfs") }
        if !(resizeLatency >= 0 && resizeLatency.isFinite) {
            throw ValidationError("--resize-latency must be a number of seconds from 0, got \(resizeLatency)")
        }
        if let freePageReporting, !["on", "off"].contains(freePageReporting) {
            throw ValidationError("--free-page-reporting must be on or off, got '\(freePageReporting)'")
        }
        if !(ksmIdleShare >= 0 && ksmIdleShare <= 1) {
            throw ValidationError("--ksm-idle-share must be a fraction from 0 to 1, got \(ksmIdleShare)")
        }
        if let virtioMemBlock, let block = try? ArgumentValues.byteSize(virtioMemBlock), block == 0 || block & (block - 1) != 0 {
            throw ValidationError("--virtio-mem-block must be a power of two such as 2MiB, got \(virtioMemBlock) (\(block) bytes)")
        }
        do {
            if let virtioMemBlock { _ = try ArgumentValues.byteSize(virtioMemBlock) }
            _ = try ArgumentValues.policies(policy)
            if let hostMemory { _ = try ArgumentValues.byteSize(hostMemory) }
            if let sweepOvercommit { _ = try ArgumentValues.sweepPlan(sweepOvercommit) }
        } catch {
            throw ValidationError(error.description)
        }
        if let scenario, !NamedScenarios.names.contains(scenario) {
            throw ValidationError("unknown --scenario '\(scenario)'; known: \(NamedScenarios.names.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let balancer = try configuredBalancer()
        var (traces, options) = try load(seed: seed, balancer: balancer)
        options.keepSeries = report != nil
        let progress = ProgressBar(enabled: isatty(STDERR_FILENO) != 0)
        let sensitivity = proxmoxSensitivity ? await ProxmoxSensitivity.run(traces: traces, options: options) : nil

        if let sweepOvercommit {
            let plan = try ArgumentValues.sweepPlan(sweepOvercommit)
            var densities = SeedDensity()
            var firstSweep: OvercommitSweep.Result?
            for offset in 0..<UInt64(seeds) {
                let (seedTraces, seedOptions) = offset == 0 ? (traces, options) : try load(seed: seed &+ offset, balancer: balancer)
                let sweep = await OvercommitSweep.run(traces: seedTraces, options: seedOptions, grid: plan.grid,
                                                      refine: plan.refine) { done, total in
                    progress.show(done, total, unit: "overcommit points")
                }
                progress.finish()
                densities.add(seed: seed &+ offset, density: sweep.density)
                if firstSweep == nil { firstSweep = sweep }
                if !json && seeds > 1 {
                    print("seed \(seed &+ offset):")
                    print(ComparisonTable.render(sweep, policies: options.policies))
                    print()
                }
            }
            guard let sweep = firstSweep else { return }
            let atTop = await Comparison.run(traces: traces, options: options)
            if json {
                print(try ComparisonJSON(result: atTop, density: sweep.density, seeds: densities,
                                         sensitivity: sensitivity).encoded())
            } else {
                print(ComparisonTable.render(atTop))
                print()
                if seeds > 1 {
                    print(ComparisonTable.render(densities, policies: options.policies))
                } else {
                    print(ComparisonTable.render(sweep, policies: options.policies))
                }
                printSensitivity(sensitivity)
            }
            try writeReport(atTop, sweep: sweep)
            return
        }
        let result = await Comparison.run(traces: traces, options: options) { done, total in
            progress.show(done, total, unit: "hosts")
        }
        progress.finish()
        if json {
            print(try ComparisonJSON(result: result, sensitivity: sensitivity).encoded())
        } else {
            print(ComparisonTable.render(result))
            printSensitivity(sensitivity)
        }
        try writeReport(result)
    }

    /// Ballast's settings: the defaults, or `--config`'s. A config that does not load ends
    /// the command with its problems listed, as `ballast config check` lists them (exit 2).
    private func configuredBalancer() throws -> BalancerSettings {
        guard let config else { return BalancerSettings() }
        do {
            var balancer = try ConfigLoader.load(path: config).balancer
            // The simulated hosts are not real: what a dry run would only report is what is scored.
            balancer.governor.dryRun = false
            return balancer
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }

    /// The traces and options of one seed (sizes, subsets, packing and scenarios depend on it).
    private func load(seed: UInt64, balancer: BalancerSettings) throws -> ([VMTrace], ComparisonOptions) {
        var options = ComparisonOptions(seed: seed)
        options.ballastSettings = balancer
        options.policies = try ArgumentValues.policies(policy)
        options.host.cpuModel = CPUModel(rawValue: cpuModel) ?? .quota
        options.host.memoryMechanisms = MemoryMechanismModel(
            virtioMemBlock: try virtioMemBlock.map(ArgumentValues.byteSize), resizeLatency: resizeLatency,
            freePageReporting: freePageReporting.map { $0 == "on" }, ksmIdleShare: ksmIdleShare)
        options.proxmox = ProxmoxSettings(minimumFraction: proxmoxMinimum / 100, targetUsage: proxmoxTarget / 100)
        if let predictionSigmas { options.ballastSettings.estimator.prediction.sigmas = predictionSigmas }
        if let predictionCPU { options.ballastSettings.estimator.prediction.cpu = predictionCPU }
        let traces: [VMTrace]
        if let scenario {
            let generated = try NamedScenarios.named(scenario, seed: seed, vms: vms)
            traces = generated.traces(seed: seed)
            options.host.cpus = generated.host.cpus
            options.host.memory = generated.host.memory
            options.tick = generated.tick
            options.overcommit = generated.overcommit
        } else if let trace {
            guard let format = format.flatMap(TraceFormat.init(rawValue:)) ?? TraceFormat.detect(path: trace) else {
                throw ValidationError("cannot tell the format of '\(trace)'; pass --format gcd|planetlab|gwa|csv")
            }
            let loaded = try TraceLoader(format: format, seed: seed).load(path: trace, limit: vms, seed: seed)
            if seed == self.seed { reportDiagnostics(loaded) }
            traces = loaded.traces
        } else {
            throw ValidationError("give --trace PATH or --scenario NAME")
        }
        if let hostCPUs { options.host.cpus = hostCPUs }
        if let hostMemory { options.host.memory = try ArgumentValues.byteSize(hostMemory) }
        if let tick { options.tick = tick }
        if let overcommit { options.overcommit = overcommit }
        return (traces, options)
    }

    private func printSensitivity(_ rows: [ProxmoxSensitivity.Row]?) {
        guard let rows else { return }
        print()
        print(ComparisonTable.render(rows))
    }

    private func writeReport(_ result: ComparisonOutcome, sweep: OvercommitSweep.Result? = nil) throws {
        guard let report else { return }
        let source = scenario.map { "scenario \($0)" } ?? trace.map { path in
            path.split(separator: "/").last.map(String.init) ?? path
        }
        do {
            try HTMLReport.render(result, sweep: sweep, source: source).write(toFile: report, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write the report to '\(report)': \(error)")
        }
        StandardError.write("report written to \(report)\n")
    }

    private func reportDiagnostics(_ loaded: LoadReport) {
        if let alignment = loaded.alignment { StandardError.write("traces: \(alignment)\n") }
        guard !loaded.diagnostics.isEmpty else { return }
        var text = "loaded \(loaded.traces.count) VM trace(s); \(loaded.skippedFiles) file(s) skipped; "
            + "\(loaded.diagnostics.count) problem(s):\n"
        for diagnostic in loaded.diagnostics.prefix(20) { text += "  \(diagnostic)\n" }
        if loaded.diagnostics.count > 20 { text += "  ... and \(loaded.diagnostics.count - 20) more\n" }
        StandardError.write(text)
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
struct ProgressBar: Sendable {
    let enabled: Bool

    func show(_ done: Int, _ total: Int, unit: String) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        StandardError.write("\r[\(bar)] \(done)/\(total) \(unit)")
    }

    func finish() {
        guard enabled else { return }
        StandardError.write("\r\u{1B}[2K")
    }
}

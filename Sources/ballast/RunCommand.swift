import ArgumentParser
import BallastBackends
import BallastCore
import BallastDaemon
import BallastLogging
import BallastSim
import Logging

/// `ballast run`: the daemon. Balances the real host through libvirt (the config's
/// `connect`, or `--connect URI`) unless the simulator is asked for explicitly
/// (`--backend sim`, `--scenario` or `--trace`): a daemon never falls back to
/// invented VMs.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the balancer: against libvirt (the default) or the built-in simulator (--backend sim).",
        discussion: """
            Exit codes: 0 stopped cleanly (SIGTERM/SIGINT, --duration, or --once succeeded); \
            2 bad config, or a --log-file that cannot be opened; 64 bad options (the message names the option); 3 --once and the backend could not \
            be sampled; 4 another ballast already balances this libvirt (it holds the lock under --lock-dir); \
            5 on_stop = "release" could not give every VM its starting size back. \
            SIGHUP reloads --config (a bad file is rejected and the old config kept). \
            Balances libvirt (the config's `connect`, default qemu:///system) unless --backend sim, \
            --scenario or --trace asks for the simulator; an unreachable libvirt is retried, never replaced \
            by the simulator.
            """)

    enum BackendKind: String, ExpressibleByArgument, CaseIterable {
        case sim, libvirt
    }

    @Option(help: "libvirt or sim (default: sim when --scenario or --trace is given, else libvirt).")
    var backend: BackendKind?

    @Option(help: "libvirt URI (default: the config's `connect`, qemu:///system).")
    var connect: String?

    @Option(help: "TOML config file (see docs/configuration.md).")
    var config: String?

    @Flag(name: .customLong("dry-run"), help: "Compute and report every change, apply none.")
    var dryRun = false

    @Flag(help: "Run one tick and exit (exit 3 if the backend cannot be sampled).")
    var once = false

    @Option(help: "Seconds between ticks (overrides the config).")
    var interval: Double?

    @Option(help: "HTTP listen address HOST:PORT for /metrics, /healthz, /v1/state (overrides the config).")
    var listen: String?

    @Option(name: .customLong("log-format"), help: "text or json (overrides the config).")
    var logFormat: String?

    @Option(name: .customLong("log-level"),
            help: "Least severe level logged: trace, debug, info (default), notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(help: "Simulator: a generated scenario (\(NamedScenarios.names.joined(separator: ", "))).")
    var scenario: String?

    @Option(help: "Simulator: replay this trace file or folder instead of a scenario.")
    var trace: String?

    @Option(help: "Simulator: trace format gcd, planetlab, gwa or csv (default: detected).")
    var format: String?

    @Option(help: "Simulator: use a seeded subset of this many VMs of the trace.")
    var vms: Int?

    @Option(help: "Simulator, with --trace: one host holding every VM, its memory the VMs' configured memory / this ratio (as simulate --overcommit fills a host), its cores scaled alike unless --host-cpus.")
    var overcommit: Double?

    @Option(name: .customLong("host-cpus"), help: "Simulator, with --trace: cores of the simulated host (default 64, or scaled by --overcommit).")
    var hostCPUs: Int?

    @Option(name: .customLong("host-memory"), help: "Simulator, with --trace: physical memory of the simulated host, e.g. 1TiB (default 256GiB).")
    var hostMemory: String?

    @Option(help: "Simulator: seed for sizes and scenarios.")
    var seed: UInt64 = 1

    @Option(help: "Run simulated time this many times faster than real time (default 1).")
    var speed: Double = 1

    @Option(help: "Stop after this many simulated seconds.")
    var duration: Double?

    @Flag(help: "Simulator: when the trace or scenario ends, replay its demand again from the start (for runs longer than it; otherwise demand holds its last values).")
    var loop = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Show the live dashboard when standard output is a terminal (default: on for the simulator).",
        discussion: "The table of VMs redrawn in place with the last decisions under it; log lines then go to "
            + "--log-file or are off. --no-table, or standard output not a terminal: plain log lines only."))
    var table: Bool?

    @Option(name: .customLong("log-file"), help: "Append log lines to this file instead of standard error (exit 2 if it cannot be opened).")
    var logFile: String?

    @Option(name: .customLong("lock-dir"), help: "Directory of the one-balancer-per-libvirt lock (overrides the config's lock_dir; default /run/ballast).")
    var lockDir: String?

    func validate() throws {
        if let interval, !(interval > 0 && interval.isFinite) { throw ValidationError("--interval must be positive seconds, got \(interval)") }
        if !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be positive, got \(speed)") }
        if let duration, !(duration > 0 && duration.isFinite) { throw ValidationError("--duration must be positive seconds, got \(duration)") }
        if let lockDir, !lockDir.hasPrefix("/") { throw ValidationError("--lock-dir must be an absolute path, got \(lockDir)") }
        if let logFormat, LogFormat(rawValue: logFormat) == nil { throw ValidationError("--log-format must be text or json, got \(logFormat)") }
        if Logger.Level(rawValue: logLevel) == nil {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--log-level must be one of \(levels), got \(logLevel)")
        }
        if let format, TraceFormat(rawValue: format) == nil { throw ValidationError("--format must be gcd, planetlab, gwa or csv, got \(format)") }
        if scenario != nil, trace != nil { throw ValidationError("give --scenario or --trace, not both") }
        if resolvedBackend == .libvirt, scenario != nil || trace != nil {
            throw ValidationError("--scenario and --trace are for the simulator (--backend sim)")
        }
        if resolvedBackend == .libvirt, loop { throw ValidationError("--loop is for the simulator (--backend sim)") }
        if resolvedBackend == .sim, connect != nil {
            throw ValidationError("--connect names a libvirt URI; it cannot go with the simulator (--backend sim)")
        }
        try validateHostSize()
    }

    /// `--overcommit`, `--host-cpus` and `--host-memory` size the host a trace is replayed on.
    private func validateHostSize() throws {
        let given = [("--overcommit", overcommit != nil), ("--host-cpus", hostCPUs != nil),
                     ("--host-memory", hostMemory != nil)].filter(\.1).map(\.0)
        guard !given.isEmpty else { return }
        if trace == nil {
            throw ValidationError("\(given.joined(separator: ", ")) \(given.count == 1 ? "sizes" : "size") the simulated "
                + "host a trace is replayed on; "
                + "give --trace PATH (a scenario brings its own host, and libvirt's host is real)")
        }
        if let overcommit, !(overcommit > 0 && overcommit.isFinite) {
            throw ValidationError("--overcommit must be a positive ratio, got \(overcommit)")
        }
        if let hostCPUs, hostCPUs < 1 { throw ValidationError("--host-cpus must be at least 1, got \(hostCPUs)") }
        if let hostMemory {
            do {
                _ = try ArgumentValues.byteSize(hostMemory)
            } catch {
                throw ValidationError("--host-memory: \(error.description)")
            }
        }
        if overcommit != nil, hostMemory != nil {
            throw ValidationError("--overcommit sizes the host's memory from the trace; give --overcommit or "
                + "--host-memory, not both")
        }
    }

    /// The host a trace is replayed on (validated above).
    private func traceHostSize() throws -> TraceHostSize {
        if let overcommit { return .overcommit(overcommit, cpus: hostCPUs) }
        var host = HostConfig()
        if let hostCPUs { host.cpus = hostCPUs }
        if let hostMemory { host.memory = try ArgumentValues.byteSize(hostMemory) }
        return .fixed(host)
    }

    /// The simulator only when asked for; otherwise libvirt, as the config's `connect` says.
    var resolvedBackend: BackendKind { backend ?? (scenario != nil || trace != nil ? .sim : .libvirt) }

    func run() async throws {
        let request = RunRequest(
            configPath: config, dryRun: dryRun, pacing: LoopPacing(once: once, duration: duration, speed: speed),
            interval: interval, listen: listen, logFormat: logFormat.flatMap(LogFormat.init(rawValue:)),
            lockDirectory: lockDir)
        let loaded: BallastConfig
        do {
            loaded = try request.loadConfig()
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let tableWanted = table ?? (resolvedBackend == .sim)
        let console: Console
        do {
            console = try Console.open(tableWanted: tableWanted, logFilePath: logFile)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        loaded.logFormat.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, sink: console)
        let logger = Logger(label: "ballast")
        if tableWanted, console.mode == .logLines {
            logger.notice("no live table: standard output is not a terminal; writing log lines only")
        }
        let choice: BackendChoice
        switch resolvedBackend {
        case .libvirt:
            choice = .libvirt(uri: connect ?? loaded.connect, events: loaded.balancer.events,
                              watch: BalloonWatchRules(settings: loaded.balancer))
        case .sim:
            let input: SimulatorSource.Input = trace.map {
                .trace(path: $0, format: format.flatMap(TraceFormat.init(rawValue:)), vms: vms)
            } ?? .scenario(scenario ?? "demo")
            choice = .simulator(SimulatorSource(input: input, seed: seed, tick: loaded.balancer.interval,
                                                hostSize: try traceHostSize(), loop: loop))
        }
        let code = await DaemonRunner(request: request, logger: logger, console: console)
            .run(config: loaded, backend: choice.identity, ksm: choice.ksm, makeBackend: choice.make)
        console.finish()
        if code != 0 { throw ExitCode(code) }
    }
}

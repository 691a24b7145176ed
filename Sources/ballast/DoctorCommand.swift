import ArgumentParser
import BallastDoctor

/// `ballast doctor`: the preflight. Checks the host and every domain for what Ballast
/// needs and says what to fix (docs/doctor.md); the checks live in BallastDoctor.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the host and every domain for what Ballast needs, and say what to fix.",
        discussion: """
            Read-only. Exit codes: 0 fit; 1 warnings (Ballast runs, with limits); 2 blockers \
            (including an unreachable libvirt). --json prints the shape documented in docs/doctor.md.
            """)

    @Option(help: "libvirt URI (default: the config's `connect`, qemu:///system).")
    var connect: String?

    @Option(help: "TOML config file whose host reserve and per-VM opt-outs are checked (default: /etc/ballast/ballast.toml if it exists).")
    var config: String?

    @Option(help: "Check only this domain (by name); repeat for several. Default: every domain.")
    var domain: [String] = []

    @Option(help: "Seconds a connection attempt may take.")
    var timeout: Double = 15

    @Flag(help: "Print the findings as JSON (docs/doctor.md, \"JSON output\").")
    var json = false

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
    }

    func run() async throws {
        let options = DoctorOptions(uri: connect, configPath: config, domains: domain, connectTimeout: timeout)
        let report = await Doctor(options: options).run()
        print(json ? JSONReport.render(report) : HumanReport.render(report))
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

import ArgumentParser
import BallastPlugins

/// `ballast plugin check -- CMD [ARGS...]`: runs a plugin through the
/// protocol's conformance checks (plugins/PROTOCOL.md) and exits non-zero
/// naming each violation.
struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Work with policy plugins.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a plugin against the protocol; exit 0 when it conforms, 1 with every violation listed otherwise.",
            discussion: """
                Example: ballast plugin check --json -- python3 plugins/python/mom_balloon/mom_balloon.py
                A trailing --json after the command is also taken as the flag.
                """)

        @Flag(help: "Print one JSON object: {\"ok\", \"violations\", \"latency_ms\": {\"p50\", \"p99\"}, \"vms\", \"plugin\"}.")
        var json = false

        @Option(name: .customLong("deadline-ms"), help: "Per-request deadline while checking, in milliseconds.")
        var deadlineMilliseconds = 2000

        @Option(help: "How many 1,000-VM decide requests to time.")
        var samples = 30

        @Option(help: "The plugin's options as a JSON object, sent in initialize.")
        var options = "{}"

        @Argument(parsing: .postTerminator, help: "The plugin's command and arguments, after --.")
        var command: [String] = []

        func validate() throws {
            if pluginCommand.isEmpty { throw ValidationError("give the plugin's command after --, e.g. -- ./plugins/c/build/priority") }
            if deadlineMilliseconds < 1 { throw ValidationError("--deadline-ms must be positive") }
            if samples < 1 { throw ValidationError("--samples must be at least 1") }
        }

        private var pluginCommand: [String] {
            command.last == "--json" ? Array(command.dropLast()) : command
        }

        func run() async throws {
            let parsedOptions: JSONValue
            do {
                parsedOptions = try JSONParser.parse(options)
            } catch {
                throw ValidationError("--options is not JSON: \(error)")
            }
            let checker = ConformanceChecker(command: pluginCommand, deadline: Double(deadlineMilliseconds) / 1000,
                                             samples: samples, options: parsedOptions)
            let report = await checker.run()
            if json || command.last == "--json" {
                print(report.json)
            } else {
                if let plugin = report.plugin {
                    print("plugin \(plugin.name) \(plugin.version), protocol version \(plugin.protocolVersion)")
                }
                if let p50 = report.latencyP50Milliseconds, let p99 = report.latencyP99Milliseconds {
                    print("decide latency at \(report.vms) VMs: p50 \(format(p50)) ms, p99 \(format(p99)) ms")
                }
                print(report.ok ? "ok: no violations" : "\(report.violations.count) violation(s):")
            }
            for violation in report.violations {
                printError("violation: \(violation)")
            }
            if !report.ok { throw ExitCode(1) }
        }

        private func format(_ value: Double) -> String {
            String((value * 100).rounded() / 100)
        }
    }
}

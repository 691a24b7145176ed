import ArgumentParser
import BallastCore
import BallastDaemon

/// The `ballast` command line: a thin front over the library targets. Each
/// subcommand lives in its own file and only parses options and calls a library.
@main
struct Ballast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballast",
        abstract: "A host-local VM resource balancer.",
        version: BallastBuild.version,
        subcommands: [RunCommand.self, SimulateCommand.self, ConfigCommand.self, PluginCommand.self,
                      StatusCommand.self, ExplainCommand.self, DoctorCommand.self])
}

import ArgumentParser
import BallastDaemon

/// `ballast config check FILE`: validates a config file and prints every problem.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with Ballast config files.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a config file; exit 0 when it is usable, 2 with every problem listed otherwise.")

        @Argument(help: "Path of the TOML config file.")
        var file: String

        func run() async throws {
            do {
                let config = try ConfigLoader.load(path: file)
                print(ConfigSummary.describe(config, file: file))
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
        }
    }
}

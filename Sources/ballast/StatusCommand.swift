import ArgumentParser
import BallastClient

/// `ballast status`: the daemon's VMs as a table, read from its `/v1/state` endpoint.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each VM's demand, allocation and last change, from a running daemon.")

    @Option(help: "Base URL of the daemon's endpoint.")
    var url: String = StateClient.defaultURL

    @Flag(help: "Print the raw /v1/state JSON instead of the table.")
    var json = false

    func run() async throws {
        if json {
            print(try await StateClient.fetchJSON(baseURL: url))
            return
        }
        let state = try await StateClient.fetch(baseURL: url)
        print(StatusTable.render(state))
    }
}

import ArgumentParser
import BallastClient

/// `ballast explain VM`: in words, why a VM has the size it has.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one VM: signals, estimate, fair share, governor clamps and the resulting change.")

    @Argument(help: "The VM's name, UUID or a unique UUID prefix.")
    var vm: String

    @Option(help: "Base URL of the daemon's endpoint.")
    var url: String = StateClient.defaultURL

    func run() async throws {
        let state = try await StateClient.fetch(baseURL: url)
        let document = try Explanation.find(vm, in: state)
        print(Explanation.render(document, in: state))
    }
}

/// A workload whose instructions per step are counted under callgrind: built
/// once by `make` (not counted), then stepped. `prepare` runs before each step
/// and is not counted either (a host's counters advancing between two ticks).
public struct CountedWorkload {
    public typealias Step = () async throws -> Void

    public let name: String
    let make: () async throws -> (prepare: Step, step: Step)

    public init(_ name: String, make: @escaping () async throws -> (prepare: Step, step: Step)) {
        self.name = name
        self.make = make
    }

    /// A workload with nothing to do between steps.
    public init(_ name: String, make: @escaping () async throws -> Step) {
        self.init(name) { (prepare: {}, step: try await make()) }
    }
}

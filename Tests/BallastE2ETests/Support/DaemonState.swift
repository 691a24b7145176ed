import Foundation

/// The part of a running daemon's `/v1/state` document (docs/observability.md) that the
/// reaction and vCPU tests read: the tick number and, per VM, what Ballast sampled,
/// estimated and settled on. Decoded independently of BallastMetrics so the test checks the wire format.
struct DaemonState: Decodable, Sendable {
    /// An allocation or a demand: vCPUs only in allocations.
    struct Resources: Decodable, Sendable {
        let memoryBytes: UInt64
        let vcpus: Int?
    }
    struct Estimate: Decodable, Sendable {
        let demand: Resources
        let guestUsedMemoryBytes: UInt64?
    }
    struct VM: Decodable, Sendable {
        let name: String
        let current: Resources
        let estimate: Estimate?
        let governed: Resources?
    }

    let tick: UInt64?
    let vms: [VM]

    func vm(_ name: String) -> VM? { vms.first { $0.name == name } }

    /// Fetches the document from the daemon's HTTP endpoint; nil while it does not answer.
    static func fetch(port: Int) async -> DaemonState? {
        guard let result = try? await Shell.run("curl", ["-sf", "--max-time", "2", "http://127.0.0.1:\(port)/v1/state"],
                                                timeout: 5),
              result.succeeded else { return nil }
        return try? JSONDecoder().decode(DaemonState.self, from: Data(result.stdout.utf8))
    }
}

extension BallastDaemonProcess {
    /// The port of the HTTP endpoint, read from the daemon's `listen=127.0.0.1:PORT` log line
    /// (the harness configures port 0, so the kernel picks it).
    func listenPort(within seconds: Double = 30) async throws -> Int {
        var port: Int?
        try await eventually("ballast logs its listen address", within: seconds, every: 0.2, hint: "log: \(logPath)") {
            port = log.split(whereSeparator: \.isNewline).lazy.compactMap { line -> Int? in
                guard let range = line.range(of: "listen=127.0.0.1:") else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }.first
            return port != nil
        }
        guard let port else { throw HarnessError.unexpectedOutput(command: "ballast run", detail: "no listen port in \(logPath)") }
        return port
    }
}

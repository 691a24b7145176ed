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
    struct Signal: Decodable, Sendable {
        let name: String
        let value: Double
    }
    struct Estimate: Decodable, Sendable {
        let demand: Resources
        let guestUsedMemoryBytes: UInt64?
        let signals: [Signal]?
    }
    struct Spec: Decodable, Sendable {
        let balloonDeflatesOnOOM: Bool?
        let balloonFreePageReporting: Bool?
    }
    struct VirtioMem: Decodable, Sendable {
        let bootMemoryBytes: UInt64
        let requestedBytes: UInt64
        let pluggedBytes: UInt64
        let unmetForSeconds: Double?
    }
    struct VM: Decodable, Sendable {
        let name: String
        let current: Resources
        let spec: Spec?
        let hostMemoryBytes: UInt64?
        let virtioMem: VirtioMem?
        let estimate: Estimate?
        let governed: Resources?
    }

    /// Which hypervisor the daemon balances (`kind` "libvirt" or "sim").
    struct Backend: Decodable, Sendable {
        let kind: String
        let uri: String
        let simulated: Bool
    }

    let tick: UInt64?
    let backend: Backend?
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
    /// The port of the HTTP endpoint, read from the daemon's listen log line: `listen=127.0.0.1:PORT`
    /// in text logs, `"listen":"127.0.0.1:PORT"` in JSON logs (the harness configures port 0,
    /// so the kernel picks it).
    func listenPort(within seconds: Double = 30) async throws -> Int {
        var port: Int?
        try await eventually("ballast logs its listen address", within: seconds, every: 0.2, hint: "log: \(logPath)") {
            port = log.split(whereSeparator: \.isNewline).lazy.compactMap { line -> Int? in
                let marker = ["listen=127.0.0.1:", "\"listen\":\"127.0.0.1:"].lazy.compactMap { line.range(of: $0) }.first
                guard let marker else { return nil }
                return Int(line[marker.upperBound...].prefix { $0.isNumber })
            }.first
            return port != nil
        }
        guard let port else { throw HarnessError.unexpectedOutput(command: "ballast run", detail: "no listen port in \(logPath)") }
        return port
    }
}

import Foundation

/// The virsh calls the tests use to set up scenarios and to check what Ballast did,
/// independently of Ballast's own libvirt layer.
enum Virsh {
    @discardableResult
    static func run(_ arguments: [String], timeout: Double = 60) async throws -> String {
        try await Shell.run("virsh", ["-q", "-c", HarnessPaths.uri] + arguments, timeout: timeout).check().stdout
    }

    /// `virsh domstats` for one domain as key=value pairs (e.g. "balloon.current").
    static func domstats(_ domain: String, _ groups: [String] = ["--balloon", "--cpu-total", "--vcpu"]) async throws -> [String: String] {
        let output = try await run(["domstats"] + groups + [domain])
        var stats: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            stats[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        return stats
    }

    static func number(_ stats: [String: String], _ key: String, domain: String) throws -> UInt64 {
        guard let text = stats[key], let value = UInt64(text) else {
            throw HarnessError.unexpectedOutput(command: "virsh domstats \(domain)",
                                                detail: "no numeric \(key) (got: \(stats[key] ?? "nothing"))")
        }
        return value
    }

    /// The balloon's current size in KiB.
    static func balloonKiB(_ domain: String) async throws -> UInt64 {
        try number(try await domstats(domain, ["--balloon"]), "balloon.current", domain: domain)
    }

    /// Total CPU time of the domain in nanoseconds.
    static func cpuTime(_ domain: String) async throws -> UInt64 {
        try number(try await domstats(domain, ["--cpu-total"]), "cpu.time", domain: domain)
    }

    /// CPU seconds the domain used per wall-clock second over `seconds`.
    static func cpuRate(_ domain: String, over seconds: Double) async throws -> Double {
        let before = try await cpuTime(domain)
        let start = Date()
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        let after = try await cpuTime(domain)
        return Double(after &- before) / 1e9 / Date().timeIntervalSince(start)
    }

    /// The live vCPU count as libvirt sees it.
    static func liveVcpus(_ domain: String) async throws -> Int {
        let output = try await run(["vcpucount", domain, "--live", "--active"])
        guard let count = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError.unexpectedOutput(command: "virsh vcpucount \(domain)", detail: "not a number: \(output)")
        }
        return count
    }

    /// The vCPUs online inside the guest, through its QEMU guest agent (`vcpucount --guest`).
    static func guestVcpus(_ domain: String) async throws -> Int {
        let output = try await run(["vcpucount", domain, "--guest"])
        guard let count = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError.unexpectedOutput(command: "virsh vcpucount \(domain) --guest", detail: "not a number: \(output)")
        }
        return count
    }

    /// Live scheduler parameters (cpu_shares, vcpu_quota, vcpu_period, ...).
    static func schedinfo(_ domain: String) async throws -> [String: String] {
        let output = try await run(["schedinfo", domain, "--live"])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return values
    }

    /// `virsh dommemstat` and `virsh schedinfo --live` of one guest, as printed: the
    /// before/after views the scenarios print.
    static func view(_ guest: String) async throws -> String {
        let memory = try await run(["dommemstat", guest])
        let scheduler = try await run(["schedinfo", guest, "--live"])
        return "$ virsh dommemstat \(guest)\n\(memory)$ virsh schedinfo \(guest) --live\n\(scheduler)"
    }

    /// The running domain's numeric id (part of its cgroup name).
    static func domainID(_ domain: String) async throws -> Int {
        let output = try await run(["domid", domain])
        guard let id = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError.unexpectedOutput(command: "virsh domid \(domain)", detail: "not running? got: \(output)")
        }
        return id
    }

    static func state(_ domain: String) async throws -> String {
        try await run(["domstate", domain]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The domain's v1 cpu cgroup directory as libvirt creates it on cgroup v1 hosts.
    static func cpuCgroupV1(_ domain: String) async throws -> String {
        "/sys/fs/cgroup/cpu/machine/qemu-\(try await domainID(domain))-\(domain).libvirt-qemu"
    }
}

import Foundation
import Testing

/// Runs the built `ballast` executable as a subprocess, as a user would.
@Suite struct SimulateCLITests {
    static var binary: String {
        (TestPaths.repositoryRoot as NSString).appendingPathComponent(".build/debug/ballast")
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: TestPaths.repositoryRoot)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func jsonHasTheDocumentedShape() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "build the executable first: swift build --product ballast")
        let result = try Self.run(["simulate", "--trace", TestPaths.gcd, "--vms", "12",
                                   "--overcommit", "3", "--tick", "60", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["policies", "vms", "ticks", "hosts"])
        #expect(object["vms"] as? Int == 12)
        #expect(object["ticks"] as? Int == 1436)
        let policies = try #require(object["policies"] as? [[String: Any]])
        #expect(policies.compactMap { $0["name"] as? String } == ["ballast", "static", "mom", "proxmox", "oracle"])
        let keys: Set<String> = ["name", "cpu_shortfall", "memory_shortfall", "slack", "fairness", "memory_fairness",
                                 "cpu_fairness", "changes_per_vm_hour", "memory_changes_per_vm_hour",
                                 "reaction_p50_ticks", "reaction_p99_ticks",
                                 "memory_reaction_p50_ticks", "memory_reaction_p99_ticks", "memory_steps",
                                 "memory_steps_never_covered", "cpu_reaction_p50_ticks", "cpu_reaction_p99_ticks",
                                 "cpu_steps", "cpu_steps_never_covered"]
        for policy in policies {
            #expect(Set(policy.keys) == keys)
            for key in ["cpu_shortfall", "memory_shortfall", "slack", "fairness", "memory_fairness", "cpu_fairness"] {
                let value = try #require(policy[key] as? Double)
                #expect(value >= 0 && value <= 1)
            }
            // The memory changes are a part of all the changes (balloon, quota, vCPUs, weight).
            let changes = try #require(policy["changes_per_vm_hour"] as? Double)
            let memoryChanges = try #require(policy["memory_changes_per_vm_hour"] as? Double)
            #expect(memoryChanges >= 0 && memoryChanges <= changes)
        }
    }

    @Test func sweepAddsDensity() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let result = try Self.run(["simulate", "--trace", TestPaths.gcd, "--vms", "8",
                                   "--policy", "static,oracle", "--tick", "300", "--sweep-overcommit", "1:2:0.5", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let density = try #require(object["density"] as? [String: Double])
        #expect(Set(density.keys) == ["static", "oracle"])
    }

    @Test func seedsAndSensitivityAddTheirKeys() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let result = try Self.run(["simulate", "--trace", TestPaths.gcd, "--vms", "8", "--policy", "static,proxmox,oracle",
                                   "--tick", "300", "--sweep-overcommit", "1:2:0.5:0.25", "--seeds", "2",
                                   "--proxmox-sensitivity", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("aligned on one epoch"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let perSeed = try #require(object["density_seeds"] as? [String: [Double]])
        #expect(perSeed["static"]?.count == 2)
        let minimum = try #require(object["density"] as? [String: Double])
        let median = try #require(object["density_median"] as? [String: Double])
        for (policy, values) in perSeed {
            #expect(minimum[policy] == values.min())
            #expect(median[policy] == values.reduce(0, +) / 2)
        }
        let rows = try #require(object["proxmox_sensitivity"] as? [[String: Any]])
        #expect(rows.count == 6)
        #expect(rows.filter { $0["best"] as? Bool == true }.count == 1)
    }

    /// `--config` gives the Ballast policies an operator's settings: here CPU shares as
    /// quotas, which makes `ballast` score what `ballast-quota` scores with the defaults.
    /// A config that does not load ends the run with its problems, as `config check` says them.
    @Test func aConfigFileGivesBallastItsSettings() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-config-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let quota = directory.appendingPathComponent("quota.toml").path
        try "dry_run = true\n[allocator]\ncpu_enforcement = \"quota\"\n".write(toFile: quota, atomically: true, encoding: .utf8)
        let bad = directory.appendingPathComponent("bad.toml").path
        try "[allocator]\ncpu_enforcement = \"cap\"\n".write(toFile: bad, atomically: true, encoding: .utf8)

        func shortfalls(_ arguments: [String]) throws -> [String: Double] {
            let result = try Self.run(["simulate", "--trace", TestPaths.gcd, "--vms", "40", "--overcommit", "4",
                                       "--tick", "300", "--json"] + arguments)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let policies = try #require(object["policies"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: policies.compactMap { policy in
                (policy["name"] as? String).flatMap { name in (policy["cpu_shortfall"] as? Double).map { (name, $0) } }
            })
        }
        let defaults = try shortfalls(["--policy", "ballast,ballast-quota"])
        let configured = try shortfalls(["--policy", "ballast", "--config", quota])
        #expect(defaults["ballast"] != defaults["ballast-quota"], "\(defaults)")
        #expect(configured["ballast"] == defaults["ballast-quota"], "\(configured) against \(defaults)")

        let refused = try Self.run(["simulate", "--scenario", "demo", "--config", bad])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("allocator.cpu_enforcement") && refused.stderr.contains("found \"cap\""),
                "\(refused.stderr)")
    }

    @Test func badFlagsFailClearly() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let cases: [([String], String)] = [
            (["simulate", "--scenario", "demo", "--overcommit", "-1"], "--overcommit"),
            (["simulate", "--scenario", "demo", "--policy", "vmware"], "unknown policy 'vmware'"),
            (["simulate", "--trace", "/nonexistent"], "/nonexistent"),
            (["simulate", "--scenario", "demo", "--host-memory", "lots"], "not a memory size"),
            (["simulate"], "exactly one of --trace"),
            (["simulate", "--scenario", "demo", "--seeds", "3"], "--seeds needs --sweep-overcommit"),
            (["simulate", "--scenario", "demo", "--proxmox-target", "0"], "--proxmox-target"),
            (["simulate", "--scenario", "demo", "--proxmox-minimum", "150"], "--proxmox-minimum"),
            (["simulate", "--scenario", "demo", "--sweep-overcommit", "1:2:0.5:0.6"], "refinement step FINE"),
            (["simulate", "--scenario", "demo", "--virtio-mem-block", "3MiB"], "--virtio-mem-block must be a power of two"),
            (["simulate", "--scenario", "demo", "--virtio-mem-block", "big"], "not a memory size"),
            (["simulate", "--scenario", "demo", "--resize-latency", "-2"], "--resize-latency"),
            (["simulate", "--scenario", "demo", "--free-page-reporting", "maybe"], "--free-page-reporting must be on or off"),
            (["simulate", "--scenario", "demo", "--ksm-idle-share", "1.5"], "--ksm-idle-share"),
        ]
        for (arguments, message) in cases {
            let result = try Self.run(arguments)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}

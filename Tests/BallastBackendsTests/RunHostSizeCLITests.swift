import Foundation
import Testing

/// `ballast run --backend sim --trace` with `--overcommit` or `--host-cpus`/
/// `--host-memory`, run as an operator would: the built executable.
@Suite struct RunHostSizeCLITests {
    static var binary: String {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/debug/ballast").path
    }

    /// Runs `ballast` on a thread of its own; returns status and output.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await OwnThread.run { try runBlocking(arguments) }
    }

    private static func runBlocking(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func badHostSizeCombinationsNameTheOptions() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "build the executable first: swift build --product ballast")
        let trace = ["--backend", "sim", "--trace", TracePaths.gcd]
        let cases: [([String], String)] = [
            (["--backend", "sim", "--scenario", "demo", "--overcommit", "4"], "--overcommit sizes the simulated host"),
            (["--backend", "sim", "--host-cpus", "8"], "give --trace"),
            (trace + ["--overcommit", "4", "--host-memory", "1TiB"], "give --overcommit or --host-memory, not both"),
            (trace + ["--overcommit", "0"], "--overcommit must be a positive ratio"),
            (trace + ["--host-cpus", "0"], "--host-cpus must be at least 1"),
            (trace + ["--host-memory", "lots"], "--host-memory: 'lots' is not a memory size"),
        ]
        for (arguments, message) in cases {
            let result = try await Self.run(["run", "--once"] + arguments)
            #expect(result.status != 0, "\(arguments) was accepted")
            #expect(result.output.contains(message), "\(arguments): \(result.output)")
        }
    }

    @Test func anUnknownLogLevelIsRefusedWithTheLevelsThatExist() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let result = try await Self.run(["run", "--backend", "sim", "--scenario", "demo", "--once", "--log-level", "loud"])
        #expect(result.status == 64, "exit status \(result.status): \(result.output)")
        #expect(result.output.contains("--log-level must be one of trace, debug, info, notice, warning, error, critical, got loud"),
                "\(result.output)")
    }

    @Test func overcommitSizesTheHostAndTheFirstLogLinesSayWhatIsSimulated() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let result = try await Self.run(["run", "--backend", "sim", "--trace", TracePaths.gcd, "--vms", "500",
                                   "--overcommit", "4", "--speed", "100", "--duration", "12", "--no-table",
                                   "--log-format", "json", "--listen", "127.0.0.1:0"])
        #expect(result.status == 0, "\(result.output.suffix(2000))")
        let lines = result.output.split(separator: "\n")
        let first = try #require(lines.first.map(String.init))
        #expect(first.contains("SIMULATED HOST: no real VM is touched"), "first line: \(first)")
        let second = try #require(lines.dropFirst().first.map(String.init))
        #expect(second.contains("simulated host: 500 VMs"), "second line: \(second)")
        #expect(second.contains("memory overcommit 4.0"), "second line: \(second)")
        let ticksWithChanges = Set(lines.compactMap { line -> Int? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["kind"] != nil, let tick = (object["tick"] as? String).flatMap(Int.init) else { return nil }
            return tick
        })
        #expect(ticksWithChanges.filter { $0 > 3 }.count >= 2, "changes after tick 3: \(ticksWithChanges.sorted())")
    }

    @Test func hostCPUsAndMemorySizeTheHost() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let result = try await Self.run(["run", "--backend", "sim", "--trace", TracePaths.gcd, "--vms", "20",
                                   "--host-cpus", "24", "--host-memory", "96GiB", "--once", "--no-table",
                                   "--listen", "127.0.0.1:0"])
        #expect(result.status == 0, "\(result.output.suffix(2000))")
        #expect(result.output.contains("on one host of 24 cores, 96 GiB"), "\(result.output.prefix(600))")
    }
}

import BallastCore
@testable import BallastDaemon
import Testing

/// `[allocator] cpu_enforcement`: weight by default, quota where only a quota can keep
/// the guests' total CPU under `[host] guest_cpu_millicores`.
@Suite("Config [allocator] cpu_enforcement")
struct ConfigCPUEnforcementTests {
    static func enforcement(_ text: String) throws -> CPUEnforcement {
        try ConfigLoader.parse(text, file: "t.toml").balancer.allocator.cpuEnforcement
    }

    @Test("weight by default; quota when the guests' CPU is capped; either when written")
    func defaultsAndChoices() throws {
        #expect(try Self.enforcement("") == .weight)
        #expect(try Self.enforcement("[host]\nguest_memory = \"1GiB\"") == .weight)
        #expect(try Self.enforcement("[host]\nguest_cpu_millicores = 900") == .quota)
        #expect(try Self.enforcement("[allocator]\ncpu_enforcement = \"quota\"") == .quota)
        #expect(try Self.enforcement("[allocator]\ncpu_enforcement = \"weight\"") == .weight)
        #expect(try Self.enforcement("[host]\nguest_cpu_millicores = 900\n[allocator]\ncpu_enforcement = \"quota\"") == .quota)
    }

    @Test("an unknown mode, or weight beside a cap on the guests' CPU, is refused naming the key and line")
    func refused() {
        let cases = [
            ("[allocator]\ncpu_enforcement = \"cap\"", "must be \"weight\" or \"quota\", found \"cap\""),
            ("[host]\nguest_cpu_millicores = 900\n[allocator]\ncpu_enforcement = \"weight\"",
             "cannot keep the guests under [host] guest_cpu_millicores"),
        ]
        for (text, message) in cases {
            do {
                _ = try ConfigLoader.parse(text, file: "bad.toml")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.issues.map(\.key) == ["allocator.cpu_enforcement"])
                #expect(error.issues.allSatisfy { $0.file == "bad.toml" && $0.line != nil })
                #expect(error.issues.contains { $0.message.contains(message) }, "\(error.issues.map(\.message))")
            }
        }
    }
}

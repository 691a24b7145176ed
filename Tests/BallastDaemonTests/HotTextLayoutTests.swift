import Foundation
import Testing

/// The release link packs the code the daemon runs with scripts/release/hot-text.ld
/// (docs/observability.md, "Ballast's own memory"). The script is generated from a
/// profile; these checks catch a truncated or wrong profile being committed, which would
/// silently put 5 MiB back on the daemon's resident size.
@Suite("Hot-text linker script")
struct HotTextLayoutTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/release/hot-text.ld")

    static func lines() throws -> [Substring] {
        try String(contentsOf: script, encoding: .utf8).split(separator: "\n")
    }

    @Test("it inserts one packed output section before .text")
    func insertsBeforeText() throws {
        let lines = try Self.lines()
        #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces) == ".text.hot :" })
        #expect(lines.last == "INSERT BEFORE .text;")
    }

    @Test("it holds a whole profile: the standard library's text, the tick, the libvirt calls, the endpoint")
    func wholeProfile() throws {
        let lines = try Self.lines()
        let functionSections = lines.filter { $0.hasPrefix("    *(\".text.") }
        // A profile of `ballast run` against libvirt with scrapes places about 3,700.
        #expect(functionSections.count > 2_000)
        #expect(lines.contains("    *libswiftCore.a:Swift.o(.text)"))
        for module in ["11BallastCore", "14BallastLibvirt", "13BallastDaemon", "14BallastMetrics", "14BallastCgroups"] {
            #expect(functionSections.contains { $0.contains("$s\(module)") }, "no executed function of \(module) in the profile")
        }
    }
}

import Foundation
import Testing

/// The unit reader the unit-command tests rely on: it must split command lines as systemd
/// does, and refuse what it cannot reproduce rather than run something else.
@Suite("Systemd unit parsing (no guests)")
struct SystemdUnitParsing {
    private func command(_ line: String) throws -> SystemdUnit.Command {
        try SystemdUnit.command(line, file: "test.service", line: 1)
    }

    @Test("words, quotes, escapes and prefixes as systemd splits them")
    func splitsLikeSystemd() throws {
        #expect(try command("/usr/bin/ballast run --config /etc/b.toml").words == ["/usr/bin/ballast", "run", "--config", "/etc/b.toml"])
        #expect(try command("/bin/x \"a b\" 'c d' e\\ f  100%%").words == ["/bin/x", "a b", "c d", "e f", "100%"])
        let ignoring = try command("-/bin/x y")
        #expect(ignoring.ignoresFailure && ignoring.words == ["/bin/x", "y"])
        #expect(try command("@/bin/x argv0 y").words == ["/bin/x", "y"])
    }

    @Test("bad input: what the test cannot reproduce is an error naming the line")
    func refusesWhatItCannotReproduce() throws {
        for line in ["/bin/x $HOME", "/bin/x ${A}", "/bin/x %S/ballast", "ballast run", "/bin/x 'open", "/bin/x ; /bin/y"] {
            #expect(throws: SystemdUnit.ParseError.self, "\(line)") { try command(line) }
        }
    }

    @Test("continuation lines join, comments are skipped, repeated keys are kept in order")
    func readsUnitFiles() throws {
        let unit = try SystemdUnit(text: """
            [Service]
            # a comment
            ExecStartPre=/bin/a 1
            ExecStartPre=/bin/b \\
              2
            ExecStart=/bin/c
            [Install]
            ExecStart=/bin/not-a-service-key
            """, path: "test.service")
        #expect(try unit.commands("ExecStartPre").map(\.words) == [["/bin/a", "1"], ["/bin/b", "2"]])
        #expect(try unit.commands("ExecStart").map(\.words) == [["/bin/c"]])
    }

    @Test("contrib/ballast.service: one ExecStart that runs ballast with --config, and its ExecStartPre checks that config")
    func shippedUnitIsRunnable() throws {
        let path = HarnessPaths.repositoryRoot.appendingPathComponent("contrib/ballast.service").path
        let unit = try UnitCommandLine(unitPath: path)
        #expect(unit.start.arguments.first == "run")
        #expect(unit.preStart.contains { $0.arguments.starts(with: ["config", "check"]) && $0.arguments.contains(unit.configPath) },
                "no ExecStartPre checks \(unit.configPath) before the start")
        let adapted = unit.adapted(unit.start, binary: "/tmp/ballast", config: "/tmp/b.toml")
        #expect(adapted.executable == "/tmp/ballast" && adapted.arguments.contains("/tmp/b.toml")
                && !adapted.arguments.contains(unit.configPath))
        #expect(adapted.arguments.count == unit.start.arguments.count, "adapting changed more than the paths")
    }
}

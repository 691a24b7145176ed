import Foundation
@testable import BallastDaemon
import Testing

/// `ConfigLoader.load(path:)` reads the file itself (swift-system, not the cgroup readers).
@Suite("Config file reading")
struct ConfigFileTests {
    @Test("a file on disk is read whole and parsed, past the first read's 16 KiB")
    func readsAFileWhole() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-\(UUID().uuidString).toml")
        let padding = String(repeating: "# padding line to pass one read's chunk\n", count: 600)
        try (padding + "interval = \"3s\"\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try ConfigLoader.load(path: file.path).balancer.interval == 3)
    }

    @Test("a missing file or a folder is one issue naming the file and the system's reason")
    func unreadableFilesSayWhy() {
        for (path, reason) in [("/nonexistent/ballast.toml", "No such file or directory"), ("/", "Is a directory")] {
            #expect {
                try ConfigLoader.load(path: path)
            } throws: { error in
                guard let error = error as? ConfigError, let issue = error.issues.first else { return false }
                return error.issues.count == 1 && issue.file == path
                    && issue.message == "cannot read the file (\(reason)); check the path and permissions"
            }
        }
    }
}

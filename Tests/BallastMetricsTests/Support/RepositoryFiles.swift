import Foundation

/// Files of this repository that tests read (contrib/, plugins/), found from
/// this source file's place in the tree rather than the working directory.
enum RepositoryFiles {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The real interpreter behind `python3` (plugins get no PATH, and the pyenv shim is slow to start).
    static let python: String = {
        let result = try? ProcessRunner.run("python3", ["-c", "import sys; print(sys.executable)"])
        let path = result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return path.isEmpty ? "/usr/bin/python3" : path
    }()
}

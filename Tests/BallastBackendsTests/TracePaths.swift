import Foundation

/// The shared public traces: `$BALLAST_TRACES` when set (as `make test` sets it),
/// else `../shared/traces` beside the repository.
enum TracePaths {
    static let traces: String = {
        if let directory = ProcessInfo.processInfo.environment["BALLAST_TRACES"], !directory.isEmpty {
            return directory
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("../shared/traces").standardizedFileURL.path
    }()
    static let gcd = traces + "/google-2011-gcd"
}

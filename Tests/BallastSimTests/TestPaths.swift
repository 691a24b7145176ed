import Foundation

/// Paths the tests read: the repository root (found from this file's path),
/// the shared public traces, and this target's fixtures.
enum TestPaths {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `$BALLAST_TRACES` when set (`make test` sets it for a clone with no `../shared`
    /// beside it: the traces beside the repository it was cloned from), else
    /// `../shared/traces` beside the repository.
    static let traces: String = {
        if let directory = ProcessInfo.processInfo.environment["BALLAST_TRACES"], !directory.isEmpty {
            return directory
        }
        return (repositoryRoot as NSString).appendingPathComponent("../shared/traces")
    }()
    static let gcd = (traces as NSString).appendingPathComponent("google-2011-gcd")
    static let planetlab = (traces as NSString).appendingPathComponent("planetlab-20110303")
    static let bitbrains = (traces as NSString).appendingPathComponent("bitbrains-rnd-sample")
    static let fixtures = (repositoryRoot as NSString).appendingPathComponent("Tests/BallastSimTests/Fixtures")

    static func fixture(_ name: String) -> String {
        (fixtures as NSString).appendingPathComponent(name)
    }
}

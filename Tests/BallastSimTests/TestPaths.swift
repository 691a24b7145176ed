import Foundation

/// Paths the tests read: the repository root (found from this file's path),
/// the shared public traces beside it, and this target's fixtures.
enum TestPaths {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let traces = (repositoryRoot as NSString).appendingPathComponent("../shared/traces")
    static let gcd = (traces as NSString).appendingPathComponent("google-2011-gcd")
    static let planetlab = (traces as NSString).appendingPathComponent("planetlab-20110303")
    static let bitbrains = (traces as NSString).appendingPathComponent("bitbrains-rnd-sample")
    static let fixtures = (repositoryRoot as NSString).appendingPathComponent("Tests/BallastSimTests/Fixtures")

    static func fixture(_ name: String) -> String {
        (fixtures as NSString).appendingPathComponent(name)
    }
}

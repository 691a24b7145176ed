import Foundation

/// Locates the fixture trees copied into the test bundle.
enum FixturePaths {
    static func root(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FixtureMissing(name: name)
        }
        return url.appendingPathComponent(name).path
    }

    struct FixtureMissing: Error { var name: String }
}

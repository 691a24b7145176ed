import BallastCgroups
import Foundation

/// Host trees for the host checks: BallastCgroups' cgroup v2 fixture (read in place).
enum HostFixtures {
    static let v2Host = RootedFileSystem(root: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("BallastCgroupsTests/Fixtures/v2-host").path)
}

/// A scratch tree of files (host path -> text) a test writes, reads and removes.
struct ScratchTree {
    let root: String

    init(_ files: [String: String]) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-doctor-\(UUID().uuidString)")
        for (path, text) in files {
            let file = url.appendingPathComponent(String(path.dropFirst()))
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        root = url.path
    }

    var fileSystem: RootedFileSystem { RootedFileSystem(root: root) }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

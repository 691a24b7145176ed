import BallastTestFixtures
import Foundation
@testable import BallastDaemon
import Testing

/// One balancer per libvirt: the lock in-process (two open file descriptions of one file
/// conflict under flock(2) as two processes do), and its file names.
@Suite("Balancer lock")
struct BalancerLockTests {
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a second lock on the same libvirt is refused, naming the holder's pid and the lock file")
    func secondLockIsRefused() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try BalancerLock.acquire(uri: "qemu:///system", directory: directory)
        #expect(try String(contentsOfFile: first.path, encoding: .utf8) == "\(getpid())\n")
        #expect(throws: BalancerLockError.held(path: first.path, pid: getpid(), uri: "qemu:///system")) {
            try BalancerLock.acquire(uri: "qemu:///system", directory: directory)
        }
        do {
            _ = try BalancerLock.acquire(uri: "qemu:///system", directory: directory)
        } catch {
            #expect(error.description.contains("pid \(getpid())") && error.description.contains(first.path)
                    && error.description.contains("--dry-run"), "\(error)")
        }
        // Another libvirt has its own lock.
        let other = try BalancerLock.acquire(uri: "qemu:///session", directory: directory)
        #expect(other.path != first.path)
    }

    @Test("the lock is free again as soon as its holder lets go; the file is kept")
    func lockIsFreedWithItsHolder() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var first: BalancerLock? = try BalancerLock.acquire(uri: "test:///default", directory: directory)
        let path = try #require(first?.path)
        first = nil
        #expect(FileManager.default.fileExists(atPath: path))
        let second = try BalancerLock.acquire(uri: "test:///default", directory: directory)
        #expect(second.path == path)
    }

    @Test("a lock directory that cannot be created is an error naming it and what to do")
    func unusableDirectory() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = "\(directory)/plain-file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        do {
            _ = try BalancerLock.acquire(uri: "qemu:///system", directory: "\(file)/locks")
            Issue.record("a lock under a regular file was taken")
        } catch {
            guard case .directoryUnusable(let path, _) = error else {
                Issue.record("expected directoryUnusable, got \(error)")
                return
            }
            #expect(path == "\(file)/locks")
            #expect(error.description.contains("--lock-dir") && error.description.contains("lock_dir"), "\(error)")
        }
    }

    @Test("the real-guest suites' OtherBalancers sees a held lock, with its holder's pid, from /proc/locks")
    func otherBalancersSeesTheLock() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(OtherBalancers.lockHolders(in: directory).isEmpty)
        let lock = try BalancerLock.acquire(uri: "qemu:///system", directory: directory)
        let holders = OtherBalancers.lockHolders(in: directory)
        #expect(holders.map(\.pid) == [getpid()])
        #expect(holders.first?.what.contains(lock.path) == true)
        #expect(OtherBalancers.running(excluding: getpid(), lockDirectory: directory).allSatisfy { !$0.contains(lock.path) })
    }

    @Test("file names are readable, and URIs that fold alike still get two files")
    func fileNames() {
        #expect(BalancerLock.fileName(for: "qemu:///system").hasPrefix("libvirt-qemu_system-"))
        #expect(BalancerLock.fileName(for: "qemu:///system").hasSuffix(".lock"))
        #expect(BalancerLock.fileName(for: "qemu:///system") != BalancerLock.fileName(for: "qemu:///system/"))
        #expect(BalancerLock.fileName(for: "a/b") != BalancerLock.fileName(for: "a_b"))
        #expect(!BalancerLock.fileName(for: "qemu+ssh://../../etc/system").contains("/"))
    }
}

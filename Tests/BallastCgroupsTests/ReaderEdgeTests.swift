import BallastCore
import Foundation
import Testing
@testable import BallastCgroups

/// The reader and the real filesystem on edges the fixture tree does not cover:
/// files larger than the stack buffer, vCPU directory names, single-number files.
struct ReaderEdgeTests {
    /// A temporary root, removed by the caller.
    static func makeRoot() throws -> String {
        let root = NSTemporaryDirectory() + "ballast-reader-edge-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func filesLargerThanTheStackBufferAreReadWhole() throws {
        let root = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fileSystem = RootedFileSystem(root: root)
        for size in [0, 1, RootedFileSystem.stackBufferSize - 1, RootedFileSystem.stackBufferSize,
                     RootedFileSystem.stackBufferSize + 1, 3 * RootedFileSystem.stackBufferSize + 17] {
            let text = String((0..<size).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) })
            try Self.write(text, to: root + "/f\(size)")
            #expect(try fileSystem.readText("/f\(size)") == text)
            #expect(try fileSystem.withContents(of: "/f\(size)") { $0.count } == size)
        }
        #expect(throws: FileAccessError.self) { try fileSystem.withContents(of: "/absent") { $0.count } }
    }

    @Test func directoryEntriesWithoutDots() throws {
        let root = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["b", "a", ".hidden"] { try Self.write("", to: root + "/d/" + name) }
        let fileSystem = RootedFileSystem(root: root)
        var names: [String] = []
        try fileSystem.forEachEntry(in: "/d") { names.append(String(decoding: $0, as: UTF8.self)) }
        #expect(names.sorted() == [".hidden", "a", "b"])
        #expect(try fileSystem.listDirectory("/d") == [".hidden", "a", "b"])
        #expect(throws: FileAccessError.self) { try fileSystem.forEachEntry(in: "/nope") { _ in } }
    }

    @Test func throttlingSumsOnlyVCPUDirectoriesAndNumberFilesKeepTheirRules() throws {
        let root = try Self.makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = "/sys/fs/cgroup/machine.slice/vm.scope"
        let stat = "usage_usec 10\nnr_periods 1\nnr_throttled 1\nthrottled_usec 1\n"
        try Self.write(stat, to: root + dir + "/cpu.stat")
        for child in ["libvirt/vcpu0", "libvirt/vcpu12", "libvirt/vcpux", "libvirt/emulator", "vcpu3", "vcpu"] {
            try Self.write(stat, to: root + dir + "/" + child + "/cpu.stat")
        }
        try Self.write("5\r\n", to: root + dir + "/memory.current")
        try Self.write("anon 1\nfile 2\n", to: root + dir + "/memory.stat")
        try Self.write("some avg10=0.50 avg60=0 avg300=0 total=3\n", to: root + dir + "/cpu.pressure")
        let group = MachineCgroup(version: .v2, directories: ["cpu": dir, "cpuacct": dir, "memory": dir],
                                  relativePath: "machine.slice/vm.scope")
        let sample = CgroupReader(fileSystem: RootedFileSystem(root: root)).read(group)
        #expect(sample.cpu.usageNanos == 10_000)
        // The group itself plus vcpu0, vcpu12 and vcpu3: not vcpux, emulator or a bare "vcpu".
        #expect(sample.cpu.periods == 4)
        #expect(sample.cpu.throttledNanos == 4000)
        #expect(sample.memory.anonymous == 1)
        #expect(sample.memory.fileCache == 2)
        #expect(sample.cpuPressure?.someTotalMicros == 3)
        // "\r\n" is one character to String's trimming, so the value is refused as before.
        #expect(sample.memory.usage == nil)
        #expect(sample.notes.contains { $0.contains("memory.current") && $0.contains("is not an unsigned integer") })
        #expect(sample.notes.contains { $0.contains("no PSI at \(dir)/memory.pressure") })
        #expect(sample.notes.count == 2)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The address ranges at which the running executable's own file is mapped (its code,
/// read-only data and initialised data), read from /proc/self/maps. `StartupPageRelease`
/// hands these ranges' start-up pages back to the kernel.
struct ExecutableMapping: Equatable {
    let start: UInt
    let length: Int

    /// The running executable's mappings; empty where /proc is not mounted or unreadable.
    static func current() -> [ExecutableMapping] {
        guard let maps = try? TextFile.text(at: "/proc/self/maps"), let executable = executablePath() else { return [] }
        return parse(maps: maps, executable: executable)
    }

    /// The lines of a /proc/PID/maps text whose path is `executable`:
    /// "start-end perms offset dev inode path" (the path may hold spaces).
    static func parse(maps: String, executable: String) -> [ExecutableMapping] {
        maps.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }) == executable[...] else { return nil }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                  end > start else { return nil }
            return ExecutableMapping(start: start, length: Int(end - start))
        }
    }

    /// /proc/self/exe's target, as /proc/self/maps names the file.
    private static func executablePath() -> String? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        return nil
        #endif
    }
}

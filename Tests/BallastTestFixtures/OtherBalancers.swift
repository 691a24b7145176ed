import Foundation

/// Finds other `ballast run` daemons on this machine that balance real guests. Two
/// balancers on one libvirtd fight over the same balloons, so a measurement taken while
/// another one runs says nothing about either: every real-guest suite refuses to start
/// beside one.
///
/// A live daemon holds its libvirt's balancer lock (an flock on a file under
/// /run/ballast), which the kernel lists in /proc/locks with the holder's pid: that is
/// read first, without touching the lock. Daemons built before the lock existed are
/// found by their command line (`ballast run`, not the simulator, not a dry run, not on
/// libvirt's test driver).
public enum OtherBalancers {
    /// "pid: what" of every such process except `excluding`.
    public static func running(excluding: Int32, lockDirectory: String = "/run/ballast") -> [String] {
        let holders = lockHolders(in: lockDirectory).filter { $0.pid != excluding }
        let byCommandLine = commandLines().filter { $0.pid != excluding && !holders.map(\.pid).contains($0.pid) }
        return (holders + byCommandLine).map { "\($0.pid): \($0.what)" }
    }

    /// The processes holding an flock on a `*.lock` file of `directory`, from /proc/locks.
    public static func lockHolders(in directory: String) -> [(pid: Int32, what: String)] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".lock") }
        var inodes: [UInt64: String] = [:]
        for file in files {
            let path = "\(directory)/\(file)"
            if let inode = (try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? NSNumber {
                inodes[inode.uint64Value] = path
            }
        }
        guard !inodes.isEmpty, let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return [] }
        // e.g. "3: FLOCK  ADVISORY  WRITE 4242 00:1a:917 0 EOF"
        return locks.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 6, fields[1] == "FLOCK", let pid = Int32(fields[4]),
                  let inodeText = fields[5].split(separator: ":").last, let inode = UInt64(inodeText),
                  let path = inodes[inode] else { return nil }
            return (pid, "holds the balancer lock \(path)")
        }
    }

    /// `ballast run` processes that balance real guests, by command line.
    private static func commandLines() -> [(pid: Int32, what: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> (Int32, String)? in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else {
                return nil
            }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            // The simulator, a dry run and libvirt's in-process test driver touch no guest.
            guard let program = arguments.first, program.hasSuffix("ballast"), arguments.dropFirst().first == "run",
                  !arguments.contains("sim"), !arguments.contains("--dry-run"),
                  !arguments.contains(where: { $0.hasPrefix("test:///") }) else { return nil }
            return (pid, arguments.joined(separator: " "))
        }
    }
}

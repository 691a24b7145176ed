#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BallastCore
import Synchronization

/// The host's KSM: `/sys/kernel/mm/ksm/*` and ksmd's CPU time from `/proc`, under a
/// root (a fixture tree in tests). Reads what Ballast reports and decides on; writes
/// the values the controller chose, one file each, in order.
public final class KernelKSM: KSMInterface {
    public let fileSystem: any KernelFileSystem
    /// ksmd's pid once looked up: ksmd is a kernel thread started at boot that never
    /// exits, so /proc is scanned once (again only if its stat stops answering).
    private let ksmd = Mutex<KsmdLookup>(.notYet)

    private enum KsmdLookup {
        case notYet
        case found(Int)
        case absent
    }

    public static let directory = "/sys/kernel/mm/ksm"

    public init(fileSystem: any KernelFileSystem = RootedFileSystem.host) {
        self.fileSystem = fileSystem
    }

    /// Whether this host has KSM at all (`CONFIG_KSM`).
    public var isPresent: Bool { fileSystem.isDirectory(Self.directory) }

    public func read() throws(KSMAccessError) -> KSMReading {
        var reading = KSMReading(run: try integer("run"), pagesToScan: try integer("pages_to_scan"),
                                 sleepMilliseconds: try integer("sleep_millisecs"))
        reading.pagesShared = try count("pages_shared")
        reading.pagesSharing = try count("pages_sharing")
        reading.pagesUnshared = try count("pages_unshared")
        reading.pagesVolatile = try count("pages_volatile")
        reading.fullScans = try count("full_scans")
        reading.generalProfit = try optional("general_profit").map { text throws(KSMAccessError) in
            guard let value = Int64(text) else { throw malformed("general_profit", text) }
            return value
        }
        reading.advisorMode = try optional("advisor_mode").map { text throws(KSMAccessError) in
            guard let selected = Self.selectedChoice(text) else { throw malformed("advisor_mode", text) }
            return selected
        }
        reading.advisorMaxCPUPercent = try optional("advisor_max_cpu").map { text throws(KSMAccessError) in
            guard let value = Int(text) else { throw malformed("advisor_max_cpu", text) }
            return value
        }
        reading.ksmdCPUSeconds = ksmdCPUSeconds()
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        reading.pageSize = pageSize > 0 ? UInt64(pageSize) : 4096
        return reading
    }

    public func write(_ writes: [KSMWrite]) throws(KSMAccessError) {
        for write in writes {
            do {
                try fileSystem.writeText("\(Self.directory)/\(write.file)", write.value)
            } catch {
                throw KSMAccessError("cannot write \(write.value) to \(error.path): \(error.reason)"
                    + (error.code == EACCES || error.code == EROFS || error.code == EPERM
                        ? "; Ballast needs root and a writable /sys to drive KSM (or set [ksm] mode = \"off\")" : ""))
            }
        }
    }

    /// The selected word of a sysfs choice file: "[none] scan-time" is "none".
    static func selectedChoice(_ text: String) -> String? {
        for word in text.split(separator: " ") where word.hasPrefix("[") && word.hasSuffix("]") && word.count > 2 {
            return String(word.dropFirst().dropLast())
        }
        return nil
    }

    private func text(_ name: String) throws(FileAccessError) -> String {
        var text = try fileSystem.readText("\(Self.directory)/\(name)")
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }

    private func integer(_ name: String) throws(KSMAccessError) -> Int {
        let value = try required(name)
        guard let number = Int(value), number >= 0 else { throw malformed(name, value) }
        return number
    }

    private func count(_ name: String) throws(KSMAccessError) -> UInt64 {
        let value = try required(name)
        guard let number = UInt64(value) else { throw malformed(name, value) }
        return number
    }

    private func required(_ name: String) throws(KSMAccessError) -> String {
        do {
            return try text(name)
        } catch {
            throw KSMAccessError(error.isMissing
                ? "\(error.path) is missing: this kernel has no KSM (CONFIG_KSM) or /sys is not mounted"
                : "cannot read \(error)")
        }
    }

    /// A file newer kernels have: nil where it is missing, an error where it is unreadable.
    private func optional(_ name: String) throws(KSMAccessError) -> String? {
        do {
            return try text(name)
        } catch {
            if error.isMissing { return nil }
            throw KSMAccessError("cannot read \(error)")
        }
    }

    private func malformed(_ name: String, _ text: String) -> KSMAccessError {
        KSMAccessError("\(Self.directory)/\(name) holds \"\(text.prefix(40))\", not what the kernel writes there")
    }

    /// ksmd's user + system time, seconds; nil when no ksmd runs.
    private func ksmdCPUSeconds() -> Double? {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        guard ticks > 0 else { return nil }
        let known = ksmd.withLock { $0 }
        if case .found(let pid) = known, let used = cpuTicks(pid: pid) { return Double(used) / Double(ticks) }
        if case .absent = known { return nil }
        guard let pid = findKsmd(), let used = cpuTicks(pid: pid) else {
            ksmd.withLock { $0 = .absent }
            return nil
        }
        ksmd.withLock { $0 = .found(pid) }
        return Double(used) / Double(ticks)
    }

    /// utime + stime of `pid` when it is still ksmd.
    private func cpuTicks(pid: Int) -> UInt64? {
        guard let stat = try? fileSystem.readText("/proc/\(pid)/stat") else { return nil }
        return Self.ksmdCPUTicks(stat: stat)
    }

    /// utime + stime from a `/proc/PID/stat` line whose command is `ksmd`.
    static func ksmdCPUTicks(stat: String) -> UInt64? {
        guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"), open < close,
              stat[stat.index(after: open)..<close] == "ksmd" else { return nil }
        // After ") ": state (field 3), then fields 4...; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return user + system
    }

    /// The kernel thread ksmd (a child of kthreadd, so among the lowest pids).
    private func findKsmd() -> Int? {
        guard let entries = try? fileSystem.listDirectory("/proc") else { return nil }
        for entry in entries {
            guard let pid = Int(entry),
                  let comm = try? fileSystem.readText("/proc/\(pid)/comm"), comm.hasPrefix("ksmd"),
                  comm.dropFirst(4).allSatisfy(\.isWhitespace) else { continue }
            return pid
        }
        return nil
    }
}

/// Which cgroup hierarchy the host uses and where it is mounted. Detected once
/// from `/proc/self/mountinfo`; every reader takes paths from here.
///
/// - v1: one mount per controller (or per co-mounted set); `controllerMounts`
///   maps each controller ("cpu", "cpuacct", "memory") to its mount point.
/// - v2: the single unified mount (`/sys/fs/cgroup` on current distributions).
///
/// A hybrid host (v1 controllers plus an empty v2 mount, as on the build
/// machines) counts as v1: the controllers that matter live in the v1 mounts.
public struct CgroupLayout: Sendable, Hashable {
    public enum Version: String, Sendable, Hashable { case v1, v2 }

    public var version: Version
    /// v1 controller name -> mount point.
    public var controllerMounts: [String: String]
    /// The cgroup2 mount point, if any (also present on hybrid hosts).
    public var unifiedMount: String?

    public init(version: Version, controllerMounts: [String: String] = [:], unifiedMount: String? = nil) {
        self.version = version
        self.controllerMounts = controllerMounts
        self.unifiedMount = unifiedMount
    }

    /// v1 controllers Ballast reads.
    static let v1Controllers: Set<String> = ["cpu", "cpuacct", "memory", "cpuset", "blkio", "pids"]

    /// Reads `/proc/self/mountinfo` through `fileSystem` and decides.
    public static func detect(in fileSystem: any KernelFileSystem) throws(CgroupLayoutError) -> CgroupLayout {
        let text: String
        do {
            text = try fileSystem.readText("/proc/self/mountinfo")
        } catch {
            throw CgroupLayoutError(detail: "cannot read /proc/self/mountinfo (\(error.reason)); is /proc mounted?")
        }
        return try parse(mountinfo: text)
    }

    /// Decides from mountinfo text (format: proc(5), "/proc/pid/mountinfo").
    public static func parse(mountinfo: String) throws(CgroupLayoutError) -> CgroupLayout {
        var controllers: [String: String] = [:]
        var unified: String?
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let separator = fields.firstIndex(of: "-"), separator >= 5, separator + 1 < fields.count else {
                continue
            }
            let mountPoint = unescapeOctal(String(fields[4]))
            let fsType = fields[separator + 1]
            if fsType == "cgroup2" {
                unified = unified ?? mountPoint
            } else if fsType == "cgroup", separator + 3 < fields.count {
                for option in fields[separator + 3].split(separator: ",") where v1Controllers.contains(String(option)) {
                    controllers[String(option)] = controllers[String(option)] ?? mountPoint
                }
            }
        }
        if controllers["cpu"] != nil || controllers["memory"] != nil {
            return CgroupLayout(version: .v1, controllerMounts: controllers, unifiedMount: unified)
        }
        if let unified {
            return CgroupLayout(version: .v2, unifiedMount: unified)
        }
        throw CgroupLayoutError(detail: "no cgroup (v1 cpu/memory) or cgroup2 mount in /proc/self/mountinfo; mount cgroups or run on a host that has them")
    }

    /// The mount point holding `controller` (v1), or the unified mount (v2).
    public func mount(for controller: String) -> String? {
        switch version {
        case .v1: controllerMounts[controller]
        case .v2: unifiedMount
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as \ooo octal.
    static func unescapeOctal(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == 0x5C, index + 3 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The host's cgroup layout could not be determined; says what was looked at.
public struct CgroupLayoutError: Error, Sendable, Hashable, CustomStringConvertible {
    public var detail: String
    public var description: String { "cgroup layout: \(detail)" }
}

/// The names libvirt gives a domain's cgroup, computed the way libvirt and
/// systemd do, so that Ballast finds the cgroup from the domain's id and name.
///
/// - Machine name (libvirt `virDomainDriverGenerateMachineName`):
///   `<driver>-<id>-<name>`, where the name keeps only hostname characters
///   (`[A-Za-z0-9-]` plus `.`), collapses runs of `-`/`.` and drops them at the
///   start, stops once the whole machine name reaches 64 characters, and loses
///   trailing `-` and `.`.
/// - cgroup v1 and v2 without systemd: `<machine>.libvirt-<driver>` under the
///   `machine` partition, escaped with a leading `_` where it would clash with
///   a controller or kernel file name (libvirt `virCgroupPartitionEscape`).
/// - systemd (v2): `machine.slice/machine-<escaped machine>.scope`, escaped as
///   systemd's unit names are (`-` becomes `\x2d`, other bytes outside
///   `[A-Za-z0-9:_.]` become `\xNN`, a leading `.` too).
public enum MachineCgroupName {
    static let maximumMachineNameLength = 64

    public static func machineName(driver: String = "qemu", id: Int, name: String) -> String {
        var buffer = Array("\(driver)-\(id)-".utf8)
        var skip = true
        for byte in name.utf8 {
            if buffer.count >= maximumMachineNameLength { break }
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") {
                if !skip { buffer.append(byte) }
                skip = true
                continue
            }
            skip = false
            if isHostnameCharacter(byte) { buffer.append(byte) }
        }
        while let last = buffer.last, last == UInt8(ascii: "-") || last == UInt8(ascii: ".") { buffer.removeLast() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Directory name of the domain's cgroup when libvirt manages cgroups itself.
    public static func libvirtGroupName(driver: String = "qemu", id: Int, name: String) -> String {
        partitionEscape("\(machineName(driver: driver, id: id, name: name)).libvirt-\(driver)")
    }

    /// systemd scope unit of the domain (`machine-qemu\x2d1\x2dvm.scope`).
    public static func systemdScopeName(driver: String = "qemu", id: Int, name: String) -> String {
        "machine-\(systemdEscape(machineName(driver: driver, id: id, name: name))).scope"
    }

    /// systemd's unit name escaping (`systemd-escape`).
    public static func systemdEscape(_ text: String) -> String {
        var result = ""
        for (offset, byte) in text.utf8.enumerated() {
            let isPlain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") || (byte == UInt8(ascii: ".") && offset > 0)
            if byte == UInt8(ascii: "/") {
                result.append("-")
            } else if isPlain {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                let hex = String(byte, radix: 16)
                result.append("\\x" + (hex.count == 1 ? "0" + hex : hex))
            }
        }
        return result
    }

    static func partitionEscape(_ name: String) -> String {
        let reserved: Set<String> = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio",
                                     "net_cls", "perf_event", "name=systemd"]
        if name.hasPrefix("_") || name.hasPrefix(".") || name.hasPrefix("cgroup.") {
            return "_" + name
        }
        for controller in reserved where name.hasPrefix(controller + ".") {
            return "_" + name
        }
        return name
    }

    static func isHostnameCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-")
    }
}

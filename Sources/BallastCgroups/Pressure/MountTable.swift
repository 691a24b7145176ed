/// Which file system a path is on, from `/proc/self/mountinfo` (the mount with the
/// longest mount point that contains the path): tells a kernel pressure file (proc,
/// cgroup2) from a fixture or a copy on tmpfs or ext4, which would take any write.
enum MountTable {
    /// The file system type ("proc", "cgroup2", "tmpfs", ...), or nil when mountinfo
    /// cannot be read (then the kernel's answer to the trigger decides).
    static func fileSystemType(of path: String, mountInfo: String? = nil) -> String? {
        guard let text = mountInfo ?? (try? RootedFileSystem.host.readText("/proc/self/mountinfo")) else { return nil }
        var best: (point: String, type: String)?
        for line in text.split(separator: "\n") {
            // id parent major:minor root mount-point options [optional...] - type source options
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 4, let separator = fields.firstIndex(of: "-"), separator + 1 < fields.count else { continue }
            let point = unescape(fields[4])
            let type = String(fields[separator + 1])
            guard contains(point, path), point.count >= best?.point.count ?? -1 else { continue }
            best = (point, type)
        }
        return best?.type
    }

    /// Whether `path` lies at or below the mount point `point`.
    private static func contains(_ point: String, _ path: String) -> Bool {
        point == "/" || path == point || path.hasPrefix(point + "/")
    }

    /// mountinfo writes a space, tab, newline and backslash in a path as \040, \011, \012, \134.
    private static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        return String(field.replacing("\\040", with: " ").replacing("\\011", with: "\t")
            .replacing("\\012", with: "\n").replacing("\\134", with: "\\"))
    }
}

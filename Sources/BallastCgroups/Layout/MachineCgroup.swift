/// Where one domain's cgroup lives: the directory per controller (v1) or the
/// one unified directory (v2), as absolute host paths.
public struct MachineCgroup: Sendable, Hashable {
    public var version: CgroupLayout.Version
    /// v1: "cpu", "cpuacct", "memory" -> directory; v2: each key maps to the same directory.
    public var directories: [String: String]
    /// Path below the controller mount, e.g. "machine/qemu-1-vm.libvirt-qemu".
    public var relativePath: String

    public init(version: CgroupLayout.Version, directories: [String: String], relativePath: String) {
        self.version = version
        self.directories = directories
        self.relativePath = relativePath
    }

    public func directory(for controller: String) -> String? { directories[controller] }
}

/// Finds the cgroup libvirt created for a running domain, by computing the names
/// libvirt and systemd use (`MachineCgroupName`) and checking which exists; if
/// none does (a libvirt that names differently), it looks for the one directory
/// whose name carries the domain's id (`qemu-<id>-*.libvirt-qemu`,
/// `machine-qemu\x2d<id>\x2d*.scope`), since ids are unique among running domains.
public struct MachineCgroupResolver: Sendable {
    public let layout: CgroupLayout
    public let fileSystem: any KernelFileSystem

    public init(layout: CgroupLayout, fileSystem: any KernelFileSystem) {
        self.layout = layout
        self.fileSystem = fileSystem
    }

    /// The domain's cgroup, or an error saying where it looked.
    public func resolve(id: Int, name: String, driver: String = "qemu") -> Result<MachineCgroup, CgroupResolveError> {
        let anchor = layout.version == .v1 ? "cpu" : "unified"
        guard let base = layout.version == .v1 ? layout.controllerMounts["cpu"] : layout.unifiedMount else {
            return .failure(CgroupResolveError(domain: name, detail: "no \(anchor) cgroup mount on this host"))
        }
        let candidates = [
            "machine/" + MachineCgroupName.libvirtGroupName(driver: driver, id: id, name: name),
            "machine.slice/" + MachineCgroupName.systemdScopeName(driver: driver, id: id, name: name),
        ]
        var relative = candidates.first { fileSystem.isDirectory(join(base, $0)) }
        if relative == nil {
            relative = scan(base: base, partition: "machine", prefix: "\(driver)-\(id)-", suffix: ".libvirt-\(driver)")
                ?? scan(base: base, partition: "machine.slice",
                        prefix: "machine-\(driver)\\x2d\(id)\\x2d", suffix: ".scope")
        }
        guard let relative else {
            let looked = candidates.map { join(base, $0) }.joined(separator: ", ")
            return .failure(CgroupResolveError(domain: name, detail: "no cgroup directory found (looked for \(looked)); is the domain running under this libvirtd?"))
        }
        var directories: [String: String] = [:]
        switch layout.version {
        case .v1:
            // libvirt does not create the group under every controller (not under a
            // separately mounted cpuacct, for one): keep those that exist.
            for (controller, mount) in layout.controllerMounts where fileSystem.isDirectory(join(mount, relative)) {
                directories[controller] = join(mount, relative)
            }
        case .v2:
            for controller in ["cpu", "cpuacct", "memory"] { directories[controller] = join(base, relative) }
        }
        return .success(MachineCgroup(version: layout.version, directories: directories, relativePath: relative))
    }

    private func scan(base: String, partition: String, prefix: String, suffix: String) -> String? {
        guard let names = try? fileSystem.listDirectory(join(base, partition)) else { return nil }
        return names.first { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.map { "\(partition)/\($0)" }
    }

    private func join(_ base: String, _ relative: String) -> String {
        base.hasSuffix("/") ? base + relative : base + "/" + relative
    }
}

/// A domain's cgroup could not be found; names the domain and the paths tried.
public struct CgroupResolveError: Error, Sendable, Hashable, CustomStringConvertible {
    public var domain: String
    public var detail: String
    public var description: String { "cgroup of domain '\(domain)': \(detail)" }
}

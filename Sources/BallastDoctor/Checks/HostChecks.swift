import BallastCgroups
import BallastCore

/// The host checks that read kernel files: the cgroup layout, PSI, and the configured
/// host reserve against what the host has. Pure over a `KernelFileSystem`, so tests run
/// them on fixture trees.
public enum HostChecks {
    /// The cgroup layout, and a finding about it (a warning when none is found: per-VM CPU
    /// throttling, run-queue delay and pressure are then unread).
    public static func cgroupLayout(in fileSystem: any KernelFileSystem) -> (Finding, CgroupLayout?) {
        let check = "host.cgroups"
        do {
            let layout = try CgroupLayout.detect(in: fileSystem)
            let mounts: String
            switch layout.version {
            case .v2: mounts = "cgroup v2, unified hierarchy at \(layout.unifiedMount ?? "?")"
            case .v1:
                let controllers = ["cpu", "memory"].map { "\($0) at \(layout.controllerMounts[$0] ?? "not mounted")" }
                mounts = "cgroup v1, " + controllers.joined(separator: ", ")
            }
            return (.ok(check, .host, mounts), layout)
        } catch {
            return (Finding(check: check, scope: .host, severity: .warning, found: "\(error)",
                            why: "without the VMs' cgroups Ballast cannot see CPU throttling, run-queue delay or "
                                + "per-VM pressure, and estimates demand from libvirt's counters alone",
                            fix: "mount the cgroup2 hierarchy (mount -t cgroup2 none /sys/fs/cgroup) or the v1 cpu "
                                + "and memory controllers, as systemd does by default"), nil)
        }
    }

    /// Whether `/proc/pressure/memory` (PSI) can be read.
    public static func pressure(in fileSystem: any KernelFileSystem) -> Finding {
        let check = "host.psi"
        let path = "/proc/pressure/memory"
        let why = "Ballast reads host memory pressure to tell a squeezed host from an idle one, and guest pressure "
            + "to see demand that usage hides"
        do {
            let sample = try PressureFile.parse(try fileSystem.readText(path), file: path)
            return .ok(check, .host, "\(path) readable (some avg10 \(sample.someAvg10) %)")
        } catch let error as FileAccessError {
            let fix = error.isMissing
                ? "use a kernel built with CONFIG_PSI=y and boot it with psi=1 if it defaults off (CONFIG_PSI_DEFAULT_DISABLED)"
                : "run Ballast as root, or let its user read \(path)"
            return Finding(check: check, scope: .host, severity: .warning,
                           found: error.isMissing ? "\(path) does not exist: the kernel has no PSI" : "\(error)",
                           why: why, fix: fix)
        } catch {
            return Finding(check: check, scope: .host, severity: .warning, found: "\(path): \(error)", why: why,
                           fix: "check the kernel's PSI support; the file should hold 'some avg10=..' and 'full avg10=..' lines")
        }
    }

    /// The configured host reserve against the host's memory and CPUs.
    public static func reserve(_ reserve: ResourceVector, host: HostKernelSample) -> [Finding] {
        [memoryReserve(reserve.memory, total: host.memoryTotal), cpuReserve(reserve.cpu, onlineCPUs: host.onlineCPUs)]
    }

    /// Below this the host's own processes (QEMU's overhead, libvirtd, the kernel) are squeezed.
    static let smallestSaneReserve: UInt64 = .mebibytes(256)
    static let fix = "set [host] reserve_memory / reserve_cpu_millicores in the config (docs/configuration.md)"

    static func memoryReserve(_ reserve: UInt64, total: UInt64) -> Finding {
        let check = "host.reserve-memory"
        let found = "reserve_memory \(HumanFormat.bytes(reserve)) of MemTotal \(HumanFormat.bytes(total))"
        if reserve >= total {
            return Finding(check: check, scope: .host, severity: .blocker, found: found,
                           why: "the reserve leaves no memory for guests: Ballast would shrink every balloon to its floor",
                           fix: "lower reserve_memory below MemTotal (a few GiB or about 10 % is usual); " + fix)
        }
        if reserve < smallestSaneReserve {
            return Finding(check: check, scope: .host, severity: .warning, found: found,
                           why: "Ballast may hand guests memory the host itself needs (QEMU overhead, libvirtd, page cache)",
                           fix: "raise reserve_memory to at least \(HumanFormat.bytes(smallestSaneReserve)); " + fix)
        }
        if reserve > total / 2 {
            return Finding(check: check, scope: .host, severity: .warning, found: found,
                           why: "more than half the host is kept from the guests: Ballast balances only what is left",
                           fix: "lower reserve_memory unless the host runs other work; " + fix)
        }
        return .ok(check, .host, found)
    }

    static func cpuReserve(_ reserve: Int, onlineCPUs: Int) -> Finding {
        let check = "host.reserve-cpu"
        let capacity = onlineCPUs * 1000
        let found = "reserve_cpu_millicores \(reserve) of \(onlineCPUs) online CPUs (\(capacity) m)"
        if reserve >= capacity {
            return Finding(check: check, scope: .host, severity: .blocker, found: found,
                           why: "the reserve leaves no CPU for guests",
                           fix: "lower reserve_cpu_millicores below \(capacity); " + fix)
        }
        return .ok(check, .host, found)
    }
}

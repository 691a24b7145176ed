import BallastCore

/// What the kernel says about the host as a whole: online CPUs, physical and
/// available memory (`/proc/meminfo`), and PSI (`/proc/pressure/*`) where the
/// kernel has it.
public struct HostKernelSample: Sendable, Hashable {
    public var onlineCPUs: Int
    public var memoryTotal: UInt64
    public var memoryAvailable: UInt64
    public var cpuPressure: PressureSample?
    public var memoryPressure: PressureSample?
    /// Optional files that could not be read and why.
    public var notes: [String]

    /// Online CPUs × 1000 and MemTotal, in Ballast's units.
    public var capacity: ResourceVector { ResourceVector(cpu: onlineCPUs * 1000, memory: memoryTotal) }
}

/// Reads the host files. CPUs and memory are required (an error says which file
/// and why); pressure is optional (missing on kernels without PSI).
public struct HostReader: Sendable {
    public let fileSystem: any KernelFileSystem

    public init(fileSystem: any KernelFileSystem = RootedFileSystem.host) {
        self.fileSystem = fileSystem
    }

    public func read() throws(HostReadError) -> HostKernelSample {
        let onlineCPUs: Int
        let meminfo: [String: UInt64]
        do {
            onlineCPUs = try CPUList.count(try fileSystem.readText("/sys/devices/system/cpu/online"),
                                           file: "/sys/devices/system/cpu/online")
            meminfo = FlatKeyedFile.parse(try fileSystem.readText("/proc/meminfo"))
        } catch let error as FileAccessError {
            throw HostReadError(detail: "cannot read \(error); Ballast needs /proc and /sys mounted")
        } catch let error as ParseError {
            throw HostReadError(detail: "\(error)")
        } catch {
            throw HostReadError(detail: "\(error)")
        }
        guard let total = meminfo["MemTotal"] else {
            throw HostReadError(detail: "/proc/meminfo has no MemTotal line")
        }
        guard let available = meminfo["MemAvailable"] else {
            throw HostReadError(detail: "/proc/meminfo has no MemAvailable line (kernel older than 3.14?)")
        }
        var notes: [String] = []
        let cpuPressure = pressure("/proc/pressure/cpu", notes: &notes)
        let memoryPressure = pressure("/proc/pressure/memory", notes: &notes)
        return HostKernelSample(onlineCPUs: onlineCPUs, memoryTotal: total, memoryAvailable: available,
                                cpuPressure: cpuPressure, memoryPressure: memoryPressure, notes: notes)
    }

    private func pressure(_ path: String, notes: inout [String]) -> PressureSample? {
        do {
            return try PressureFile.parse(try fileSystem.readText(path), file: path)
        } catch let error as FileAccessError {
            if !error.isMissing { notes.append("host PSI unreadable: \(error)") }
            return nil
        } catch {
            notes.append("\(error)")
            return nil
        }
    }
}

/// The host's CPU or memory totals could not be read; names the file and cause.
public struct HostReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var detail: String
    public var description: String { "host sample: \(detail)" }
}

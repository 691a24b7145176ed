import BallastCore

/// Reads a domain's cgroup files into a `CgroupSample`. Formats follow the
/// kernel's documentation (Documentation/admin-guide/cgroup-v2.rst, the v1
/// cpu/cpuacct/memory docs, accounting/psi.rst):
///
/// - v2: `cpu.stat` (usage_usec, nr_periods, nr_throttled, throttled_usec),
///   `memory.current`, `memory.stat` (anon, file), `cpu.pressure`, `memory.pressure`.
/// - v1: `cpuacct.usage` (ns, where the group exists under cpuacct), `cpu.stat` (nr_periods, nr_throttled,
///   throttled_time ns), `memory.usage_in_bytes`, `memory.stat` (total_rss/rss,
///   total_cache/cache). v1 has no per-cgroup PSI.
///
/// Throttling is summed over the group and its per-vCPU children (`vcpuN`, or
/// `libvirt/vcpuN` in libvirt's v2 layout) because libvirt sets `vcpu_quota` on
/// the children. Nothing here throws: every failure becomes a note.
public struct CgroupReader: Sendable {
    public let fileSystem: any KernelFileSystem

    public init(fileSystem: any KernelFileSystem) {
        self.fileSystem = fileSystem
    }

    public func read(_ group: MachineCgroup) -> CgroupSample {
        var sample = CgroupSample()
        switch group.version {
        case .v1: readV1(group, into: &sample)
        case .v2: readV2(group, into: &sample)
        }
        return sample
    }

    // MARK: v2

    private func readV2(_ group: MachineCgroup, into sample: inout CgroupSample) {
        guard let dir = group.directory(for: "cpu") else {
            sample.notes.append("cgroup v2 directory unknown")
            return
        }
        if let stat = keyed(dir + "/cpu.stat", notes: &sample.notes) {
            sample.cpu.usageNanos = stat["usage_usec"].map { $0 &* 1000 }
            if stat["usage_usec"] == nil { sample.notes.append("\(dir)/cpu.stat: no usage_usec") }
        }
        var throttle = ThrottleSum()
        throttle.add(v2: keyedQuiet(dir + "/cpu.stat"))
        for child in vcpuDirectories(dir + "/libvirt") + vcpuDirectories(dir) {
            throttle.add(v2: keyedQuiet(child + "/cpu.stat"))
        }
        throttle.store(into: &sample.cpu)
        sample.memory.usage = number(dir + "/memory.current", notes: &sample.notes)
        if let stat = keyed(dir + "/memory.stat", notes: &sample.notes) {
            sample.memory.anonymous = stat["anon"]
            sample.memory.fileCache = stat["file"]
        }
        sample.cpuPressure = pressure(dir + "/cpu.pressure", notes: &sample.notes)
        sample.memoryPressure = pressure(dir + "/memory.pressure", notes: &sample.notes)
    }

    // MARK: v1

    private func readV1(_ group: MachineCgroup, into sample: inout CgroupSample) {
        // libvirt may not create the group under a separately mounted cpuacct; then CPU
        // usage comes from libvirt's cpu.time alone (the assembler notes it if that is missing too).
        if let dir = group.directory(for: "cpuacct") {
            sample.cpu.usageNanos = number(dir + "/cpuacct.usage", notes: &sample.notes)
        }
        if let dir = group.directory(for: "cpu") {
            var throttle = ThrottleSum()
            if let own = keyed(dir + "/cpu.stat", notes: &sample.notes) { throttle.add(v1: own) }
            for child in vcpuDirectories(dir) { throttle.add(v1: keyedQuiet(child + "/cpu.stat")) }
            throttle.store(into: &sample.cpu)
        } else {
            sample.notes.append("cgroup v1 cpu controller not mounted: no throttling counters")
        }
        if let dir = group.directory(for: "memory") {
            sample.memory.usage = number(dir + "/memory.usage_in_bytes", notes: &sample.notes)
            if let stat = keyed(dir + "/memory.stat", notes: &sample.notes) {
                sample.memory.anonymous = stat["total_rss"] ?? stat["rss"]
                sample.memory.fileCache = stat["total_cache"] ?? stat["cache"]
            }
        } else {
            sample.notes.append("cgroup v1 memory controller not mounted: no cgroup memory usage")
        }
    }

    // MARK: helpers

    private func vcpuDirectories(_ dir: String) -> [String] {
        guard let names = try? fileSystem.listDirectory(dir) else { return [] }
        return names.filter { $0.hasPrefix("vcpu") && Int($0.dropFirst(4)) != nil }.map { dir + "/" + $0 }
    }

    private func keyed(_ path: String, notes: inout [String]) -> [String: UInt64]? {
        do {
            return FlatKeyedFile.parse(try fileSystem.readText(path))
        } catch {
            notes.append("cgroup file unreadable: \(error)")
            return nil
        }
    }

    private func keyedQuiet(_ path: String) -> [String: UInt64]? {
        (try? fileSystem.readText(path)).map(FlatKeyedFile.parse)
    }

    private func number(_ path: String, notes: inout [String]) -> UInt64? {
        do {
            let text = try fileSystem.readText(path).trimmingWhitespace()
            guard let value = UInt64(text) else {
                notes.append("cgroup file \(path): '\(text.prefix(40))' is not an unsigned integer")
                return nil
            }
            return value
        } catch {
            notes.append("cgroup file unreadable: \(error)")
            return nil
        }
    }

    private func pressure(_ path: String, notes: inout [String]) -> PressureSample? {
        do {
            return try PressureFile.parse(try fileSystem.readText(path), file: path)
        } catch let error as FileAccessError {
            notes.append(error.isMissing ? "no PSI at \(path) (kernel without CONFIG_PSI or psi=0)"
                                         : "cgroup file unreadable: \(error)")
            return nil
        } catch {
            notes.append("\(error)")
            return nil
        }
    }
}

/// Adds up CFS throttling counters over several cgroups.
private struct ThrottleSum {
    var periods: UInt64?
    var throttled: UInt64?
    var nanos: UInt64?

    mutating func add(v1 stat: [String: UInt64]?) {
        guard let stat else { return }
        add(periods: stat["nr_periods"], throttled: stat["nr_throttled"], nanos: stat["throttled_time"])
    }

    mutating func add(v2 stat: [String: UInt64]?) {
        guard let stat else { return }
        add(periods: stat["nr_periods"], throttled: stat["nr_throttled"],
            nanos: stat["throttled_usec"].map { $0 &* 1000 })
    }

    private mutating func add(periods: UInt64?, throttled: UInt64?, nanos: UInt64?) {
        if let periods { self.periods = (self.periods ?? 0) &+ periods }
        if let throttled { self.throttled = (self.throttled ?? 0) &+ throttled }
        if let nanos { self.nanos = (self.nanos ?? 0) &+ nanos }
    }

    func store(into cpu: inout CgroupCPUStats) {
        cpu.periods = periods
        cpu.throttledPeriods = throttled
        cpu.throttledNanos = nanos
    }
}

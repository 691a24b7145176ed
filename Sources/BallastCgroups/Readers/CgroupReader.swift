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
        var throttle = ThrottleSum()
        if let stat = counters(dir + "/cpu.stat", CPUStatCounters.parse, notes: &sample.notes) {
            sample.cpu.usageNanos = stat.usageMicros.map { $0 &* 1000 }
            if stat.usageMicros == nil { sample.notes.append("\(dir)/cpu.stat: no usage_usec") }
            throttle.add(v2: stat)
        }
        forEachVCPUDirectory(in: dir + "/libvirt") { throttle.add(v2: cpuStatQuiet($0 + "/cpu.stat")) }
        forEachVCPUDirectory(in: dir) { throttle.add(v2: cpuStatQuiet($0 + "/cpu.stat")) }
        throttle.store(into: &sample.cpu)
        sample.memory.usage = number(dir + "/memory.current", notes: &sample.notes)
        if let stat = counters(dir + "/memory.stat", MemoryStatCounters.parse, notes: &sample.notes) {
            sample.memory.anonymous = stat.anon
            sample.memory.fileCache = stat.file
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
            if let own = counters(dir + "/cpu.stat", CPUStatCounters.parse, notes: &sample.notes) { throttle.add(v1: own) }
            forEachVCPUDirectory(in: dir) { throttle.add(v1: cpuStatQuiet($0 + "/cpu.stat")) }
            throttle.store(into: &sample.cpu)
        } else {
            sample.notes.append("cgroup v1 cpu controller not mounted: no throttling counters")
        }
        if let dir = group.directory(for: "memory") {
            sample.memory.usage = number(dir + "/memory.usage_in_bytes", notes: &sample.notes)
            if let stat = counters(dir + "/memory.stat", MemoryStatCounters.parse, notes: &sample.notes) {
                sample.memory.anonymous = stat.totalRSS ?? stat.rss
                sample.memory.fileCache = stat.totalCache ?? stat.cache
            }
        } else {
            sample.notes.append("cgroup v1 memory controller not mounted: no cgroup memory usage")
        }
    }

    // MARK: helpers

    /// Calls `body` with the path of each `vcpuN` entry of `dir` (none if `dir` is unreadable).
    private func forEachVCPUDirectory(in dir: String, _ body: (String) -> Void) {
        try? fileSystem.forEachEntry(in: dir) { name in
            guard name.count > 4, name.slice(0..<4).spells("vcpu"),
                  DecimalBytes.isInt(name.slice(4..<name.count)) else { return }
            body(dir + "/" + name.text)
        }
    }

    /// A flat-keyed file's counters; an unreadable file becomes a note.
    private func counters<Counters>(_ path: String, _ parse: (UnsafeBufferPointer<UInt8>) -> Counters,
                                    notes: inout [String]) -> Counters? {
        do {
            return try fileSystem.withContents(of: path, parse)
        } catch {
            notes.append("cgroup file unreadable: \(error)")
            return nil
        }
    }

    private func cpuStatQuiet(_ path: String) -> CPUStatCounters? {
        try? fileSystem.withContents(of: path, CPUStatCounters.parse)
    }

    private func number(_ path: String, notes: inout [String]) -> UInt64? {
        let parsed: Result<UInt64, NumberFileError>
        do {
            parsed = try fileSystem.withContents(of: path) { bytes in
                let trimmed = bytes.trimmingWhitespace()
                guard let value = DecimalBytes.unsigned(trimmed) else { return .failure(NumberFileError(text: trimmed.text)) }
                return .success(value)
            }
        } catch {
            notes.append("cgroup file unreadable: \(error)")
            return nil
        }
        switch parsed {
        case .success(let value):
            return value
        case .failure(let error):
            notes.append("cgroup file \(path): '\(error.text.prefix(40))' is not an unsigned integer")
            return nil
        }
    }

    private func pressure(_ path: String, notes: inout [String]) -> PressureSample? {
        let parsed: Result<PressureSample, ParseError>
        do {
            parsed = try fileSystem.withContents(of: path) { bytes in
                Result { () throws(ParseError) -> PressureSample in try PressureFile.parse(bytes, file: path) }
            }
        } catch {
            notes.append(error.isMissing ? "no PSI at \(path) (kernel without CONFIG_PSI or psi=0)"
                                         : "cgroup file unreadable: \(error)")
            return nil
        }
        switch parsed {
        case .success(let sample):
            return sample
        case .failure(let error):
            notes.append("\(error)")
            return nil
        }
    }
}

/// A single-number cgroup file held something else (the trimmed text, for the note).
private struct NumberFileError: Error {
    var text: String
}

/// Adds up CFS throttling counters over several cgroups.
private struct ThrottleSum {
    var periods: UInt64?
    var throttled: UInt64?
    var nanos: UInt64?

    mutating func add(v1 stat: CPUStatCounters?) {
        guard let stat else { return }
        add(periods: stat.periods, throttled: stat.throttledPeriods, nanos: stat.throttledTimeNanos)
    }

    mutating func add(v2 stat: CPUStatCounters?) {
        guard let stat else { return }
        add(periods: stat.periods, throttled: stat.throttledPeriods, nanos: stat.throttledMicros.map { $0 &* 1000 })
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

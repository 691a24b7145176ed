import BallastCgroups
import BallastCore
import BallastLibvirt
import Benchmark
import Foundation

/// Sampling cost per tick at 1,000 VMs (issue 3 target: under 20 ms, release):
/// - "parse": cgroup v2 files (cpu.stat of the domain and 2 vCPUs, memory.current,
///   memory.stat, cpu.pressure, memory.pressure) held in memory, plus libvirt typed
///   parameters as the QEMU driver reports them, assembled into VMSamples;
/// - "read + parse": the same with the cgroup files read from a fixture tree on
///   disk (open/read/close per file), i.e. including the system calls;
/// - "read only": those system calls alone (the same files and directory
///   listings, nothing parsed), to tell reading from parsing.
let benchmarks: @Sendable () -> Void = {
    let vmCount = 1000
    let memoryTree = SamplingFixtures.tree(vms: vmCount)
    let inMemory = InMemoryFileSystem(files: memoryTree.files, directories: memoryTree.directories)
    let onDisk = SamplingFixtures.writeToDisk(memoryTree)
    let groups = (0..<vmCount).map { SamplingFixtures.group(index: $0) }
    let parameters = (0..<vmCount).compactMap { try? SamplingFixtures.typedParameters(index: $0) }
    // libvirt hands each domain's UUID and name over as C strings every tick (one String each).
    let uuids = (0..<vmCount).map { Array(SamplingFixtures.uuid($0).utf8) }
    let names = (0..<vmCount).map { Array("vm-\($0)".utf8) }
    let spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: 1 << 30), maxVCPUs: 2, vcpuHotplug: true)

    func tick(_ fileSystem: any KernelFileSystem) -> [VMSample] {
        let reader = CgroupReader(fileSystem: fileSystem)
        var samples: [VMSample] = []
        samples.reserveCapacity(vmCount)
        for index in 0..<vmCount {
            var stats = DomainStats(uuid: String(decoding: uuids[index], as: UTF8.self),
                                    name: String(decoding: names[index], as: UTF8.self), id: index + 1)
            DomainStatsParser.parse(parameters[index], into: &stats)
            let cgroup = reader.read(groups[index])
            samples.append(VMSampleAssembler.assemble(stats: stats, spec: spec, hasBalloonDevice: true, cgroup: cgroup))
        }
        return samples
    }

    let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                                timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 200)
    Benchmark("parse cgroup v2 files + typed parameters, 1,000 VMs (one tick)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(tick(inMemory)) }
    }
    if let onDisk {
        Benchmark("read + parse cgroup v2 fixture tree + typed parameters, 1,000 VMs (one tick)",
                  configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(tick(onDisk)) }
        }
        let paths = memoryTree.files.keys.sorted()
        let listed = memoryTree.directories.keys.filter { !$0.hasSuffix("/libvirt") && !$0.contains("/vcpu") }.sorted()
        Benchmark("read only (open/read/close, no parsing) cgroup v2 fixture tree, 1,000 VMs (one tick)",
                  configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                var bytes = 0
                for path in paths { bytes += (try? onDisk.withContents(of: path) { $0.count }) ?? 0 }
                for dir in listed {
                    try? onDisk.forEachEntry(in: dir) { bytes += $0.count }
                    try? onDisk.forEachEntry(in: dir + "/libvirt") { bytes += $0.count }
                }
                blackHole(bytes)
            }
        }
    }
    Benchmark("parse typed parameters only, 1,000 VMs", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for index in 0..<vmCount {
                var stats = DomainStats(uuid: "", name: "", id: index)
                DomainStatsParser.parse(parameters[index], into: &stats)
                blackHole(stats)
            }
        }
    }
}

/// Files served from memory: isolates parsing from system calls.
struct InMemoryFileSystem: KernelFileSystem {
    let files: [String: String]
    let directories: [String: [String]]

    func readText(_ path: String) throws(FileAccessError) -> String {
        guard let text = files[path] else { throw FileAccessError(path: path, code: 2, reason: "No such file or directory") }
        return text
    }

    func listDirectory(_ path: String) throws(FileAccessError) -> [String] {
        guard let names = directories[path] else { throw FileAccessError(path: path, code: 2, reason: "No such file or directory") }
        return names
    }

    func isDirectory(_ path: String) -> Bool { directories[path] != nil }
}

/// Synthetic but format-faithful fixtures (cgroup-v2.rst, psi.rst, libvirt's stats names).
enum SamplingFixtures {
    static func uuid(_ index: Int) -> String { String(format: "00000000-0000-0000-0000-%012d", index) }

    static func directory(_ index: Int) -> String {
        "/sys/fs/cgroup/machine.slice/machine-qemu\\x2d\(index + 1)\\x2dvm\\x2d\(index).scope"
    }

    static func group(index: Int) -> MachineCgroup {
        let dir = directory(index)
        return MachineCgroup(version: .v2, directories: ["cpu": dir, "cpuacct": dir, "memory": dir],
                             relativePath: String(dir.dropFirst("/sys/fs/cgroup/".count)))
    }

    static func tree(vms: Int) -> (files: [String: String], directories: [String: [String]]) {
        var files: [String: String] = [:]
        var directories: [String: [String]] = [:]
        for index in 0..<vms {
            let dir = directory(index)
            let n = UInt64(index)
            files[dir + "/cpu.stat"] = cpuStat(usage: 5_000_000 + n, periods: 0, throttled: 0)
            files[dir + "/memory.current"] = "\(536_870_912 + n * 4096)\n"
            files[dir + "/memory.stat"] = memoryStat(n)
            files[dir + "/cpu.pressure"] = "some avg10=1.20 avg60=0.80 avg300=0.10 total=\(9_000 + n)\nfull avg10=0.10 avg60=0.05 avg300=0.00 total=\(1_000 + n)\n"
            files[dir + "/memory.pressure"] = "some avg10=0.00 avg60=0.00 avg300=0.00 total=\(n)\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
            directories[dir] = ["cgroup.procs", "cpu.pressure", "cpu.stat", "libvirt", "memory.current", "memory.pressure", "memory.stat"]
            directories[dir + "/libvirt"] = ["emulator", "vcpu0", "vcpu1"]
            for vcpu in 0..<2 {
                files[dir + "/libvirt/vcpu\(vcpu)/cpu.stat"] = cpuStat(usage: 2_000_000 + n, periods: 1000 + n, throttled: 10 + n)
                directories[dir + "/libvirt/vcpu\(vcpu)"] = ["cpu.stat"]
            }
        }
        return (files, directories)
    }

    static func cpuStat(usage: UInt64, periods: UInt64, throttled: UInt64) -> String {
        "usage_usec \(usage)\nuser_usec \(usage * 4 / 5)\nsystem_usec \(usage / 5)\nnr_periods \(periods)\nnr_throttled \(throttled)\nthrottled_usec \(throttled * 2000)\nnr_bursts 0\nburst_usec 0\n"
    }

    static func memoryStat(_ n: UInt64) -> String {
        let keys = ["anon", "file", "kernel", "kernel_stack", "pagetables", "sec_pagetables", "percpu", "sock", "vmalloc",
                    "shmem", "zswap", "zswapped", "file_mapped", "file_dirty", "file_writeback", "swapcached", "anon_thp",
                    "file_thp", "shmem_thp", "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
                    "slab_reclaimable", "slab_unreclaimable", "slab", "workingset_refault_anon", "workingset_refault_file",
                    "workingset_activate_anon", "workingset_activate_file", "workingset_restore_anon",
                    "workingset_restore_file", "workingset_nodereclaim", "pgscan", "pgsteal", "pgscan_kswapd",
                    "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "pgfault", "pgmajfault", "pgrefill",
                    "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed", "thp_fault_alloc", "thp_collapse_alloc"]
        return keys.enumerated().map { "\($0.element) \(UInt64($0.offset) * 4096 + n)" }.joined(separator: "\n") + "\n"
    }

    static func typedParameters(index: Int) throws -> TypedParameterList {
        let n = UInt64(index)
        var entries: [(String, TypedValue)] = [
            ("state.state", .int(1)), ("state.reason", .int(1)),
            ("cpu.time", .ullong(12_000_000_000 + n)), ("cpu.user", .ullong(9_000_000_000)), ("cpu.system", .ullong(3_000_000_000)),
            ("balloon.current", .ullong(524_288)), ("balloon.maximum", .ullong(1_048_576)),
            ("balloon.swap_in", .ullong(0)), ("balloon.swap_out", .ullong(0)),
            ("balloon.major_fault", .ullong(300 + n)), ("balloon.minor_fault", .ullong(90_000 + n)),
            ("balloon.unused", .ullong(262_144)), ("balloon.available", .ullong(500_000)),
            ("balloon.usable", .ullong(300_000)), ("balloon.last-update", .ullong(1_700_000_000 + n)),
            ("balloon.disk_caches", .ullong(20_000)), ("balloon.hugetlb_pgalloc", .ullong(0)),
            ("balloon.hugetlb_pgfail", .ullong(0)), ("balloon.rss", .ullong(400_000)),
            ("vcpu.current", .uint(2)), ("vcpu.maximum", .uint(2)),
        ]
        for vcpu in 0..<2 {
            entries += [("vcpu.\(vcpu).state", .int(1)), ("vcpu.\(vcpu).time", .ullong(5_000_000 + n)),
                        ("vcpu.\(vcpu).wait", .ullong(0)), ("vcpu.\(vcpu).delay", .ullong(1_000 + n))]
        }
        return try TypedParameterList(entries)
    }

    /// Writes the tree under a temporary root; nil if that fails (the on-disk benchmark is then skipped).
    static func writeToDisk(_ tree: (files: [String: String], directories: [String: [String]])) -> RootedFileSystem? {
        let root = NSTemporaryDirectory() + "ballast-sampling-bench" // overwritten by each run
        do {
            for (path, text) in tree.files {
                let full = root + path
                try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try text.write(toFile: full, atomically: false, encoding: .utf8)
            }
            for dir in tree.directories.keys {
                try FileManager.default.createDirectory(atPath: root + dir, withIntermediateDirectories: true)
            }
        } catch {
            print("SamplingBenchmarks: could not write the fixture tree under \(root): \(error)")
            return nil
        }
        return RootedFileSystem(root: root)
    }
}

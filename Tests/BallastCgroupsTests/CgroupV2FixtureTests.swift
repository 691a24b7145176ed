import BallastCore
import Testing
@testable import BallastCgroups

/// cgroup v2 readers against a fixture host tree written from the kernel's
/// documented formats (cgroup-v2.rst, psi.rst, proc(5)).
struct CgroupV2FixtureTests {
    let fileSystem: RootedFileSystem

    init() throws {
        fileSystem = RootedFileSystem(root: try FixturePaths.root("v2-host"))
    }

    @Test func detectsTheUnifiedHierarchy() throws {
        let layout = try CgroupLayout.detect(in: fileSystem)
        #expect(layout.version == .v2)
        #expect(layout.unifiedMount == "/sys/fs/cgroup")
    }

    @Test func resolvesTheSystemdScopeOfADomain() throws {
        let layout = try CgroupLayout.detect(in: fileSystem)
        let group = try MachineCgroupResolver(layout: layout, fileSystem: fileSystem)
            .resolve(id: 1, name: "alpha").get()
        #expect(group.relativePath == "machine.slice/machine-qemu\\x2d1\\x2dalpha.scope")
        #expect(group.directory(for: "memory") == "/sys/fs/cgroup/machine.slice/machine-qemu\\x2d1\\x2dalpha.scope")
    }

    @Test func unknownDomainIsAnErrorNamingIt() throws {
        let layout = try CgroupLayout.detect(in: fileSystem)
        let result = MachineCgroupResolver(layout: layout, fileSystem: fileSystem).resolve(id: 9, name: "ghost")
        guard case .failure(let error) = result else {
            Issue.record("resolved a domain that has no cgroup")
            return
        }
        #expect(error.description.contains("ghost"))
        #expect(error.description.contains("machine-qemu\\x2d9\\x2dghost.scope"))
    }

    @Test func readsCPUMemoryAndPressure() throws {
        let layout = try CgroupLayout.detect(in: fileSystem)
        let group = try MachineCgroupResolver(layout: layout, fileSystem: fileSystem).resolve(id: 1, name: "alpha").get()
        let sample = CgroupReader(fileSystem: fileSystem).read(group)
        #expect(sample.notes.isEmpty)
        #expect(sample.cpu.usageNanos == 5_000_000_000)
        // Throttling is summed over the domain and its libvirt/vcpuN children.
        #expect(sample.cpu.periods == 2000)
        #expect(sample.cpu.throttledPeriods == 500)
        #expect(sample.cpu.throttledNanos == 100_000_000)
        #expect(sample.memory.usage == 536_870_912)
        #expect(sample.memory.anonymous == 402_653_184)
        #expect(sample.memory.fileCache == 100_663_296)
        #expect(sample.cpuPressure == PressureSample(someAvg10: 12, fullAvg10: 3, someTotalMicros: 9_000_000))
        #expect(sample.memoryPressure?.someAvg10 == 0)
    }

    @Test func damagedFilesBecomeNotesNotCrashes() throws {
        let layout = try CgroupLayout.detect(in: fileSystem)
        let group = try MachineCgroupResolver(layout: layout, fileSystem: fileSystem)
            .resolve(id: 7, name: "broken-vm").get()
        let sample = CgroupReader(fileSystem: fileSystem).read(group)
        #expect(sample.cpu.usageNanos == 42_000)
        #expect(sample.memory.usage == nil)
        #expect(sample.cpuPressure == nil)
        #expect(sample.notes.contains { $0.contains("memory.current") && $0.contains("'max'") })
        #expect(sample.notes.contains { $0.contains("memory.stat") && $0.contains("No such file") })
        #expect(sample.notes.contains { $0.contains("cpu.pressure") && $0.contains("PSI format") })
    }

    @Test func readsTheHost() throws {
        let host = try HostReader(fileSystem: fileSystem).read()
        #expect(host.onlineCPUs == 5)
        #expect(host.capacity == ResourceVector(cpu: 5000, memory: 16_303_428 * 1024))
        #expect(host.memoryAvailable == 10_485_760 * 1024)
        #expect(host.cpuPressure?.someAvg10 == 1.5)
        #expect(host.memoryPressure?.fullAvg10 == 0.1)
        #expect(host.notes.isEmpty)
    }

    @Test func hostWithoutMeminfoIsAClearError() {
        let empty = RootedFileSystem(root: "/nonexistent-ballast-root")
        #expect {
            _ = try HostReader(fileSystem: empty).read()
        } throws: { error in
            "\(error)".contains("/sys/devices/system/cpu/online")
        }
    }
}

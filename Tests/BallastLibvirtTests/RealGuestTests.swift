import BallastCgroups
import BallastCore
import Foundation
import Testing
import BallastTestFixtures
@testable import BallastLibvirt

/// The libvirt layer against a real libvirtd with a real TCG guest booted from
/// the harness's image (guest/build.sh, scripts/libvirt/up.sh; docs/real-guests.md).
/// Enabled when `qemu:///system` answers and the guest image builds; the guest is
/// transient (`virsh create`), named `ballast-lvtest-<pid>`, and destroyed on every exit.
/// A balancer running beside it (another `ballast run` on real guests) would resize the
/// guest under the test's feet: each test refuses to start while one runs.
@Suite(.serialized, .enabled("needs libvirtd on qemu:///system (scripts/libvirt/up.sh)") {
    await RealGuest.libvirtAnswers()
})
struct LibvirtRealGuestTests {
    @Test func statsActuatorsAndCgroupOnABootedGuest() async throws {
        let guest = try RealGuest.boot(name: "ballast-lvtest-\(getpid())")
        defer { guest.destroy() }
        try await guest.waitReady()

        // Bulk statistics from the QEMU driver, no fallback needed.
        let connection = LibvirtConnection()
        try await connection.connect()
        let stats = try #require(try await connection.allDomainStats().first { $0.name == guest.name })
        #expect(stats.state == .running)
        #expect((stats.cpuTimeNanos ?? 0) > 0)
        #expect(stats.balloonCurrent == 256 << 20)
        #expect(stats.balloonMaximum == 256 << 20)
        #expect(stats.vcpuCurrent == 1)
        #expect(stats.vcpuMaximum == 2)
        #expect(stats.scheduler?.cpuShares != nil)
        #expect(stats.notes.isEmpty, "\(stats.notes)")

        // The backend: cgroup found, balloon statistics after it set the period.
        let backend = LibvirtBackend()
        var vm = try #require(try await backend.sample().vms.first { $0.name == guest.name })
        for _ in 0..<15 where vm.memory.balloon?.reportsUsage != true {
            try await Task.sleep(for: .seconds(1))
            vm = try #require(try await backend.sample().vms.first { $0.name == guest.name })
        }
        #expect(vm.memory.balloon?.reportsUsage == true)
        #expect(!vm.sampleNotes.contains { $0.contains("cgroup") }, "\(vm.sampleNotes)")
        #expect(vm.cpu?.periods != nil)
        #expect(vm.spec.ceiling == ResourceVector(cpu: 2000, memory: 256 << 20))
        #expect(vm.spec.vcpuHotplug)
        #expect(vm.current.vcpus == 1)

        // Actuators.
        let changes = [
            Change(vm: vm.id, vmName: vm.name, .memory(from: vm.current.memory, to: 192 << 20), reason: "test"),
            Change(vm: vm.id, vmName: vm.name, .cpuQuota(from: vm.current.cpu, to: 500), reason: "test"),
            Change(vm: vm.id, vmName: vm.name, .cpuWeight(from: vm.current.cpuWeight, to: CPUWeight(clamping: 512)), reason: "test"),
            Change(vm: vm.id, vmName: vm.name, .vcpus(from: 1, to: 2), reason: "test"),
        ]
        let applied = AppliedChanges(changes: changes, results: await backend.apply(changes))
        for result in applied { #expect(result.outcome == .applied, "\(result.change.kind): \(result.outcome)") }
        // balloon.current is the balloon's actual size: the guest gives memory back over a few seconds.
        var after = try #require(try await backend.sample().vms.first { $0.name == guest.name })
        for _ in 0..<30 where after.current.memory != 192 << 20 {
            try await Task.sleep(for: .seconds(1))
            after = try #require(try await backend.sample().vms.first { $0.name == guest.name })
        }
        #expect(after.current.memory == 192 << 20)
        #expect(after.current.vcpus == 2)
        #expect(after.current.cpu == 500)
        #expect(after.current.cpuWeight.value == 512)
        let scheduler = try await connection.schedulerParameters(uuid: vm.id.uuid)
        #expect(scheduler.vcpuQuota == 25_000) // 500 m over 2 vCPUs at a 100 ms period
        #expect(scheduler.vcpuPeriod == 100_000)

        // The quota landed in the cgroup that the resolver finds.
        let layout = try CgroupLayout.detect(in: RootedFileSystem.host)
        let domainID = try #require(try await connection.listDomains().first { $0.name == guest.name }?.id)
        let group = try MachineCgroupResolver(layout: layout, fileSystem: RootedFileSystem.host)
            .resolve(id: domainID, name: guest.name).get()
        let cpuDirectory = try #require(group.directory(for: "cpu"))
        if layout.version == .v1 {
            #expect(group.relativePath == "machine/qemu-\(domainID)-\(guest.name).libvirt-qemu")
            let quota = try String(contentsOfFile: cpuDirectory + "/vcpu0/cpu.cfs_quota_us", encoding: .utf8)
            #expect(quota.trimmingCharacters(in: .whitespacesAndNewlines) == "25000")
        }

        // Lowering goes through the guest agent: the guest offlines a vCPU, the hypervisor keeps 2.
        let uuid = vm.id.uuid
        try await waitForGuestAgent(connection, uuid: uuid)
        let toOne = [Change(vm: vm.id, vmName: vm.name, .vcpus(from: 2, to: 1), reason: "test")]
        let lower = AppliedChanges(changes: toOne, results: await backend.apply(toOne))
        #expect(lower.first?.outcome == .applied)
        #expect(lower.first?.explanation == "test; offlined in the guest through the guest agent")
        #expect(try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3) == 1)
        #expect(try await connection.allDomainStats().first { $0.uuid == uuid }?.vcpuCurrent == 2)
        #expect(try await backend.sample().vms.first { $0.id == vm.id }?.current.vcpus == 1)
        // Raising onlines it again through the agent, no hot-plug.
        let toTwo = [Change(vm: vm.id, vmName: vm.name, .vcpus(from: 1, to: 2), reason: "test")]
        let raise = AppliedChanges(changes: toTwo, results: await backend.apply(toTwo))
        #expect(raise.first?.explanation == "test; onlined 1 in the guest through the guest agent")
        #expect(try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3) == 2)
        #expect(try await backend.sample().vms.first { $0.id == vm.id }?.current.vcpus == 2)

        // A destroyed guest is gone at the next sample.
        guest.destroy()
        let gone = try await backend.sample()
        #expect(!gone.vms.contains { $0.id == vm.id })
        await backend.shutdown()
        await connection.disconnect()
    }
}

extension LibvirtRealGuestTests {
    /// The vCPU change logic against a real guest agent and real ACPI hot-plug, without the
    /// backend's opt-out check: the guest opts out in its metadata, so no balancer running on
    /// the same libvirtd (a `ballast run` manages every domain) touches its vCPUs meanwhile.
    @Test func vcpuChangesThroughTheGuestAgentOnARealGuest() async throws {
        let guest = try RealGuest.boot(name: "ballast-lvagent-\(getpid())", optOut: true)
        defer { guest.destroy() }
        try await guest.waitReady()
        let connection = LibvirtConnection()
        try await connection.connect()
        let uuid = try #require(try await connection.listDomains().first { $0.name == guest.name }?.uuid)
        try await waitForGuestAgent(connection, uuid: uuid)
        let changer = VCPUActuator(control: connection, uuid: uuid, name: guest.name, agentTimeout: 3)
        func plugged() async throws -> Int? { try await connection.allDomainStats().first { $0.uuid == uuid }?.vcpuCurrent }

        var vcpus = DomainVCPUs(plugged: 1)
        #expect(try await changer.change(&vcpus, to: 2, at: 0) == .applied(how: "added 1 by ACPI hot-plug"))
        #expect(try await plugged() == 2)
        // The guest's init onlines the new vCPU within about a second.
        for _ in 0..<30 where try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3) != 2 {
            try await Task.sleep(for: .seconds(1))
        }
        #expect(try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3) == 2)

        let lower = try await changer.change(&vcpus, to: 1, at: 10)
        #expect(lower == .applied(how: "offlined in the guest through the guest agent"))
        #expect(try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3) == 1)
        #expect(try await plugged() == 2, "the hypervisor keeps both vCPUs plugged")
        #expect(vcpus.effective == 1)

        let raise = try await changer.change(&vcpus, to: 2, at: 20)
        #expect(raise == .applied(how: "onlined 1 in the guest through the guest agent"))
        #expect(try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3) == 2)
        #expect(vcpus == DomainVCPUs(plugged: 2))
        await connection.disconnect()
    }
}

/// Waits until the guest's QEMU guest agent answers (it starts after the ready marker).
private func waitForGuestAgent(_ connection: LibvirtConnection, uuid: String, seconds: Int = 60) async throws {
    var lastError: LibvirtError?
    for _ in 0..<seconds {
        do {
            _ = try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3)
            return
        } catch {
            lastError = error
        }
        try await Task.sleep(for: .seconds(1))
    }
    throw RealGuest.GuestFailure(detail: "the guest agent did not answer within \(seconds) s: \(lastError.map { "\($0)" } ?? "")")
}

/// One transient test guest from the harness's image.
struct RealGuest {
    let name: String
    let serialLog: String
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func libvirtAnswers() async -> Bool {
        guard getuid() == 0, FileManager.default.fileExists(atPath: root + "/guest/guest.sh") else { return false }
        let connection = LibvirtConnection()
        defer { Task { await connection.disconnect() } }
        return (try? await connection.connect()) != nil
    }

    /// `optOut`: the guest's metadata opts out of balancing (Ballast's apply skips it too).
    static func boot(name: String, optOut: Bool = false) throws -> RealGuest {
        let balancers = OtherBalancers.running(excluding: 0)
        guard balancers.isEmpty else {
            throw GuestFailure(detail: """
                another balancer manages this host's guests and would resize this test's guest; \
                stop it first:\n\(balancers.joined(separator: "\n"))
                """)
        }
        let build = Subprocess.run([root + "/guest/build.sh"])
        guard build.status == 0 else { throw GuestFailure(detail: "guest/build.sh failed: \(build.output)") }
        let template = "ballast-e2e-lvtemplate"
        var arguments = [root + "/guest/guest.sh", "xml", template, "--memory", "256", "--vcpus", "2", "--current-vcpus", "1"]
        if optOut {
            let metadata = NSTemporaryDirectory() + name + ".metadata.xml"
            try #"<ballast:policy xmlns:ballast="https://ballast.dev/xmlns/policy/1"><opt-out/></ballast:policy>"#
                .write(toFile: metadata, atomically: true, encoding: .utf8)
            arguments += ["--metadata-file", metadata]
        }
        let xml = Subprocess.run(arguments)
        guard xml.status == 0 else { throw GuestFailure(detail: "guest.sh xml failed: \(xml.output)") }
        let serialLog = NSTemporaryDirectory() + name + ".serial.log"
        var definition = xml.output.replacingOccurrences(of: template, with: name)
        if let range = definition.range(of: #"<source path='[^']*'"#, options: .regularExpression) {
            definition.replaceSubrange(range, with: "<source path='\(serialLog)'")
        }
        let file = NSTemporaryDirectory() + name + ".xml"
        try definition.write(toFile: file, atomically: true, encoding: .utf8)
        guard FileManager.default.createFile(atPath: serialLog, contents: nil) else {
            throw GuestFailure(detail: "cannot create the serial log \(serialLog)")
        }
        let create = Subprocess.run(["virsh", "-c", "qemu:///system", "create", file])
        guard create.status == 0 else { throw GuestFailure(detail: "virsh create failed: \(create.output)") }
        return RealGuest(name: name, serialLog: serialLog)
    }

    func waitReady(seconds: Int = 120) async throws {
        for _ in 0..<seconds {
            if let log = try? String(contentsOfFile: serialLog, encoding: .utf8), log.contains("BALLAST-READY") { return }
            try await Task.sleep(for: .seconds(1))
        }
        throw GuestFailure(detail: "\(name) printed no BALLAST-READY within \(seconds) s (serial log \(serialLog))")
    }

    func destroy() {
        _ = Subprocess.run(["virsh", "-c", "qemu:///system", "destroy", name])
    }

    struct GuestFailure: Error, CustomStringConvertible {
        var detail: String
        var description: String { detail }
    }
}

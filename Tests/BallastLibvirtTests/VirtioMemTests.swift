import BallastCore
import PropertyBased
import Testing
@testable import BallastLibvirt

/// The virtio-mem actuator's pure parts: the device read from the domain XML (and refused
/// when it cannot be trusted), the split of a memory target between the device and the
/// balloon, and the bookkeeping of what the guest plugged against what it was asked.
@Suite("virtio-mem")
struct VirtioMemTests {
    static let mib: UInt64 = 1 << 20

    static func domain(_ devices: String, memory: String = "<memory unit='MiB'>768</memory>") -> String {
        """
        <domain type='qemu'>
          <name>vm-1</name>
          \(memory)
          <currentMemory unit='MiB'>256</currentMemory>
          <vcpu>2</vcpu>
          <devices><memballoon model='virtio'><stats period='2'/></memballoon>\(devices)</devices>
        </domain>
        """
    }

    static let liveDevice = """
        <memory model='virtio-mem'>
          <target>
            <size unit='KiB'>524288</size>
            <node>0</node>
            <block unit='KiB'>2048</block>
            <requested unit='KiB'>131072</requested>
            <current unit='KiB'>65536</current>
          </target>
          <alias name='virtiomem0'/>
          <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
        </memory>
        """

    @Test("the live XML's device: bounds, request, plugged size, and the boot memory beside it")
    func readsTheDevice() throws {
        let (definition, warnings) = try DomainXMLParser.parse(Self.domain(Self.liveDevice), domainName: "vm-1")
        #expect(warnings.isEmpty)
        let device = try #require(definition.virtioMem)
        #expect(device.size == 512 * Self.mib)
        #expect(device.block == 2 * Self.mib)
        #expect(device.requested == 128 * Self.mib)
        #expect(device.current == 64 * Self.mib)
        #expect(device.node == 0)
        #expect(device.alias == "virtiomem0")
        #expect(definition.bootMemory == 256 * Self.mib)
        // libvirt finds the device to update by its address: an update without it matched nothing.
        let xml = device.updateXML(requesting: 300 * Self.mib)
        #expect(xml.contains("<requested unit='KiB'>307200</requested>"))
        #expect(xml.contains("<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>"))
        #expect(xml.contains("<alias name='virtiomem0'/>"))
        #expect(!xml.contains("<current"))
        _ = try XMLTree.parse(xml)
    }

    @Test("a device Ballast cannot trust is left alone, with a warning naming the domain and what is wrong",
          arguments: [
            ("<memory model='virtio-mem'><target><size unit='MiB'>256</size><block unit='MiB'>2</block>"
                + "<requested unit='MiB'>512</requested></target></memory>", "above its size"),
            ("<memory model='virtio-mem'><target><size unit='MiB'>256</size><block unit='MiB'>3</block>"
                + "<requested unit='MiB'>0</requested></target></memory>", "not a power of two"),
            ("<memory model='virtio-mem'><target><block unit='MiB'>2</block></target></memory>", "no usable <target><size>"),
            ("<memory model='virtio-mem'><target><size unit='MiB'>256</size><requested unit='MiB'>0</requested></target></memory>",
             "not a power of two"),
            (String(repeating: "<memory model='virtio-mem'><target><size unit='MiB'>128</size><block unit='MiB'>2</block>"
                + "<requested unit='MiB'>0</requested></target></memory>", count: 2), "2 virtio-mem devices"),
          ])
    func refusesUntrustedDevices(device: String, problem: String) throws {
        let (definition, warnings) = try DomainXMLParser.parse(Self.domain(device), domainName: "vm-1")
        #expect(definition.virtioMem == nil)
        #expect(warnings.contains { $0.hasPrefix("domain 'vm-1':") && $0.contains(problem) }, "\(warnings)")
    }

    static func tracker(boot: UInt64 = 256 << 20, size: UInt64 = 512 << 20, block: UInt64 = 2 << 20,
                        requested: UInt64 = 0, plugged: UInt64 = 0) -> VirtioMemTracker {
        VirtioMemTracker(device: VirtioMemDevice(size: size, block: block, requested: requested), bootMemory: boot,
                         requested: requested, plugged: plugged)
    }

    @Test("above the boot memory the device plugs whole blocks, rounded up; below it the balloon takes over")
    func splitsTheTarget() {
        let tracker = Self.tracker()
        #expect(tracker.plan(400 * Self.mib) == (144 * Self.mib, 256 * Self.mib))
        #expect(tracker.plan(400 * Self.mib + 1) == (146 * Self.mib, 256 * Self.mib))
        #expect(tracker.plan(200 * Self.mib) == (0, 200 * Self.mib))
        #expect(tracker.plan(256 * Self.mib) == (0, 256 * Self.mib))
        #expect(tracker.plan(2048 * Self.mib) == (512 * Self.mib, 256 * Self.mib))
    }

    @Test("the split never gives the guest less than the target within the device's reach, in whole blocks")
    func splitInvariants() async {
        await propertyCheck(count: 500, input: Gen.uint64(in: (64 << 20)...(4 << 30)), Gen.uint64(in: (1 << 20)...(8 << 30)),
                            Gen.int(in: 12...30), Gen.uint64(in: 0...(16 << 30))) { boot, size, blockShift, target in
            let block = UInt64(1) << UInt64(blockShift)
            let tracker = Self.tracker(boot: boot, size: size, block: block)
            let plan = tracker.plan(target)
            #expect(plan.requested % block == 0 || plan.requested == size)
            #expect(plan.requested <= size)
            #expect(plan.balloon <= boot)
            #expect(plan.balloon + plan.requested >= min(target, boot + size))
            #expect(plan.balloon + plan.requested < max(target, boot) + block || plan.requested == size)
        }
    }

    @Test("a report older than a plug is read with the plugged memory free; a report in the same second is not")
    func reportsBeforeAPlug() {
        var tracker = Self.tracker(requested: 128 * Self.mib)
        tracker.see(plugged: 128 * Self.mib, at: 1000.4)
        #expect(tracker.pluggedSinceReport(998) == Int64(128 * Self.mib))
        #expect(tracker.pluggedSinceReport(1000) == 0)
        #expect(tracker.pluggedSinceReport(1001) == 0)
        #expect(tracker.pluggedSinceReport(nil) == 0)
        tracker.see(plugged: 32 * Self.mib, at: 1003.2)
        #expect(tracker.pluggedSinceReport(1001) == -Int64(96 * Self.mib))
        #expect(tracker.pluggedSinceReport(998) == Int64(32 * Self.mib))
        let stats = BalloonStats(available: 300 * Self.mib, unused: 100 * Self.mib, usable: 120 * Self.mib)
        let shrunk = stats.changingFreeMemory(by: -Int64(110 * Self.mib))
        #expect(shrunk.available == 190 * Self.mib && shrunk.unused == 0 && shrunk.usable == 10 * Self.mib)
        #expect(stats.changingFreeMemory(by: Int64(64 * Self.mib)).usable == 184 * Self.mib)
    }

    @Test("a request unmet past the deadline is flagged; one met, or still in time, is not")
    func unmetRequests() {
        var tracker = Self.tracker(requested: 128 * Self.mib)
        #expect(tracker.unmetFor(at: 100) == nil)
        tracker.requestedAt = 10
        #expect(tracker.unmetFor(at: 10 + VirtioMemTracker.unmetDeadline - 1) == nil)
        #expect(tracker.unmetFor(at: 10 + VirtioMemTracker.unmetDeadline + 5) == VirtioMemTracker.unmetDeadline + 5)
        #expect(tracker.state(at: 100).unmetForSeconds == 90)
        tracker.see(plugged: 128 * Self.mib, at: 50)
        #expect(tracker.unmetFor(at: 100) == nil)
    }

    @Test("a fresh read of the XML keeps what Ballast asked while the XML still shows it")
    func rereadKeepsTheRequest() throws {
        let (definition, _) = try DomainXMLParser.parse(Self.domain(Self.liveDevice), domainName: "vm-1")
        var previous = Self.tracker(requested: 128 * Self.mib, plugged: 32 * Self.mib)
        previous.requestedAt = 5
        previous.balloonTarget = 256 * Self.mib
        let kept = try #require(VirtioMemTracker.forRun(definition, previous: previous, wallClock: 2000))
        #expect(kept.requestedAt == 5 && kept.balloonTarget == 256 * Self.mib)
        #expect(kept.plugged == 64 * Self.mib)
        #expect(kept.pluggedSinceReport(1990) == Int64(32 * Self.mib))
        previous.requested = 64 * Self.mib
        let changed = try #require(VirtioMemTracker.forRun(definition, previous: previous, wallClock: 2000))
        #expect(changed.requestedAt == nil && changed.requested == 128 * Self.mib)
    }
}

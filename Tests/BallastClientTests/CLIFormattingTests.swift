import BallastClient
import BallastCore
import BallastMetrics
import BallastTestFixtures
import Testing

@Suite("status and explain text")
struct CLIFormattingTests {
    private func document() async -> StateDocument {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        await state.record(report: Fixtures.report(count: 4, names: Fixtures.awkwardNames, unbalanced: 1),
                           tickSeconds: 0.01, late: false)
        return await state.stateDocument()
    }

    @Test func statusHasOneRowPerVMEvenForMultilineNames() async {
        let table = StatusTable.render(await document())
        let lines = table.split(separator: "\n")
        // Version, host and CPU-share lines, the header, five VMs.
        #expect(lines.count == 3 + 1 + 5)
        #expect(table.contains("cpu shares are weights: idle cores go to whoever wants them"))
        #expect(table.contains(#"multi\nline"#))
        #expect(table.contains("Ünïcødé-虚拟机-🚀"))
        #expect(table.contains("stopped-0"))
    }

    @Test func explainSaysSignalsEstimateShareClampsAndChange() async throws {
        let state = await document()
        let vm = try Explanation.find(Fixtures.uuid(3), in: state)
        let text = Explanation.render(vm, in: state)
        #expect(text.contains("cpu.throttled = 0.100: 10 % of periods throttled"))
        #expect(text.contains("it needs 1.25 cores of CPU"))
        #expect(text.contains("confidence 0.88"))
        #expect(text.contains("stage \"fair-share\": fair share of memory"))
        #expect(text.contains("memory shrink limited to 10 % per tick"))
        #expect(text.contains("because: memory above demand"))
        // Shares are weights by default: the weight is put as the share it carries.
        #expect(text.contains("vCPUs, weight 1024 (its CPU share with every VM busy: 1.02 cores)"), "\(text)")
    }

    @Test("explain says what a virtio-mem device was asked for and plugged, and when the guest left it unmet")
    func explainSaysVirtioMem() async throws {
        var state = await document()
        let index = try #require(state.vms.firstIndex { $0.uuid == Fixtures.uuid(3) })
        let mib: UInt64 = 1 << 20
        state.vms[index].virtioMem = VirtioMemDocument(VirtioMemState(
            bootMemory: 256 * mib, size: 512 * mib, block: 2 * mib, requested: 128 * mib, plugged: 0, unmetForSeconds: 31))
        let text = Explanation.render(try Explanation.find(Fixtures.uuid(3), in: state), in: state)
        #expect(text.contains("Its virtio-mem device has 0 B plugged of the 128.0 MiB asked for (device 512.0 MiB in 2.0 MiB blocks, on top of 256.0 MiB of boot memory)"))
        #expect(text.contains("the guest has not met the request for 31 s"))
    }

    @Test func explainNamesWhatIsKnownWhenTheVMIsNot() async {
        let state = await document()
        #expect(throws: ExplainError.self) { try Explanation.find("nope", in: state) }
        do {
            _ = try Explanation.find("nope", in: state)
        } catch {
            #expect("\(error)".contains("stopped-0"))
        }
    }
}

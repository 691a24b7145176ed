import BallastBackends
import BallastCore
import BallastSim
import Testing

/// `run --backend sim --trace` sizes its one host: fixed, or for a memory overcommit
/// of the whole trace (the rule `simulate --overcommit` fills each host by).
struct TraceHostSizeTests {
    private func traces(_ count: Int, gibibytes: UInt64) -> [VMTrace] {
        (0..<count).map { index in
            VMTrace(name: "vm-\(index)", vcpus: 2, memory: .gibibytes(gibibytes), times: [0, 300],
                    cpu: [500, 700], memoryDemand: [Double(ByteUnits.gibibyte), Double(ByteUnits.gibibyte)])
        }
    }

    @Test func overcommitSizesMemoryFromTheTraceAndScalesCores() {
        let host = TraceHostSize.overcommit(4, cpus: nil).host(for: traces(100, gibibytes: 8))
        #expect(host.memory == .gibibytes(200), "800 GiB configured / 4")
        #expect(host.cpus == 50, "64 cores per 256 GiB, as the default host")
    }

    @Test func overcommitKeepsGivenCoresAndRoundsMemoryUpToWholeGiB() {
        let host = TraceHostSize.overcommit(3, cpus: 12).host(for: traces(5, gibibytes: 2))
        #expect(host.memory == .gibibytes(4), "10 GiB / 3 rounds up to 4 GiB")
        #expect(host.cpus == 12)
    }

    @Test func aFixedHostIsTakenAsGiven() {
        let given = HostConfig(cpus: 8, memory: .gibibytes(32))
        #expect(TraceHostSize.fixed(given).host(for: traces(100, gibibytes: 8)) == given)
    }

    @Test func theSummaryNamesTheHostAndItsOvercommit() async throws {
        let sized = SimulatorSource(input: .trace(path: TracePaths.gcd, format: .gcd, vms: 40), tick: 300,
                                    hostSize: .overcommit(4, cpus: nil))
        let unsized = SimulatorSource(input: .trace(path: TracePaths.gcd, format: .gcd, vms: 40), tick: 300)
        let (prepared, plain) = try await OwnThread.run { (try sized.prepare(), try unsized.prepare()) }
        #expect(prepared.vms == 40)
        #expect(prepared.summary.contains("40 VMs of trace \(TracePaths.gcd)"))
        #expect(prepared.summary.contains("\(prepared.host.cpus) cores"))
        #expect(prepared.summary.contains("memory overcommit 4.0"))
        #expect(prepared.summary.contains("--overcommit"))
        #expect(plain.host == HostConfig())
        #expect(plain.summary.contains("size it for the trace with --overcommit"))
    }
}

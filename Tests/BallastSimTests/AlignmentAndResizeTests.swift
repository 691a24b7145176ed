import BallastCore
import Foundation
import Testing
@testable import BallastSim

/// Part 3 of issue 15: a set of traces on one clock, per-row sizes as resize
/// events, and bad timelines (gaps, clock jumps) said, never fatal.
@Suite struct AlignmentAndResizeTests {
    static let header = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\t"
        + "Memory capacity provisioned [KB];\tMemory usage [KB];\tDisk read;\tDisk write;\tNet rx;\tNet tx\n"

    /// A GWA row: `cores` cores of 2,000 MHz, `usage` MHz, `memoryKB` provisioned, `usedKB` used.
    static func row(_ time: Int, cores: Int, usage: Double, memoryKB: Int, usedKB: Int) -> String {
        "\(time);\t\(cores);\t\(cores * 2000);\t\(usage);\t0;\t\(memoryKB);\t\(usedKB);\t0;\t0;\t0;\t0\n"
    }

    static func directory(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "ballast-align-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: (path as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return path
    }

    @Test func aVMThatStartsLaterIsNotRunningUntilItsFirstSample() throws {
        // "early" starts at 1,000 s, "late" at 1,600 s: one epoch (1,000); late waits 600 s.
        let early = Self.header + (0..<4).map { Self.row(1_000 + 300 * $0, cores: 1, usage: 1_000, memoryKB: 1_048_576, usedKB: 524_288) }.joined()
        let late = Self.header + (0..<4).map { Self.row(1_600 + 300 * $0, cores: 1, usage: 2_000, memoryKB: 1_048_576, usedKB: 262_144) }.joined()
        let path = try Self.directory(["early.csv": early, "late.csv": late])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try TraceLoader(format: .gwa, seed: 1).load(path: path)
        let alignment = try #require(report.alignment)
        #expect(alignment.epoch == 1_000 && alignment.lateVMs == 1 && alignment.longestLeadingGap == 600)
        let trace = try #require(report.traces.first { $0.name.hasPrefix("late") })
        var cursor = 0
        // Offset 300 s = 1,300 s on the clock: before late's first sample, so no demand.
        let waiting = trace.demand(at: 300, cursor: &cursor)
        #expect(waiting.cpu == 0 && waiting.memory == 0)
        // Offset 600 s = its first sample: 2,000 MHz of 2,000 per core = 1,000 millicores, 256 MiB.
        let first = trace.demand(at: 600, cursor: &cursor)
        #expect(first.cpu == 1_000 && first.memory == 268_435_456)
        // The run lasts from the epoch to the last sample: 1,600 + 900 - 1,000 = 1,500 s.
        #expect(trace.duration == 1_500)
    }

    @Test func perRowCapacityBecomesResizeEvents() throws {
        // 1 core / 1 GiB, then 2 cores / 2 GiB from 1,600 s: usage above 1 GiB is kept
        // (capped at its own row's 2 GiB, not the first row's 1 GiB).
        let text = Self.header
            + Self.row(1_000, cores: 1, usage: 1_000, memoryKB: 1_048_576, usedKB: 524_288)
            + Self.row(1_300, cores: 1, usage: 1_000, memoryKB: 1_048_576, usedKB: 524_288)
            + Self.row(1_600, cores: 2, usage: 3_000, memoryKB: 2_097_152, usedKB: 1_572_864)
            + Self.row(1_900, cores: 2, usage: 3_000, memoryKB: 2_097_152, usedKB: 1_572_864)
        let path = try Self.directory(["vm.csv": text])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trace = try #require(try TraceLoader(format: .gwa, seed: 1).load(path: path).traces.first)
        #expect(trace.vcpus == 1 && trace.memory == .gibibytes(1))
        #expect(trace.resizes == [TraceResize(time: 1_600, vcpus: 2, memory: .gibibytes(2))])
        // 3,000 MHz at 2,000 MHz per core = 1,500 millicores; 1.5 GiB.
        #expect(trace.cpu[2] == 1_500 && trace.memoryDemand[2] == 1_610_612_736)
        #expect(trace.largestVCPUs == 2 && trace.largestMemory == .gibibytes(2))
    }

    @Test func theSimulatedHostAppliesAResize() {
        let vm = SimulatedVM(name: "r", vcpus: 2, memory: .gibibytes(4))
        var host = SimulatedHost(config: HostConfig(cpus: 8, memory: .gibibytes(16)), vms: [vm])
        // Static point on a 16-GiB host: the whole 4 GiB, 2,000 millicores.
        #expect(host.allocations[0].memory == .gibibytes(4))
        host.resize(0, vcpus: 1, memory: .gibibytes(2))
        #expect(host.vms[0].spec.ceiling == ResourceVector(cpu: 1000, memory: .gibibytes(2)))
        #expect(host.allocations[0].memory == .gibibytes(2) && host.allocations[0].cpu == 1000)
        #expect(host.allocations[0].vcpus == 1)
    }

    @Test func gapsAreReportedAndAClockJumpBackSkipsItsLine() throws {
        // Samples every 300 s, then a 6-hour gap (72 steps > 12), then a row back in time.
        var text = Self.header
        for index in 0..<5 { text += Self.row(300 * index, cores: 1, usage: 500, memoryKB: 1_048_576, usedKB: 100_000) }
        text += Self.row(1_200 + 21_600, cores: 1, usage: 500, memoryKB: 1_048_576, usedKB: 100_000)
        text += Self.row(600, cores: 1, usage: 500, memoryKB: 1_048_576, usedKB: 100_000)
        let path = try Self.directory(["gappy.csv": text])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try TraceLoader(format: .gwa, seed: 1).load(path: path)
        #expect(report.traces.first?.sampleCount == 6)
        #expect(report.diagnostics.contains { $0.line == 8 && $0.message.contains("not after the previous one") })
        #expect(report.diagnostics.contains { $0.message.contains("1 gap(s)") && $0.message.contains("21600 s") })
        #expect(report.alignment?.gappedVMs == 1)
    }

    @Test func aComparisonReplaysResizesWithoutCrashing() throws {
        // A VM that shrinks from 4 to 1 GiB mid-run while its demand stays at 0.5 GiB.
        let times = (0..<10).map { Double($0) * 60 }
        let trace = VMTrace(name: "shrinks", vcpus: 2, memory: .gibibytes(4), times: times,
                            cpu: times.map { _ in 500 }, memoryDemand: times.map { _ in Double(UInt64.mebibytes(512)) },
                            resizes: [TraceResize(time: 300, vcpus: 1, memory: .gibibytes(1))])
        let options = ComparisonOptions(host: HostConfig(cpus: 4, memory: .gibibytes(8)), overcommit: 1, tick: 60)
        let results = Comparison.runSingleHost(traces: [trace], options: options)
        #expect(results.count == PolicyKind.comparedByDefault.count)
        for result in results {
            #expect(result.card.memoryShortfall >= 0 && result.card.memoryShortfall <= 1)
        }
        // 1 GiB after the resize still holds the 0.5 GiB demand: static and the oracle never fall short.
        for result in results where result.policy == .static || result.policy == .oracle {
            #expect(result.card.memoryShortfall == 0, "\(result.policy): \(result.card.memoryShortfall)")
        }
    }
}

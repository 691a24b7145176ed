import BallastCore
import Foundation
import Testing
@testable import BallastSim

@Suite struct RealTraceLoaderTests {
    @Test func gcdSubsetLoadsWithCatalogueSizes() throws {
        let report = try TraceLoader(format: .gcd, seed: 1).load(path: TestPaths.gcd, limit: 25, seed: 1)
        #expect(report.traces.count == 25)
        for trace in report.traces {
            #expect(trace.times.count == 288)
            #expect(trace.step == 300)
            #expect(SizeCatalogue.cloudFlavors.contains(.init(vcpus: trace.vcpus, memory: trace.memory)))
            #expect(trace.cpu.allSatisfy { $0 >= 0 && $0 <= Double(trace.vcpus * 1000) })
            #expect(trace.memoryDemand.allSatisfy { $0 >= 0 && $0 <= Double(trace.memory) })
        }
    }

    @Test func gcdFullDirectoryLoadsEveryVM() throws {
        let report = try TraceLoader(format: .gcd, seed: 1).load(path: TestPaths.gcd)
        #expect(report.traces.count == 1600)
        #expect(report.skippedFiles == 0)
    }

    @Test func seededSubsetIsReproducibleAndSeedDependent() throws {
        let loader = TraceLoader(format: .gcd, seed: 1)
        let first = try loader.load(path: TestPaths.gcd, limit: 10, seed: 7).traces.map(\.name)
        let again = try loader.load(path: TestPaths.gcd, limit: 10, seed: 7).traces.map(\.name)
        let other = try loader.load(path: TestPaths.gcd, limit: 10, seed: 8).traces.map(\.name)
        #expect(first == again)
        #expect(first != other)
    }

    @Test func planetlabFileHasCPUAndSteadyMemory() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestPaths.planetlab).sorted()
        let path = (TestPaths.planetlab as NSString).appendingPathComponent(try #require(files.first))
        let report = try TraceLoader(format: .planetlab, seed: 1).load(path: path)
        let trace = try #require(report.traces.first)
        #expect(trace.times.count == 288)
        #expect(Set(trace.memoryDemand).count == 1)
        #expect(trace.memoryDemand[0] >= 0.2 * Double(trace.memory) && trace.memoryDemand[0] <= 0.6 * Double(trace.memory))
    }

    @Test func bitbrainsFileGivesItsOwnSizes() throws {
        let path = (TestPaths.bitbrains as NSString).appendingPathComponent("1.csv")
        let report = try TraceLoader(format: .gwa, seed: 1).load(path: path)
        let trace = try #require(report.traces.first)
        #expect(trace.vcpus == 2)
        #expect(trace.memory == 8_218_624 * 1024)
        #expect(trace.times.count > 8000)
        // First row: 87.78 MHz of 5851.9989 MHz over 2 cores = 30 millicores.
        // Demand columns are stored as Float: within 2^-24 of the value.
        let cpu = 87.7799835 / (5851.9989 / 2) * 1000
        #expect(abs(trace.cpu[0] - cpu) <= cpu * 0x1p-24)
        let memory = 1_034_592.8 * 1024
        #expect(abs(trace.memoryDemand[0] - memory) <= memory * 0x1p-24)
    }

    @Test func formatDetection() {
        #expect(TraceFormat.detect(path: TestPaths.gcd) == .gcd)
        #expect(TraceFormat.detect(path: TestPaths.planetlab) == .planetlab)
        #expect(TraceFormat.detect(path: TestPaths.bitbrains) == .gwa)
        #expect(TraceFormat.detect(path: TestPaths.fixture("ballast-unicode.csv")) == .csv)
    }
}

@Suite struct MalformedFileTests {
    @Test func directoryWithBadFilesReportsEachAndLoadsTheRest() throws {
        let report = try TraceLoader(format: .gcd, seed: 1).load(path: TestPaths.fixture("gcd-mixed"))
        let names = Set(report.traces.map(\.name))
        #expect(names == ["good", "nonnumeric", "truncated", "over100"])
        #expect(report.skippedFiles == 2)
        let byFile = Dictionary(grouping: report.diagnostics) { ($0.path as NSString).lastPathComponent }
        #expect(byFile["empty"]?.first?.message.contains("empty") == true)
        #expect(byFile["short"]?.first?.message.contains("only 1 usable sample") == true)
        #expect(byFile["nonnumeric"]?.map(\.line).sorted() == [2, 4])
        #expect(byFile["truncated"]?.map(\.line) == [4])
        #expect(byFile["over100"]?.first?.message.contains("clamped") == true)
        let nonnumeric = try #require(report.traces.first { $0.name == "nonnumeric" })
        #expect(nonnumeric.times.count == 3)
    }

    @Test func ballastCSVReadsQuotedUnicodeNamesAndSkipsBadRows() throws {
        let report = try TraceLoader(format: .csv, seed: 1).load(path: TestPaths.fixture("ballast-unicode.csv"))
        let names = report.traces.map(\.name)
        #expect(names == ["web, \u{201C}front\u{201D}", "数据库 \"db\"", "multi\nline"])
        let database = try #require(report.traces.first { $0.name == "数据库 \"db\"" })
        #expect(database.times == [0, 10])
        #expect(database.cpu == [1500, 1800])
        #expect(database.vcpus == 2 && database.memory == .gibibytes(4))
        #expect(report.diagnostics.map(\.line).sorted() == [0, 10, 11, 12])
        #expect(report.diagnostics.contains { $0.message.contains("'lonely' has fewer than 2") })
    }

    @Test func unclosedQuoteIsReportedAtItsLine() throws {
        let report = try TraceLoader(format: .csv, seed: 1).load(path: TestPaths.fixture("ballast-unclosed.csv"))
        #expect(report.traces.map(\.name) == ["ok"])
        #expect(report.diagnostics.contains { $0.line == 4 && $0.message.contains("never closed") })
    }

    @Test func wrongHeaderFailsTheWholeLoadClearly() {
        #expect(throws: TraceLoadError.self) {
            try TraceLoader(format: .csv, seed: 1).load(path: TestPaths.fixture("ballast-badheader.csv"))
        }
    }

    @Test func gwaBadRowsAreSkippedWithLines() throws {
        let report = try TraceLoader(format: .gwa, seed: 1).load(path: TestPaths.fixture("gwa-bad.csv"))
        let trace = try #require(report.traces.first)
        #expect(trace.times == [1000, 1600])
        #expect(trace.cpu == [500, 1000])
        #expect(report.diagnostics.map(\.line).sorted() == [3, 5, 6])
    }

    @Test func missingPathThrowsWithThePath() {
        do {
            _ = try TraceLoader(format: .gcd, seed: 1).load(path: "/nonexistent/traces")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/nonexistent/traces"))
        }
    }
}

@Suite struct CSVReaderTests {
    @Test func rfc4180Quoting() {
        let text = "a,\"b,c\",\"d \"\"e\"\"\"\r\n\"multi\nline\",2,3\nlast,,\n"
        let (records, failure) = CSVReader().records(in: text)
        #expect(failure == nil)
        #expect(records.map(\.fields) == [["a", "b,c", "d \"e\""], ["multi\nline", "2", "3"], ["last", "", ""]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func lastRecordWithoutNewline() {
        let (records, _) = CSVReader().records(in: "x,y\n1,2")
        #expect(records.map(\.fields) == [["x", "y"], ["1", "2"]])
    }
}

/// The compact trace storage: evenly spaced times kept as start and step,
/// demand as Float, and the same interpolation as before.
@Suite("Trace storage")
struct TraceStorageTests {
    @Test func evenAndListedTimesInterpolateAlike() {
        let cpu: [Double] = [100, 300, 200, 400]
        let gib = Double(ByteUnits.gibibyte)
        let memory: [Double] = [gib, 2 * gib, 3 * gib, gib]
        let even = VMTrace(name: "even", vcpus: 1, memory: 4 << 30, times: [0, 300, 600, 900], cpu: cpu,
                           memoryDemand: memory)
        let uneven = VMTrace(name: "uneven", vcpus: 1, memory: 4 << 30, times: [0, 300, 600, 901], cpu: cpu,
                             memoryDemand: memory)
        #expect(even.times == [0, 300, 600, 900])
        #expect(uneven.times == [0, 300, 600, 901])
        #expect(even.step == 300 && uneven.step == 300)
        #expect(even.duration == 900 && uneven.duration == 901)
        #expect(even.cpu == cpu && even.memoryDemand == memory)
        var evenCursor = 0
        var unevenCursor = 0
        for offset in stride(from: 0.0, through: 600, by: 50) {
            let a = even.demand(at: offset, cursor: &evenCursor)
            let b = uneven.demand(at: offset, cursor: &unevenCursor)
            #expect(a.cpu == b.cpu && a.memory == b.memory)
        }
        var cursor = 0
        let middle = even.demand(at: 150, cursor: &cursor)
        #expect(middle.cpu == 200 && middle.memory == 1.5 * gib)
        #expect(even.demand(at: 5_000, cursor: &cursor).cpu == 400)
    }
}

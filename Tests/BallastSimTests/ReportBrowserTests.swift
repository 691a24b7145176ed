import Foundation
import Testing
import BallastSim

/// `ballast simulate --report` output opened in a real browser (Debian's
/// headless `chromium`): it must render every chart, log nothing to the
/// console, not scroll sideways, and stay small and quick at 1,600 VMs.
/// Missing chromium is a failure that names the install script, never a skip.
@Suite struct ReportBrowserTests {
    static let policies = PolicyKind.comparedByDefault.count

    static func browser() throws -> HeadlessChromium {
        try #require(FileManager.default.isExecutableFile(atPath: SimulateCLITests.binary),
                     "build the executable first: swift build --build-tests")
        return try #require(HeadlessChromium.find(), Comment(rawValue: HeadlessChromium.missingMessage))
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Three VMs whose names are markup (a script, closing tags, quotes and an
    /// ampersand) in Ballast's CSV format, demand rising and falling over 5 hours.
    static func hostileTrace(in folder: URL) throws -> String {
        let names = ["<script>console.error(\"not escaped\")</script>", "</svg></figure><h1>broken", "a & b \"quoted\" 'single'"]
        var csv = "vm,time,cpu_millicores,memory_bytes\n"
        for (vm, name) in names.enumerated() {
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            for sample in 0..<61 {
                let phase = Double(sample + 20 * vm) / 60 * 2 * Double.pi
                let cpu = 1000 + 900 * sin(phase)
                let memory = (2.0 + 1.5 * sin(phase + Double(vm))) * Double(1 << 30)
                csv += "\(quoted),\(sample * 300),\(Int(cpu)),\(Int(memory))\n"
            }
        }
        let path = folder.appendingPathComponent("hostile.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A report with the density sweep and hostile VM names: every chart
    /// (4 over time, the sweep, memory and CPU of 3 VMs) renders, no name
    /// escapes into markup, nothing is logged.
    @Test func reportWithSweepRendersInChromium() throws {
        let browser = try Self.browser()
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.html").path
        let result = try SimulateCLITests.run([
            "simulate", "--trace", try Self.hostileTrace(in: folder), "--format", "csv", "--host-cpus", "4",
            "--host-memory", "8GiB", "--overcommit", "1.5", "--tick", "60", "--sweep-overcommit", "1:2.5:0.5",
            "--report", report,
        ])
        try #require(result.status == 0, "stderr: \(result.stderr)")
        let inspection = try ReportInspection.inspect(report, browser: browser, expectedCharts: 4 + 1 + 2 * 3,
                                                      expectedPolicies: Self.policies)
        #expect(inspection.problems.isEmpty, "\(inspection.problems.joined(separator: "\n"))")
        let titles = inspection.probe.charts.map(\.title)
        #expect(titles.contains { $0.hasPrefix("Density sweep") }, "\(titles)")
        #expect(titles.contains("VM a & b \"quoted\" 'single': memory demand vs balloon target (GiB)"), "\(titles)")
        #expect(titles.contains("VM </svg></figure><h1>broken: CPU demand vs CPU run (cores)"), "\(titles)")
    }

    /// The GCD trace's 1,600 VMs (at its native 5-minute step, so that the
    /// simulation takes seconds): the charts sum over VMs, so the page is no
    /// bigger than at 3 VMs; it must stay under 1 MB and lay out in under 5 s.
    @Test func reportOf1600VMsStaysUsable() throws {
        let browser = try Self.browser()
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.html").path
        let result = try SimulateCLITests.run(["simulate", "--trace", TestPaths.gcd, "--vms", "1600", "--overcommit", "4",
                                               "--tick", "300", "--report", report])
        try #require(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("1600 VMs on "), "\(result.stdout.prefix(200))")
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: report)[.size] as? Int)
        #expect(bytes < 1_000_000, "the 1,600-VM report is \(bytes) bytes")
        let inspection = try ReportInspection.inspect(report, browser: browser, expectedCharts: 4 + 2 * 3,
                                                      expectedPolicies: Self.policies)
        #expect(inspection.problems.isEmpty, "\(inspection.problems.joined(separator: "\n"))")
        #expect(inspection.probe.layoutMilliseconds < 5_000,
                "parsing and laying out the 1,600-VM report took \(inspection.probe.layoutMilliseconds) ms")
    }

    /// The inspection can fail: a report whose page is hidden and whose first
    /// line has a NaN coordinate is reported blank, every chart without a line,
    /// and the console error Chromium logs for the coordinate.
    @Test func inspectionCatchesABlankPageAndAnSVGError() throws {
        let browser = try Self.browser()
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.html").path
        let result = try SimulateCLITests.run(["simulate", "--scenario", "demo", "--policy", "ballast,oracle",
                                               "--report", report])
        try #require(result.status == 0, "stderr: \(result.stderr)")
        var html = try String(contentsOfFile: report, encoding: .utf8)
        html = html.replacingOccurrences(of: "</style>", with: "body{visibility:hidden}</style>")
        let firstLine = try #require(html.range(of: "<polyline points=\""))
        html.replaceSubrange(firstLine, with: "<polyline points=\"0,0 nan,1 ")
        try html.write(toFile: report, atomically: true, encoding: .utf8)

        let inspection = try ReportInspection.inspect(report, browser: browser, expectedCharts: 4 + 2 * 3,
                                                      expectedPolicies: 2)
        #expect(inspection.problems.contains { $0.hasPrefix("console: ") && $0.contains("Expected number") },
                "\(inspection.problems)")
        #expect(inspection.problems.contains { $0.hasPrefix("the screenshot is blank") }, "\(inspection.problems)")
        #expect(inspection.problems.filter { $0.contains("coloured pixels in its plot area") }.count == 10,
                "\(inspection.problems)")
    }
}

import FoundationEssentials

/// Loads traces from a file or a directory (every regular, non-hidden file in
/// it, in name order), in one of the supported formats. Bad files and lines
/// are reported in the `LoadReport` and skipped; only a missing path or one
/// with no usable trace at all is an error.
public struct TraceLoader: Sendable {
    public var format: TraceFormat
    public var catalogue: SizeCatalogue

    public init(format: TraceFormat, seed: UInt64) {
        self.format = format
        self.catalogue = SizeCatalogue(seed: seed)
    }

    /// Loads `path`; with `limit`, keeps a seeded subset of that many VMs
    /// (chosen from the file names before parsing when there is one VM per file).
    public func load(path: String, limit: Int? = nil, seed: UInt64 = 0) throws(TraceLoadError) -> LoadReport {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .pathNotFound(path)
        }
        var files: [String]
        if isDirectory {
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { !$0.hasPrefix(".") && $0.lowercased() != "readme.md" }
                    .sorted()
                    .map { TraceFiles.join(path, $0) }
            } catch {
                throw .unreadable(path: path, reason: "\(error)")
            }
        } else {
            files = [path]
        }
        if let limit, format != .csv, files.count > limit {
            files = Self.seededSubset(files, count: limit, seed: seed).sorted()
        }
        var report = LoadReport()
        for file in files {
            let before = report.traces.count
            load(file: file, into: &report)
            if report.traces.count == before { report.skippedFiles += 1 }
        }
        if let limit, report.traces.count > limit {
            report.traces = Self.seededSubset(report.traces, count: limit, seed: seed)
        }
        guard !report.traces.isEmpty else {
            throw .noUsableTraces(path: path, diagnostics: report.diagnostics.count)
        }
        let (alignment, gaps) = TraceAlignment.align(&report.traces)
        report.alignment = alignment
        report.diagnostics += gaps
        return report
    }

    private func load(file: String, into report: inout LoadReport) {
        guard let data = FileManager.default.contents(atPath: file) else {
            report.diagnostics.append(LoadDiagnostic(path: file, line: 0, message: "unreadable; skipped"))
            return
        }
        guard !data.isEmpty else {
            report.diagnostics.append(LoadDiagnostic(path: file, line: 0, message: "empty file; skipped"))
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report.diagnostics.append(LoadDiagnostic(path: file, line: 0, message: "not UTF-8 text; skipped"))
            return
        }
        parse(text: text, path: file, into: &report)
    }

    /// Parses the text of one trace file already read, as `load(path:)` does for each file:
    /// `path` names the file in diagnostics and, in the one-VM-per-file formats, gives the
    /// VM its name. Public so that the fuzz target (Fuzz/) reaches the parsers without files.
    public func parse(text: String, path: String, into report: inout LoadReport) {
        let name = TraceFiles.baseName(path)
        switch format {
        case .gcd, .planetlab:
            let (trace, diagnostics) = PercentTraceParser(format: format, catalogue: catalogue)
                .parse(text: text, path: path, name: name)
            report.diagnostics += diagnostics
            if let trace { report.traces.append(trace) }
        case .gwa:
            let (trace, diagnostics) = GWATraceParser().parse(text: text, path: path, name: name)
            report.diagnostics += diagnostics
            if let trace { report.traces.append(trace) }
        case .csv:
            let (traces, diagnostics) = BallastCSVParser(catalogue: catalogue).parse(text: text, path: path)
            report.diagnostics += diagnostics
            report.traces += traces
        }
    }

    /// `count` elements chosen by a seeded shuffle, in their original order.
    static func seededSubset<T>(_ items: [T], count: Int, seed: UInt64) -> [T] {
        var generator = SeededGenerator(seed: seed ^ 0x5EED)
        var indices = Array(items.indices)
        indices.shuffle(using: &generator)
        return indices.prefix(max(0, count)).sorted().map { items[$0] }
    }
}

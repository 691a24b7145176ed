import FoundationEssentials

extension TraceFormat {
    /// Guesses the format of a file, or of the first file of a directory, from
    /// its first line: Ballast's CSV header, a GWA `Timestamp` header, or the
    /// number of numeric columns (2: GCD, 1: PlanetLab). `nil` when unclear.
    public static func detect(path: String) -> TraceFormat? {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        var file = path
        if isDirectory {
            guard let first = (try? FileManager.default.contentsOfDirectory(atPath: path))?
                .filter({ !$0.hasPrefix(".") && $0.lowercased() != "readme.md" }).sorted().first else { return nil }
            file = TraceFiles.join(path, first)
        }
        guard let text = TraceFiles.prefix(of: file, bytes: 4096) else { return nil }
        guard let line = text.split(separator: "\n").first?.trimmingASCIIWhitespace() else { return nil }
        if line.replacing(" ", with: "").hasPrefix("vm,time,") { return .csv }
        if line.lowercased().hasPrefix("timestamp") { return .gwa }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.allSatisfy({ Double($0) != nil }) else { return nil }
        switch fields.count {
        case 2: return .gcd
        case 1: return .planetlab
        default: return nil
        }
    }
}

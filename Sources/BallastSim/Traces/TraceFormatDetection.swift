import Foundation

extension TraceFormat {
    /// Guesses the format of a file, or of the first file of a directory, from
    /// its first line: Ballast's CSV header, a GWA `Timestamp` header, or the
    /// number of numeric columns (2: GCD, 1: PlanetLab). `nil` when unclear.
    public static func detect(path: String) -> TraceFormat? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        var file = path
        if isDirectory.boolValue {
            guard let first = (try? FileManager.default.contentsOfDirectory(atPath: path))?
                .filter({ !$0.hasPrefix(".") && $0.lowercased() != "readme.md" }).sorted().first else { return nil }
            file = (path as NSString).appendingPathComponent(first)
        }
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 4096)) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first?.trimmingASCIIWhitespace() else { return nil }
        if line.replacingOccurrences(of: " ", with: "").hasPrefix("vm,time,") { return .csv }
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

/// Parses Ballast's own CSV: header `vm,time,cpu_millicores,memory_bytes`,
/// one row per VM per sample, time in seconds, names quoted as RFC 4180 quotes
/// them. Rows of one VM may interleave with others'. Each VM is sized as the
/// smallest catalogue flavor that holds its peaks.
struct BallastCSVParser {
    static let header = ["vm", "time", "cpu_millicores", "memory_bytes"]
    var catalogue: SizeCatalogue

    func parse(text: String, path: String) -> ([VMTrace], [LoadDiagnostic]) {
        var diagnostics: [LoadDiagnostic] = []
        let (records, failure) = CSVReader().records(in: text)
        if let failure {
            diagnostics.append(LoadDiagnostic(path: path, line: failure.line, message: failure.message + "; rest of file skipped"))
        }
        guard let first = records.first else {
            diagnostics.append(LoadDiagnostic(path: path, line: 0, message: "empty file; skipped"))
            return ([], diagnostics)
        }
        let header = first.fields.map { $0.trimmed(of: " \t\r") }
        guard header == Self.header else {
            diagnostics.append(LoadDiagnostic(path: path, line: first.line,
                message: "header must be '\(Self.header.joined(separator: ","))', found '\(header.joined(separator: ","))'; file skipped"))
            return ([], diagnostics)
        }
        var order: [String] = []
        var samples: [String: [(time: Double, cpu: Double, memory: Double)]] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == 4 else {
                diagnostics.append(LoadDiagnostic(path: path, line: record.line,
                    message: "expected 4 fields, found \(record.fields.count); row skipped"))
                continue
            }
            let name = record.fields[0]
            guard !name.isEmpty else {
                diagnostics.append(LoadDiagnostic(path: path, line: record.line, message: "empty vm name; row skipped"))
                continue
            }
            let numbers = record.fields.dropFirst().map { Double($0.trimmed(of: " \t")) }
            guard numbers.count == 3, let time = numbers[0], let cpu = numbers[1], let memory = numbers[2],
                  time.isFinite, cpu.isFinite, memory.isFinite, cpu >= 0, memory >= 0 else {
                diagnostics.append(LoadDiagnostic(path: path, line: record.line,
                    message: "time, cpu_millicores and memory_bytes must be non-negative numbers; row skipped"))
                continue
            }
            // The VM's size is the smallest flavor holding its peaks (SizeCatalogue): demand
            // past any VM's size would overflow that size's integers, so such a row is garbage.
            guard cpu <= Double(GWATraceParser.maximumCores) * 1000, memory <= Double(GWATraceParser.maximumMemory) else {
                diagnostics.append(LoadDiagnostic(path: path, line: record.line,
                    message: "\(cpu) millicores or \(memory) bytes is too large for a VM "
                        + "(at most \(GWATraceParser.maximumCores) cores and 2^60 bytes); row skipped"))
                continue
            }
            if samples[name] == nil { order.append(name) }
            if let last = samples[name]?.last, time <= last.time {
                diagnostics.append(LoadDiagnostic(path: path, line: record.line,
                    message: "time \(time) of vm '\(name)' is not after its previous sample; row skipped"))
                continue
            }
            samples[name, default: []].append((time, cpu, memory))
        }
        var traces: [VMTrace] = []
        for name in order {
            guard let rows = samples[name], rows.count >= 2 else {
                diagnostics.append(LoadDiagnostic(path: path, line: 0,
                    message: "vm '\(name)' has fewer than 2 usable samples; skipped"))
                continue
            }
            let peakCPU = rows.map(\.cpu).max() ?? 0
            let peakMemory = rows.map(\.memory).max() ?? 0
            let flavor = catalogue.smallestFitting(cpu: peakCPU, memory: peakMemory)
            traces.append(VMTrace(name: name, vcpus: flavor.vcpus, memory: flavor.memory, times: rows.map(\.time),
                                  cpu: rows.map { min($0.cpu, Double(flavor.vcpus * 1000)) },
                                  memoryDemand: rows.map { min($0.memory, Double(flavor.memory)) }))
        }
        return (traces, diagnostics)
    }
}

extension String {
    /// The text without the given leading and trailing ASCII characters.
    func trimmed(of characters: String) -> String {
        let set = Set(characters.unicodeScalars)
        var scalars = Substring.UnicodeScalarView(unicodeScalars)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}

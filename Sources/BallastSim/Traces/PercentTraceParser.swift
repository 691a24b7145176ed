/// Parses the %-based formats (GCD: `cpu% mem%` per line; PlanetLab: `cpu%`
/// per line), one VM per file, one sample every 300 s. The VM's size comes
/// from the seeded catalogue; percentages are of that size. PlanetLab has no
/// memory column: memory demand is held at a seeded 20-60 % of the VM's size
/// so that memory policies have something steady to manage.
struct PercentTraceParser {
    var format: TraceFormat
    var catalogue: SizeCatalogue

    func parse(text: String, path: String, name: String) -> (VMTrace?, [LoadDiagnostic]) {
        var diagnostics: [LoadDiagnostic] = []
        let flavor = catalogue.flavor(for: name)
        let cpuCeiling = Double(flavor.vcpus * 1000)
        let memoryCeiling = Double(flavor.memory)
        let columns = format == .gcd ? 2 : 1
        var fixedMemoryFraction = 0.0
        if format == .planetlab {
            var generator = SeededGenerator(seed: StableHash.of(name, seed: catalogue.seed &+ 7))
            fixedMemoryFraction = 0.2 + 0.4 * generator.nextUnit()
        }
        var times: [Double] = []
        var cpu: [Double] = []
        var memory: [Double] = []
        var clamped = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingASCIIWhitespace()
            if line.isEmpty { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            guard parts.count == columns else {
                diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                    message: "expected \(columns) number(s), found \(parts.count) field(s): '\(line.prefix(40))'; line skipped"))
                continue
            }
            var values: [Double] = []
            for part in parts {
                guard let value = Double(part), value.isFinite, value >= 0 else {
                    diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                        message: "'\(part.prefix(40))' is not a non-negative number; line skipped"))
                    break
                }
                values.append(value)
            }
            guard values.count == columns else { continue }
            if values.contains(where: { $0 > 100 }) { clamped += 1 }
            times.append(Double(times.count) * TraceFormat.percentTraceStep)
            cpu.append(min(values[0], 100) / 100 * cpuCeiling)
            let memoryPercent = columns == 2 ? min(values[1], 100) / 100 : fixedMemoryFraction
            memory.append(memoryPercent * memoryCeiling)
        }
        if clamped > 0 {
            diagnostics.append(LoadDiagnostic(path: path, line: 0,
                message: "\(clamped) value(s) above 100 % clamped to the VM's size"))
        }
        guard times.count >= 2 else {
            diagnostics.append(LoadDiagnostic(path: path, line: 0,
                message: "only \(times.count) usable sample(s), need at least 2; file skipped"))
            return (nil, diagnostics)
        }
        return (VMTrace(name: name, vcpus: flavor.vcpus, memory: flavor.memory, times: times, cpu: cpu,
                        memoryDemand: memory), diagnostics)
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    func trimmingASCIIWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }
}

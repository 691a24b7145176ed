import BallastCore

/// Parser for pressure stall information files (`/proc/pressure/*`,
/// `<cgroup>/cpu.pressure`, `memory.pressure`), whose format the kernel documents
/// in Documentation/accounting/psi.rst:
///
///     some avg10=0.00 avg60=0.00 avg300=0.00 total=0
///     full avg10=0.00 avg60=0.00 avg300=0.00 total=0
///
/// `full` is absent for CPU on older kernels (and all-zero at the system level on newer ones).
/// Lines split at '\n', fields at runs of ' '; lines of another kind are skipped;
/// a later `some`/`full` line, or a later `avg10=`/`total=` field, replaces an earlier one.
public enum PressureFile {
    public static func parse(_ text: String, file: String) throws(ParseError) -> PressureSample {
        var text = text
        let outcome = text.withUTF8 { bytes in
            Result { () throws(ParseError) -> PressureSample in try parse(bytes, file: file) }
        }
        return try outcome.get()
    }

    /// Parses the file's bytes in one pass, without splitting them into strings.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(ParseError) -> PressureSample {
        var someAvg10: Double?
        var someTotal: UInt64?
        var fullAvg10: Double?
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let line = bytes.slice(lineStart..<lineEnd)
            lineStart = lineEnd + 1
            var fields = FieldCursor(line)
            guard let kind = fields.next() else { continue }
            let isSome = kind.spells("some")
            guard isSome || kind.spells("full") else { continue }
            var avg10: Double?
            var total: UInt64?
            while let field = fields.next() {
                guard let equals = field.firstIndex(of: 0x3D) else { continue } // '='
                let name = field.slice(0..<equals)
                let value = field.slice((equals + 1)..<field.count)
                if name.spells("avg10") { avg10 = DecimalBytes.double(value) }
                if name.spells("total") { total = DecimalBytes.unsigned(value) }
            }
            guard let avg10, let total else {
                throw ParseError(file: file, detail: "line '\(line.text)' lacks avg10= or total= (expected PSI format)")
            }
            guard (0...100).contains(avg10) else {
                throw ParseError(file: file, detail: "line '\(line.text)' has avg10=\(avg10), not a percentage (0 to 100)")
            }
            if isSome {
                someAvg10 = avg10
                someTotal = total
            } else {
                fullAvg10 = avg10
            }
        }
        guard let someAvg10, let someTotal else {
            throw ParseError(file: file, detail: "no 'some avg10=.. total=..' line (expected PSI format)")
        }
        return PressureSample(someAvg10: someAvg10, fullAvg10: fullAvg10, someTotalMicros: someTotal)
    }
}

/// The space-separated fields of one line, empty fields skipped.
private struct FieldCursor {
    let line: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ line: UnsafeBufferPointer<UInt8>) { self.line = line }

    mutating func next() -> UnsafeBufferPointer<UInt8>? {
        while index < line.count, line[index] == 0x20 { index += 1 }
        guard index < line.count else { return nil }
        let start = index
        while index < line.count, line[index] != 0x20 { index += 1 }
        return line.slice(start..<index)
    }
}

import BallastCore

/// Parser for pressure stall information files (`/proc/pressure/*`,
/// `<cgroup>/cpu.pressure`, `memory.pressure`), whose format the kernel documents
/// in Documentation/accounting/psi.rst:
///
///     some avg10=0.00 avg60=0.00 avg300=0.00 total=0
///     full avg10=0.00 avg60=0.00 avg300=0.00 total=0
///
/// `full` is absent for CPU on older kernels (and all-zero at the system level on newer ones).
public enum PressureFile {
    public static func parse(_ text: String, file: String) throws(ParseError) -> PressureSample {
        var someAvg10: Double?
        var someTotal: UInt64?
        var fullAvg10: Double?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let kind = fields.first, kind == "some" || kind == "full" else { continue }
            var avg10: Double?
            var total: UInt64?
            for field in fields.dropFirst() {
                guard let equals = field.firstIndex(of: "=") else { continue }
                let name = field[..<equals]
                let value = field[field.index(after: equals)...]
                if name == "avg10" { avg10 = Double(value) }
                if name == "total" { total = UInt64(value) }
            }
            guard let avg10, let total else {
                throw ParseError(file: file, detail: "line '\(line)' lacks avg10= or total= (expected PSI format)")
            }
            if kind == "some" {
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

import BallastSim
import FuzzSupport

/// Trace files come from anywhere (downloaded public traces, hand-edited CSV). The first
/// byte picks the format (gcd, planetlab, gwa, csv); the rest is one file's text.
/// Properties: every trace has at least two samples with strictly increasing finite times,
/// a positive size, and demands that are finite, non-negative and within the VM's size
/// (CPU at most vcpus × 1000 millicores, memory at most its configured bytes).
// Also the symbol libFuzzer's own main (linked in, then overridden by SwiftPM's) refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTraces(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let (selector, rest) = fuzzSelector(fuzzBytes(start, count)),
          let text = String(validating: rest, as: UTF8.self) else { return 0 }
    let format = TraceFormat.allCases[Int(selector) % TraceFormat.allCases.count]
    var report = LoadReport()
    TraceLoader(format: format, seed: 1).parse(text: text, path: "fuzz/vm-1", into: &report)
    for trace in report.traces {
        fuzzCheck(trace.sampleCount >= 2, "\(format) trace with \(trace.sampleCount) samples")
        fuzzCheck(trace.vcpus >= 1 && trace.memory > 0, "\(format) trace sized \(trace.vcpus) vCPUs, \(trace.memory) B")
        let times = trace.times
        fuzzCheck(times.allSatisfy(\.isFinite) && zip(times, times.dropFirst()).allSatisfy { $0 < $1 },
                  "\(format) trace times are not finite and strictly increasing")
        let cpuCeiling = Double(trace.vcpus) * 1000
        fuzzCheck(trace.cpu.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= cpuCeiling * (1 + 1e-6) },
                  "\(format) trace CPU demand outside 0...\(cpuCeiling)")
        let memoryCeiling = Double(trace.memory)
        fuzzCheck(trace.memoryDemand.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= memoryCeiling * (1 + 1e-6) },
                  "\(format) trace memory demand outside 0...\(memoryCeiling)")
    }
    return 0
}

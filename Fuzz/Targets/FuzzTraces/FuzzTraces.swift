import BallastSim
import FuzzSupport

/// Trace files come from anywhere (downloaded public traces, hand-edited CSV). The first
/// byte picks the format (gcd, planetlab, gwa, csv); the rest is one file's text.
/// Properties: every trace has at least two samples with strictly increasing finite times,
/// a positive size, and demands that are finite, non-negative and within the VM's size
/// (CPU at most vcpus × 1000 millicores, memory at most its configured bytes, both as
/// sized at the sample's time when the trace resizes the VM).
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
        // A trace may resize its VM mid-way: each sample is held to the size in force at its time.
        let sizes = times.map { time in
            trace.resizes.last { $0.time <= time }.map { (vcpus: $0.vcpus, memory: $0.memory) }
                ?? (vcpus: trace.vcpus, memory: trace.memory)
        }
        fuzzCheck(trace.resizes.allSatisfy { $0.vcpus >= 1 && $0.memory > 0 }, "\(format) trace resized to no size")
        let cpuDemand = trace.cpu, memoryDemand = trace.memoryDemand
        for (index, size) in sizes.enumerated() {
            let cpuCeiling = Double(size.vcpus) * 1000
            let cpu = cpuDemand[index]
            fuzzCheck(cpu.isFinite && cpu >= 0 && cpu <= cpuCeiling * (1 + 1e-6),
                      "\(format) trace CPU demand \(cpu) outside 0...\(cpuCeiling) at sample \(index)")
            let memoryCeiling = Double(size.memory)
            let memory = memoryDemand[index]
            fuzzCheck(memory.isFinite && memory >= 0 && memory <= memoryCeiling * (1 + 1e-6),
                      "\(format) trace memory demand \(memory) outside 0...\(memoryCeiling) at sample \(index)")
        }
    }
    return 0
}

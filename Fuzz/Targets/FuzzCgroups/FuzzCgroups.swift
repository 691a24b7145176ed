import BallastCgroups
import BallastCore
import FuzzSupport

/// cgroup and /proc files are read from a filesystem a guest's workload can influence (and
/// a broken kernel or container runtime can garble). The first byte picks the parser; the
/// rest is the file. Properties: a CPU list counts at least one CPU and no more than its
/// text can name; pressure averages are percentages (0...100, as PressureSample documents);
/// flat keyed files and stat counters keep only keys the text holds.
// Also the symbol libFuzzer's own main (linked in, then overridden by SwiftPM's) refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCgroups(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let (selector, rest) = fuzzSelector(fuzzBytes(start, count)) else { return 0 }
    let text = String(decoding: rest, as: UTF8.self)
    switch selector % 5 {
    case 0:
        if let cpus = try? CPUList.count(text, file: "cpuset.cpus") {
            fuzzCheck(cpus >= 1, "CPU list '\(text)' counts \(cpus) CPUs")
        }
    case 1:
        if let sample = try? PressureFile.parse(text, file: "cpu.pressure") {
            fuzzCheck((0...100).contains(sample.someAvg10), "some avg10 \(sample.someAvg10) is not a percentage")
            fuzzCheck(sample.fullAvg10.map { (0...100).contains($0) } ?? true,
                      "full avg10 \(String(describing: sample.fullAvg10)) is not a percentage")
        }
    case 2:
        let values = FlatKeyedFile.parse(text)
        for key in values.keys {
            fuzzCheck(!key.isEmpty && fuzzContains(Array(text.utf8), key), "flat keyed file yields key '\(key)' not in its text")
        }
    case 3:
        let counters = rest.withUnsafeBufferPointer { CPUStatCounters.parse($0) }
        if counters.usageMicros != nil { fuzzCheck(fuzzContains(rest, "usage_usec"), "usage without usage_usec") }
        if counters.periods != nil { fuzzCheck(fuzzContains(rest, "nr_periods"), "periods without nr_periods") }
    default:
        let counters = rest.withUnsafeBufferPointer { MemoryStatCounters.parse($0) }
        if counters.anon != nil { fuzzCheck(fuzzContains(rest, "anon"), "anon without an anon key") }
        if counters.file != nil { fuzzCheck(fuzzContains(rest, "file"), "file without a file key") }
    }
    return 0
}

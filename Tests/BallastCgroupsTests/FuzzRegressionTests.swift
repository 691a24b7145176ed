import BallastCgroups
import Testing

/// Inputs the fuzz target FuzzCgroups (docs/fuzzing.md) found, minimized: each once broke a
/// property of a cgroup or /proc parser and is now refused with a `ParseError`.
@Suite struct CgroupFuzzRegressionTests {
    /// ",\n\n" counted zero CPUs and was accepted (a host "with no CPU").
    @Test(arguments: [",\n\n", ",", ",,"])
    func aCPUListOfSeparatorsNamesNoCPU(text: String) {
        #expect(throws: ParseError.self) { try CPUList.count(text, file: "cpuset.cpus") }
    }

    /// A range past Int's width overflowed the count and trapped; a negative CPU was counted.
    @Test(arguments: ["0-9223372036854775807", "0-4,1-9223372036854775806", "-1", "+-1"])
    func aCPUListThatCannotBeRealIsRefused(text: String) {
        #expect(throws: ParseError.self) { try CPUList.count(text, file: "cpuset.cpus") }
    }
}

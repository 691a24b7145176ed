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

/// Pressure averages are percentages (`PressureSample`); a file that says otherwise is not PSI.
@Suite struct PressureFuzzRegressionTests {
    @Test(arguments: ["some avg10=101.00 avg60=0.00 avg300=0.00 total=0\n",
                      "some avg10=nan avg60=0.00 avg300=0.00 total=0\n",
                      "some avg10=-1 avg60=0.00 avg300=0.00 total=0\n",
                      "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=1e5 avg60=0 avg300=0 total=0\n"])
    func anAverageOutsideZeroToHundredIsRefused(text: String) {
        #expect(throws: ParseError.self) { try PressureFile.parse(text, file: "cpu.pressure") }
    }
}

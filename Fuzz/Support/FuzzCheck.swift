import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif

/// A property every fuzz target states about what a parser returned. A failed one traps,
/// which libFuzzer records as a crash and saves the input for (docs/fuzzing.md).
public func fuzzCheck(_ condition: Bool, _ property: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    fatalError("property failed: \(property())", file: file, line: line)
}

/// The fuzzer's bytes as a Swift array, the form most parsers take.
public func fuzzBytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// The input split into a selector (its first byte) and the rest, for targets that
/// drive several parsers from one corpus.
public func fuzzSelector(_ bytes: [UInt8]) -> (selector: UInt8, rest: [UInt8])? {
    guard let first = bytes.first else { return nil }
    return (first, Array(bytes.dropFirst()))
}

/// Whether `needle`'s UTF-8 bytes occur in `haystack` (byte by byte: String's own
/// `contains` compares characters, and a key followed by a combining mark would not match).
public func fuzzContains(_ haystack: [UInt8], _ needle: String) -> Bool {
    let pattern = Array(needle.utf8)
    guard !pattern.isEmpty, pattern.count <= haystack.count else { return pattern.isEmpty }
    for offset in 0...(haystack.count - pattern.count)
    where haystack[offset..<(offset + pattern.count)].elementsEqual(pattern) {
        return true
    }
    return false
}

/// The target's `main`: hands the command line to libFuzzer's driver with `test`, the
/// target's entry (called once per input), and exits with the driver's status.
public func fuzzMain(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(ballast_fuzz_run(&argc, &argv, test))
}

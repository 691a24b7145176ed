import BallastCore
import Testing
@testable import BallastCgroups

/// The one-pass byte parsers: the keys the readers need, and the edges of
/// malformed input (truncated lines, non-numbers, missing and repeated keys).
struct ByteParserTests {
    static func cpuStat(_ text: String) -> CPUStatCounters {
        var text = text
        return text.withUTF8 { CPUStatCounters.parse($0) }
    }

    static func memoryStat(_ text: String) -> MemoryStatCounters {
        var text = text
        return text.withUTF8 { MemoryStatCounters.parse($0) }
    }

    @Test func cpuStatPicksTheV1AndV2Keys() {
        let v2 = Self.cpuStat("usage_usec 10\nuser_usec 8\nnr_periods 3\nnr_throttled 2\nthrottled_usec 40\nnr_bursts 0\n")
        #expect(v2 == CPUStatCounters(usageMicros: 10, periods: 3, throttledPeriods: 2, throttledMicros: 40))
        let v1 = Self.cpuStat("nr_periods 5\nnr_throttled 1\nthrottled_time 900\n")
        #expect(v1 == CPUStatCounters(periods: 5, throttledPeriods: 1, throttledTimeNanos: 900))
    }

    @Test func truncatedLastLineStillCountsWhenItHoldsANumber() {
        #expect(Self.cpuStat("nr_periods 5\nusage_usec 12").usageMicros == 12)
        #expect(Self.cpuStat("nr_periods 5\nusage_usec").usageMicros == nil)
        #expect(Self.cpuStat("nr_periods 5\nusage_usec ").periods == 5)
    }

    @Test func nonNumericOrOverflowingValuesAreSkipped() {
        let stat = Self.cpuStat("usage_usec abc\nnr_periods 12x\nnr_throttled 99999999999999999999999\nthrottled_usec -4\n")
        #expect(stat == CPUStatCounters())
    }

    @Test func missingKeysStayNilAndLookalikesDoNotMatch() {
        let stat = Self.memoryStat("anon_thp 1\nfile_mapped 2\nactive_anon 3\ninactive_file 4\nshmem 5\n")
        #expect(stat == MemoryStatCounters())
    }

    @Test func aRepeatedKeyTakesTheLastValueAsTheDictionaryDid() {
        let text = "anon 1\nfile 2\nanon 3\n"
        #expect(Self.memoryStat(text).anon == 3)
        #expect(FlatKeyedFile.parse(text)["anon"] == 3)
        #expect(Self.cpuStat("usage_usec 1\nusage_usec oops\n").usageMicros == 1) // a non-number does not erase
    }

    @Test func memoryStatPicksV1AndV2Keys() {
        let stat = Self.memoryStat("cache 1\nrss 2\ntotal_cache 3\ntotal_rss 4\nanon 5\nfile 6\n")
        #expect(stat == MemoryStatCounters(anon: 5, file: 6, totalRSS: 4, rss: 2, totalCache: 3, cache: 1))
    }

    @Test func pressureFromBytesMatchesTheDocumentedFormat() throws {
        let sample = try PressureFile.parse("some avg10=1.20 avg60=0.80 avg300=0.10 total=9000\nfull avg10=0.10 avg60=0 avg300=0 total=1\n",
                                            file: "cpu.pressure")
        #expect(sample == PressureSample(someAvg10: 1.2, fullAvg10: 0.1, someTotalMicros: 9000))
    }

    @Test func pressureEdges() throws {
        // Truncated line, non-numeric value: the error names the file and the line.
        #expect {
            try PressureFile.parse("some avg10=1.20 avg60=0.80 avg3", file: "p")
        } throws: { "\($0)".contains("p: line 'some avg10=1.20 avg60=0.80 avg3' lacks avg10= or total=") }
        #expect(throws: ParseError.self) { try PressureFile.parse("some avg10=abc total=1\n", file: "p") }
        #expect(throws: ParseError.self) { try PressureFile.parse("full avg10=1 total=1\n", file: "p") }
        // A later line and a later field win; other kinds and extra spaces are ignored.
        let repeated = try PressureFile.parse("some avg10=1 total=1\nsome  avg10=2  total=2 avg10=3\nother x=1\n\n", file: "p")
        #expect(repeated == PressureSample(someAvg10: 3, fullAvg10: nil, someTotalMicros: 2))
        // Forms outside the fast path still read as Double(String)/UInt64(String) do.
        let exotic = try PressureFile.parse("some avg10=1e1 total=+7\n", file: "p")
        #expect(exotic == PressureSample(someAvg10: 10, fullAvg10: nil, someTotalMicros: 7))
    }

    @Test func decimalBytesAgreeWithTheStandardLibrary() {
        let samples = ["0", "0.00", "1.20", "99.99", "100.00", "0.01", "123456789012.345", "1234567890123456789.5",
                       "1.", ".5", "", ".", "1.2.3", "-1", "+2", "1e3", "inf", "nan", "0x10", " 1", "18446744073709551616"]
        for sample in samples {
            var text = sample
            let double = text.withUTF8 { DecimalBytes.double($0) }
            let expected = Double(sample)
            #expect(double == expected || (double?.isNaN == true && expected?.isNaN == true), "\(sample)")
            #expect(text.withUTF8 { DecimalBytes.unsigned($0) } == UInt64(sample), "\(sample)")
            #expect(text.withUTF8 { DecimalBytes.isInt($0) } == (Int(sample) != nil), "\(sample)")
        }
    }

    @Test func trimmingMatchesTheStringVersion() {
        for sample in ["  7 \n", "\t7\r", "7\r\n", "\r\n7", "\n\n", "", "max\n", " a b "] {
            var text = sample
            let trimmed = text.withUTF8 { String(decoding: $0.trimmingWhitespace(), as: UTF8.self) }
            #expect(trimmed == sample.trimmingWhitespace(), "\(sample.debugDescription)")
        }
    }
}

@testable import BallastDaemon
import BallastMetrics
import Testing

@Suite("TOML parser")
struct TOMLParserTests {
    private func parse(_ text: String) throws -> TOMLTable {
        try TOMLParser.parse(text)
    }

    private func table(_ pairs: [String: TOMLValue], origin: TOMLTable.Origin = .header) -> TOMLTable {
        var table = TOMLTable(origin: origin)
        for (key, value) in pairs { table.set(key, value) }
        return table
    }

    @Test("strings: escapes, literal, multi-line with a dropped first newline and line-ending backslashes")
    func strings() throws {
        let document = try parse(#"""
        basic = "tab\there \"quoted\" \\ \u00E9 \U0001F600"
        literal = 'C:\path\no escapes'
        multi = """
        one
        two \
            three"""
        raw = '''
        first
        \n stays'''
        quotes = """a""b"""""
        "quoted key" = 1
        'literal key' = 2
        """#)
        #expect(document["basic"] == .string("tab\there \"quoted\" \\ \u{E9} \u{1F600}"))
        #expect(document["literal"] == .string("C:\\path\\no escapes"))
        #expect(document["multi"] == .string("one\ntwo three"))
        #expect(document["raw"] == .string("first\n\\n stays"))
        #expect(document["quotes"] == .string("a\"\"b\"\""))
        #expect(document["quoted key"] == .integer(1))
        #expect(document["literal key"] == .integer(2))
    }

    @Test("numbers: underscores, signs, hexadecimal, octal, binary, exponents, inf and nan")
    func numbers() throws {
        let document = try parse("""
        a = 1_000
        b = -17
        c = +99
        d = 0xDEAD_beef
        e = 0o755
        f = 0b1101
        g = 3.14
        h = -0.01
        i = 5e+22
        j = 1e06
        k = 6.626e-34
        l = -inf
        m = nan
        n = 0
        o = 9223372036854775807
        """)
        let expected: [String: TOMLValue] = [
            "a": .integer(1000), "b": .integer(-17), "c": .integer(99), "d": .integer(0xDEADBEEF), "e": .integer(0o755),
            "f": .integer(0b1101), "g": .float(3.14), "h": .float(-0.01), "i": .float(5e22), "j": .float(1e6),
            "k": .float(6.626e-34), "l": .float(-.infinity), "n": .integer(0), "o": .integer(Int.max),
        ]
        for (key, value) in expected { #expect(document[key] == value, "\(key)") }
        guard case .float(let nan)? = document["m"] else { Issue.record("nan did not parse"); return }
        #expect(nan.isNaN)
    }

    @Test("booleans and dates, kept as written")
    func booleansAndDates() throws {
        let document = try parse("""
        yes = true
        no = false
        offset = 1979-05-27T07:32:00Z
        spaced = 1979-05-27 07:32:00.999-07:00
        day = 1979-05-27
        time = 07:32:00
        """)
        #expect(document["yes"] == .boolean(true))
        #expect(document["no"] == .boolean(false))
        #expect(document["offset"] == .dateTime("1979-05-27T07:32:00Z"))
        #expect(document["spaced"] == .dateTime("1979-05-27 07:32:00.999-07:00"))
        #expect(document["day"] == .dateTime("1979-05-27"))
        #expect(document["time"] == .dateTime("07:32:00"))
    }

    @Test("tables: headers, dotted keys, arrays of tables with sub-tables, inline tables, arrays across lines")
    func tables() throws {
        let document = try parse("""
        top.dotted = 1
        [a.b]
        c = 2
        [a]
        d = 3
        [[plugin]]
        name = "one"
        [plugin.options]
        x = { y = 1, z.w = "deep" }
        [[plugin]]
        name = "two"
        list = [
          1, # a comment
          [ "nested" ],
        ]
        empty = []
        """)
        #expect(document["top"] == .table(table(["dotted": .integer(1)])))
        #expect(document["a"]?.table?["b"] == .table(table(["c": .integer(2)])))
        #expect(document["a"]?.table?["d"] == .integer(3))
        let plugins = try #require(document["plugin"]?.array)
        #expect(plugins.count == 2)
        #expect(plugins.first?.table?["options"]?.table?["x"]
            == .table(table(["y": .integer(1), "z": .table(table(["w": .string("deep")]))])))
        #expect(plugins.last?.table?["list"] == .array([.integer(1), .array([.string("nested")])]))
        #expect(plugins.last?.table?["empty"] == .array([]))
    }

    @Test("what TOML forbids is an error with its line, column and what was wrong",
          arguments: [
            ("a = 1\na = 2", 2, 1, "defined twice"),
            ("[a]\n[a]", 2, 1, "defined twice"),
            ("a = { b = 1 }\n[a]", 2, 1, "defined twice"),
            ("a.b = 1\n[a]", 2, 1, "defined twice"),
            ("[a]\nb = 1\n[a.b]", 3, 1, "already holds an integer"),
            ("a = { x = 1 }\na.y = 2", 2, 1, "inline table"),
            ("[a.b]\n[a]\nb.c = 1", 3, 1, "dotted keys cannot add"),
            ("a = []\n[[a]]", 2, 1, "already holds an array"),
            ("x = 01", 1, 5, "not a TOML number"),
            ("x = 1__2", 1, 5, "not a TOML number"),
            ("x = +0x1", 1, 5, "not a TOML number"),
            ("x = 1.", 1, 5, "not a TOML number"),
            ("x = 9223372036854775808", 1, 5, "not a TOML number"),
            ("x = \"open", 1, 10, "must end on its line"),
            ("x = \"\\q\"", 1, 8, "unknown escape"),
            ("x = \"\\uD800\"", 1, 12, "not a Unicode scalar value"),
            ("x = 1979-13-01", 1, 5, "not a TOML date"),
            ("x = [1 2]", 1, 8, "',' or ']'"),
            ("x = { a = 1, }", 1, 14, "a key must start"),
            ("x = 1 y = 2", 1, 7, "the end of the line"),
            ("x = 1\ry = 2", 1, 7, "carriage return"),
            ("x = \"\"\"never closed", 1, 20, "never ends"),
            ("= 1", 1, 1, "a key must start"),
            ("x = ", 1, 5, "a value"),
            ("x = " + String(repeating: "[", count: 100_000), 1, 69, "nest deeper than 64"),
          ])
    func errors(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted: \(text)")
        } catch let error as TOMLSyntaxError {
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// The reason the parser exists: TOMLKit leaked 3.5-7.5 KiB per parse, which the soak's
    /// hourly reloads showed as heap growth. 2,000 parses of the soak's config would leak at
    /// least 7 MiB that way; tests running beside this one allocate and free meanwhile, so
    /// the least growth of three rounds is what must stay under 1 MiB.
    @Test func parsingLeavesNothingBehind() throws {
        let text = """
        interval = 30
        [estimator.prediction]
        enabled = true
        [[plugin]]
        name = "priority"
        command = ["/usr/lib/ballast/plugins/priority"]
        options = { high_priority = ["vm_1*", "vm_3*"], weight_factor = 4 }
        """
        var growths: [Int64] = []
        for _ in 0..<3 {
            let before = try #require(HeapUsage.current())
            for _ in 0..<2_000 { _ = try ConfigLoader.parse(text, file: "leak.toml") }
            let after = try #require(HeapUsage.current())
            growths.append(Int64(after.inUse) - Int64(before.inUse))
        }
        #expect((growths.min() ?? 0) < 1 << 20, "heap growth per 2,000 parses: \(growths) bytes")
    }
}

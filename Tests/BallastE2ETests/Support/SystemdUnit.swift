import Foundation

/// A systemd unit file read the way systemd reads the parts the tests run: sections,
/// `Key=value` lines (comments, continuation lines), and `Exec*=` command lines split into
/// words (systemd.service(5), "Command lines"). What the tests cannot reproduce faithfully
/// (`$VARIABLE` expansion, `%` specifiers other than `%%`, `;`-separated commands) is an
/// error naming the line, so that a unit the test cannot run makes the test fail.
struct SystemdUnit: Sendable {
    /// One `Exec*=` command line: the program, its arguments, and whether a failing exit
    /// status is ignored (the `-` prefix).
    struct Command: Sendable, Equatable {
        var executable: String
        var arguments: [String]
        var ignoresFailure = false

        var words: [String] { [executable] + arguments }
    }

    struct ParseError: Error, CustomStringConvertible {
        let file: String
        let line: Int
        let problem: String
        var description: String { "\(file):\(line): \(problem)" }
    }

    /// (section, key, value, line number) in file order; repeated keys are kept.
    let entries: [(section: String, key: String, value: String, line: Int)]
    let path: String

    init(path: String) throws {
        try self.init(text: String(contentsOfFile: path, encoding: .utf8), path: path)
    }

    init(text: String, path: String) throws {
        self.path = path
        var entries: [(section: String, key: String, value: String, line: Int)] = []
        var section = ""
        var pending: (key: String, value: String, line: Int)?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if var open = pending {
                // A continuation line: comments inside a continued value are skipped.
                if line.hasPrefix("#") || line.hasPrefix(";") { continue }
                let continues = line.hasSuffix("\\")
                open.value += " " + (continues ? String(line.dropLast()) : line)
                if continues { pending = open } else {
                    entries.append((section, open.key, open.value.trimmingCharacters(in: .whitespaces), open.line))
                    pending = nil
                }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw ParseError(file: path, line: index + 1, problem: "a section header without ']': \(line)")
                }
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(file: path, line: index + 1, problem: "neither a section, a comment nor Key=value: \(line)")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasSuffix("\\") {
                value.removeLast()
                pending = (key, value, index + 1)
            } else {
                entries.append((section, key, value, index + 1))
            }
        }
        if let open = pending {
            throw ParseError(file: path, line: open.line, problem: "\(open.key)= ends with '\\' at the end of the file")
        }
        self.entries = entries
    }

    /// Every value of `key` in `section`, in file order, with its line number.
    func values(_ key: String, in section: String) -> [(value: String, line: Int)] {
        entries.filter { $0.section == section && $0.key == key }.map { ($0.value, $0.line) }
    }

    /// The commands of `key` (e.g. ExecStartPre) in [Service], in the order systemd runs them.
    func commands(_ key: String) throws -> [Command] {
        try values(key, in: "Service").map { try Self.command($0.value, file: path, line: $0.line) }
    }

    /// Splits one command line: optional prefixes, then words separated by blanks, with
    /// single and double quotes and C escapes as systemd allows them.
    static func command(_ value: String, file: String, line: Int) throws -> Command {
        func error(_ problem: String) -> ParseError { ParseError(file: file, line: line, problem: problem) }
        var rest = Substring(value)
        var ignoresFailure = false
        var argv0Given = false
        // "-" ignores failure; "@" gives argv[0] separately; ":", "+", "!", "!!" change
        // variable expansion or privileges, which a test running as root need not reproduce.
        while let first = rest.first, "-@:+!".contains(first) {
            if first == "-" { ignoresFailure = true }
            if first == "@" { argv0Given = true }
            rest = rest.dropFirst()
        }
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var characters = rest.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                guard let escaped = characters.next() else { throw error("a command line ends with '\\'") }
                let escapes: [Character: String] = ["n": "\n", "t": "\t", "\\": "\\", "\"": "\"", "'": "'", " ": " "]
                guard let replacement = escapes[escaped] else {
                    throw error("the escape \\\(escaped) in '\(value)' is not one the test reproduces")
                }
                word += replacement
                inWord = true
            case "\"", "'":
                if quote == character { quote = nil } else if quote == nil { quote = character; inWord = true } else {
                    word.append(character)
                }
            case "$":
                guard quote != "'" else { word.append(character); continue }
                throw error("'\(value)' expands an environment variable; the test cannot know its value")
            case "%":
                guard characters.next() == "%" else {
                    throw error("'\(value)' uses a %-specifier; the test cannot know its value")
                }
                word.append("%")
                inWord = true
            case " " where quote == nil, "\t" where quote == nil:
                if inWord { words.append(word) }
                word = ""
                inWord = false
            default:
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw error("an unclosed \(quote.map(String.init) ?? "") quote in '\(value)'") }
        if inWord { words.append(word) }
        if words.contains(";") { throw error("'\(value)' holds several commands separated by ';'") }
        if argv0Given, words.count >= 2 { words.remove(at: 1) }
        guard let executable = words.first else { throw error("an empty command line") }
        guard executable.hasPrefix("/") else {
            throw error("'\(executable)' is not an absolute path; the unit would depend on systemd's search path")
        }
        return Command(executable: executable, arguments: Array(words.dropFirst()), ignoresFailure: ignoresFailure)
    }
}

import Foundation

/// The package as the tests see it on disk: the Swift files of each target under
/// `Sources/`, the dependencies Package.swift declares, and docs/architecture.md.
enum PackageLayout {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Target folder → its Swift files, as paths relative to the package root. Folders
    /// without Swift files (the C targets) are left out.
    static func swiftFilesByTarget() throws -> [String: [String]] {
        let sources = root.appendingPathComponent("Sources")
        var result: [String: [String]] = [:]
        for target in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            guard let walker = FileManager.default.enumerator(atPath: sources.appendingPathComponent(target).path)
            else { continue }
            let files = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
            if !files.isEmpty { result[target] = files.map { "Sources/\(target)/\($0)" } }
        }
        return result
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }
}

/// The dependency lists of Package.swift, read from its text: for each
/// `.target`, `.executableTarget` or `.testTarget`, the names in its `dependencies:`
/// array (a bare "Name", or the `name:` of `.product(name:package:)` and `.target(name:)`).
enum ManifestDependencies {
    private static var targetStart: Regex<(Substring, Substring)> { /\.(?:target|executableTarget|testTarget|systemLibrary)\(\s*name:\s*"([^"]+)"/ }
    private static var packageArgument: Regex<Substring> { /package:\s*"[^"]*"/ }
    private static var quoted: Regex<(Substring, Substring)> { /"([^"]+)"/ }

    static func parse(_ manifest: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var parsedUpTo = manifest.startIndex
        // A `.target(name:)` inside a dependency list is a reference, not a declaration.
        for match in manifest.matches(of: targetStart) where match.range.lowerBound >= parsedUpTo {
            let body = manifest[match.range.upperBound...].prefix(whileBalanced: "(", ")")
            parsedUpTo = body.endIndex
            guard let listStart = body.firstRange(of: "dependencies:")?.upperBound,
                  let open = body[listStart...].firstIndex(of: "[") else {
                result[String(match.output.1)] = []
                continue
            }
            let list = String(body[body.index(after: open)...].prefix(whileBalanced: "[", "]"))
                .replacing(packageArgument, with: "")
            result[String(match.output.1)] = Set(list.matches(of: quoted).map { String($0.output.1) })
        }
        return result
    }
}

extension Substring {
    /// The text up to (not including) the `close` that balances an `open` already passed.
    func prefix(whileBalanced open: Character, _ close: Character) -> Substring {
        var depth = 1
        var index = startIndex
        while index < endIndex {
            if self[index] == open { depth += 1 }
            if self[index] == close {
                depth -= 1
                if depth == 0 { break }
            }
            index = self.index(after: index)
        }
        return self[startIndex..<index]
    }
}

/// docs/architecture.md's target table: rows `| \`Target\` | holds | may import |`, the
/// last column naming modules in backticks and the C library as the word `libc`.
enum ArchitectureDocument {
    private static var row: Regex<(Substring, Substring, Substring)> { /^\|\s*`([A-Za-z_][A-Za-z0-9_]*)`\s*\|.*\|([^|]*)\|\s*$/ }
    private static var module: Regex<(Substring, Substring)> { /`([A-Za-z_][A-Za-z0-9_]*)`/ }

    static func importColumns(_ document: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for line in document.split(separator: "\n") {
            guard let match = line.wholeMatch(of: row) else { continue }
            let column = match.output.2
            var names = Set(column.matches(of: module).map { String($0.output.1) })
            if column.split(whereSeparator: { !$0.isLetter }).contains(Substring(ImportRules.cLibraryMarker)) {
                names.insert(ImportRules.cLibraryMarker)
            }
            result[String(match.output.1)] = names
        }
        return result
    }
}

/// One `import` declaration found in a source file.
struct ImportLine: Equatable {
    /// The imported module (`Y` in `import struct Y.Z`).
    var module: String
    /// 1-based line number.
    var line: Int
}

/// Finds the `import` declarations of Swift source text, in every written form:
/// attributes (`@preconcurrency`, `@_implementationOnly`, `@testable`), access levels
/// (`public import`), kinds (`import struct X.Y`), and inside `#if` blocks. Comments are
/// skipped because an import is recognised only at the start of a line.
enum ImportScanner {
    private static var declaration: Regex<(Substring, Substring)> {
        #/
            ^ \s* (?: @ [A-Za-z_]\w* (?: \( [^)]* \) )? \s+ )*              # attributes
            (?: (?: public | package | internal | fileprivate | private ) \s+ )?  # access level
            import \s+ (?: (?: typealias | struct | class | enum | protocol | let | var | func ) \s+ )?
            ( [A-Za-z_]\w* )                                                   # the module
        /#
    }

    static func imports(in text: String) -> [ImportLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            line.prefixMatch(of: declaration).map { ImportLine(module: String($0.output.1), line: index + 1) }
        }
    }
}

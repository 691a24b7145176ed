import BallastDaemon
import Foundation
import FuzzSupport

/// Config files are written by hand (and by configuration management). Properties: a text
/// that parses also passes `ballast config check` (the same text loaded from a file gives
/// the same config, and its summary renders); a text that does not parse is refused with
/// issues that each name the file and say what is wrong.
// Also the symbol libFuzzer's own main (linked in, then overridden by SwiftPM's) refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    let text = String(decoding: bytes, as: UTF8.self)
    let config: BallastConfig
    do {
        config = try ConfigLoader.parse(text, file: configCheckPath)
    } catch {
        fuzzCheck(!error.issues.isEmpty, "a refused config with no issue")
        fuzzCheck(error.issues.allSatisfy { $0.file == configCheckPath && !$0.message.isEmpty },
                  "an issue without the file or a message: \(error)")
        return 0
    }
    fuzzCheck(!ConfigSummary.describe(config, file: configCheckPath).isEmpty, "empty config check summary")
    fuzzCheck(FileManager.default.createFile(atPath: configCheckPath, contents: Data(text.utf8)),
              "cannot write \(configCheckPath)")
    let checked = try? ConfigLoader.load(path: configCheckPath)
    fuzzCheck(checked == config, "config check of the same text gives \(String(describing: checked))")
    return 0
}

/// Where the text goes for the `config check` property (one file per process).
let configCheckPath = NSTemporaryDirectory() + "ballast-fuzz-config-\(ProcessInfo.processInfo.processIdentifier).toml"

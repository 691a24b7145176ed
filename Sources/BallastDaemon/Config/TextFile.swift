#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole text file with POSIX calls, so that a failure names the OS's
/// reason ("No such file or directory", "Permission denied") without Foundation.
enum TextFile {
    /// Why a file could not be read, in the OS's words.
    struct ReadFailure: Error {
        var text: String
    }

    /// The file's contents as UTF-8 (invalid bytes repaired), or why it could not be read.
    static func contents(of path: String) -> Result<String, ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadFailure(text: String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(text: String(cString: strerror(errno))))
            }
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
        }
        return .success(String(decoding: contents, as: UTF8.self))
    }
}

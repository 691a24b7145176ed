#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// What an error on a plugin's stdout channel means, named by its cause.
enum StdoutFault: Equatable {
    /// Stdout ended inside a line: reported with the exit status once the process is reaped.
    case endedInsideLine(bytes: Int)
    /// The connection fails with this at once and the process is killed.
    case fatal(PluginError)
    /// Bytes that arrived after a line was refused: the refusal is what is reported.
    case alreadyReported

    init(_ error: any Error, plugin: String) {
        switch error {
        case LineFramingError.endedInsideLine(let bytes):
            self = .endedInsideLine(bytes: bytes)
        case LineFramingError.oversized(let limit):
            self = .fatal(.oversizedLine(plugin: plugin, limit: limit))
        case let error as IOError:
            self = .fatal(.readFailed(plugin: plugin, detail: "\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"))
        case ByteToMessageDecoderError.dataReceivedInErrorState:
            self = .alreadyReported
        default:
            self = .fatal(.readFailed(plugin: plugin, detail: "\(error)"))
        }
    }
}

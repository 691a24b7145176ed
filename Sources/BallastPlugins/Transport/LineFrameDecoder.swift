import NIOCore

/// Why a plugin's stdout could not be cut into protocol lines.
enum LineFramingError: Error, Equatable {
    /// A line, or the bytes so far of an unfinished one, is longer than `limit`.
    case oversized(limit: Int)
    /// The stream ended `bytes` bytes after the last newline.
    case endedInsideLine(bytes: Int)
}

/// Cuts a pipe's byte stream into newline-terminated lines (the newline and a
/// trailing `\r` removed) with a hard size bound, so that a plugin flooding one
/// endless line costs at most `maximumLineBytes` of memory. On stdout a longer
/// line breaks the protocol and is refused (`LineFramingError`); stderr, which
/// is only logged, keeps the first `maximumLineBytes` of it and drops the rest.
struct LineFrameDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = [UInt8]

    /// What to do with a line longer than the bound.
    enum Overlong {
        case refuse
        case truncate
    }

    let maximumLineBytes: Int
    let overlong: Overlong
    /// Bytes at the front of the buffer already searched for a newline.
    private var searched = 0
    /// Dropping the rest of a truncated line, up to its newline.
    private var skipping = false

    init(maximumLineBytes: Int, overlong: Overlong) {
        self.maximumLineBytes = maximumLineBytes
        self.overlong = overlong
    }

    mutating func decode(buffer: inout ByteBuffer) throws(LineFramingError) -> [UInt8]? {
        while let length = nextNewline(in: buffer) {
            searched = 0
            if skipping {
                skipping = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                continue
            }
            if length > maximumLineBytes, overlong == .refuse { throw .oversized(limit: maximumLineBytes) }
            let kept = min(length, maximumLineBytes)
            var line = buffer.readBytes(length: kept) ?? []
            buffer.moveReaderIndex(forwardBy: length - kept + 1)
            if line.last == 0x0D { line.removeLast() }
            return line
        }
        if skipping {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        searched = buffer.readableBytes
        guard buffer.readableBytes > maximumLineBytes else { return nil }
        guard overlong == .truncate else { throw .oversized(limit: maximumLineBytes) }
        skipping = true
        searched = 0
        return buffer.readBytes(length: maximumLineBytes)
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws(LineFramingError) -> [UInt8]? {
        if let line = try decode(buffer: &buffer) { return line }
        guard seenEOF, buffer.readableBytes > 0 else { return nil }
        switch overlong {
        case .refuse:
            throw .endedInsideLine(bytes: buffer.readableBytes)
        case .truncate:
            return buffer.readBytes(length: buffer.readableBytes)
        }
    }

    /// The length of the first complete line in `buffer`, searching only bytes not searched before.
    private func nextNewline(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard searched < bytes.count else { return nil }
            return bytes[searched...].firstIndex(of: 0x0A)
        }
    }
}

/// Splits a byte stream into newline-terminated lines with a hard size bound,
/// so that a plugin flooding one endless line costs at most `maximumLineBytes`
/// of memory before it is refused.
struct LineFramer {
    let maximumLineBytes: Int
    private(set) var pending: [UInt8] = []

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    enum Problem: Error, Equatable {
        case oversized
    }

    /// Feeds a chunk; calls `line` for each complete line (newline stripped, `\r` kept out).
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, line: ([UInt8]) -> Void) throws(Problem) {
        var start = 0
        var index = 0
        while index < chunk.count {
            if chunk[index] == 0x0A {
                let piece = UnsafeBufferPointer(rebasing: chunk[start..<index])
                if pending.isEmpty {
                    guard piece.count <= maximumLineBytes else { throw .oversized }
                    line(Self.trimmed(Array(piece)))
                } else {
                    guard pending.count + piece.count <= maximumLineBytes else { throw .oversized }
                    pending.append(contentsOf: piece)
                    line(Self.trimmed(pending))
                    pending.removeAll(keepingCapacity: true)
                }
                start = index + 1
            }
            index += 1
        }
        if start < chunk.count {
            guard pending.count + (chunk.count - start) <= maximumLineBytes else { throw .oversized }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<chunk.count]))
        }
    }

    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        if let last = bytes.last, last == 0x0D { return Array(bytes.dropLast()) }
        return bytes
    }
}

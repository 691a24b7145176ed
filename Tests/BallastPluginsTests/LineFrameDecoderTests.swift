@testable import BallastPlugins
import NIOCore
import Testing

@Suite("stdout and stderr framing: lines, bounds and named faults")
struct LineFrameDecoderTests {
    /// Feeds `chunks` one by one, then the end of the stream when `ended`; returns the lines.
    func frame(_ chunks: [String], limit: Int, overlong: LineFrameDecoder.Overlong = .refuse,
               ended: Bool = false) throws -> [String] {
        var decoder = LineFrameDecoder(maximumLineBytes: limit, overlong: overlong)
        var buffer = ByteBuffer()
        var lines: [String] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let line = try decoder.decode(buffer: &buffer) { lines.append(String(decoding: line, as: UTF8.self)) }
        }
        if ended {
            while let line = try decoder.decodeLast(buffer: &buffer, seenEOF: true) {
                lines.append(String(decoding: line, as: UTF8.self))
            }
        }
        return lines
    }

    @Test func splitsLinesAcrossChunksAndDropsCarriageReturns() throws {
        #expect(try frame(["ab\ncd", "e\r\n", "\nf", "g\n"], limit: 8) == ["ab", "cde", "", "fg"])
    }

    @Test func aLineOfExactlyTheLimitPassesAndOneByteMoreIsRefused() throws {
        #expect(try frame(["1234", "5678\n"], limit: 8) == ["12345678"])
        #expect(throws: LineFramingError.oversized(limit: 8)) { try frame(["123456789\n"], limit: 8) }
    }

    @Test func anEndlessLineIsRefusedBeforeItsNewlineArrives() {
        #expect(throws: LineFramingError.oversized(limit: 8)) { try frame(["12345", "6789"], limit: 8) }
    }

    @Test func streamEndingInsideALineIsNamedWithItsLength() {
        #expect(throws: LineFramingError.endedInsideLine(bytes: 3)) { try frame(["ok\nabc"], limit: 8, ended: true) }
        #expect((try? frame(["ok\n"], limit: 8, ended: true)) == ["ok"])
    }

    @Test func stderrLinesAreCutAndTheRestOfTheLineDropped() throws {
        let lines = try frame(["0123456789", "abc\nshort\n", "tail"], limit: 4, overlong: .truncate, ended: true)
        #expect(lines == ["0123", "shor", "tail"])
    }

    @Test func eachStdoutFaultIsNamedByItsCause() {
        #expect(StdoutFault(LineFramingError.oversized(limit: 1024), plugin: "p") == .fatal(.oversizedLine(plugin: "p", limit: 1024)))
        #expect(StdoutFault(LineFramingError.endedInsideLine(bytes: 7), plugin: "p") == .endedInsideLine(bytes: 7))
        let readError = StdoutFault(IOError(errnoCode: 5, reason: "read(descriptor:pointer:size:)"), plugin: "p")
        #expect(readError == .fatal(.readFailed(plugin: "p", detail: "Input/output error (errno 5)")))
        #expect(PluginError.readFailed(plugin: "p", detail: "Input/output error (errno 5)").description
            == "plugin 'p': reading its stdout failed: Input/output error (errno 5); it is restarted (if this repeats, check the system log)")
        #expect(PluginError.readFailed(plugin: "p", detail: "x").outcome == "crashed")
        #expect(PluginError.partialLine(plugin: "p", bytes: 3, exit: "exited with status 0").outcome == "protocol_error")
    }
}

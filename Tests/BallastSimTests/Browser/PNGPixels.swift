import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The pixels of a PNG screenshot, decoded just far enough to count them:
/// 8-bit RGB or RGBA, not interlaced (what Chromium writes). Foundation on
/// Linux has no PNG decoder and no inflate, so the zlib stream is inflated by
/// the system's zlib (`libz.so.1`, which Chromium itself needs), found with
/// `dlopen`.
struct PNGPixels {
    let width: Int
    let height: Int
    /// Bytes per pixel: 3 (RGB) or 4 (RGBA).
    let channels: Int
    /// Row-major, `channels` bytes per pixel, no filter bytes.
    let bytes: [UInt8]

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    init(contentsOf path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard data.count > 8, data[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw DecodeError(description: "\(path) is not a PNG file (\(data.count) bytes)")
        }
        func bigEndian(_ offset: Int) -> Int {
            data[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        var offset = 8
        var header: ArraySlice<UInt8> = []
        var compressed: [UInt8] = []
        while offset + 8 <= data.count {
            let length = bigEndian(offset)
            let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let start = offset + 8
            guard start + length <= data.count else { throw DecodeError(description: "\(path): chunk \(type) is truncated") }
            if type == "IHDR" { header = data[start..<(start + length)] }
            if type == "IDAT" { compressed += data[start..<(start + length)] }
            if type == "IEND" { break }
            offset = start + length + 4
        }
        guard header.count == 13 else { throw DecodeError(description: "\(path): no IHDR chunk") }
        let base = header.startIndex
        width = header[base..<(base + 4)].reduce(0) { $0 << 8 | Int($1) }
        height = header[(base + 4)..<(base + 8)].reduce(0) { $0 << 8 | Int($1) }
        let depth = header[base + 8], colorType = header[base + 9], interlace = header[base + 12]
        guard depth == 8, colorType == 2 || colorType == 6, interlace == 0 else {
            throw DecodeError(description: "\(path): bit depth \(depth), colour type \(colorType), interlace \(interlace) "
                              + "not handled (8-bit RGB or RGBA, not interlaced)")
        }
        channels = colorType == 6 ? 4 : 3
        let stride = width * channels
        let filtered = try Self.inflate(compressed, expected: height * (stride + 1))
        bytes = try Self.unfilter(filtered, width: width, height: height, channels: channels)
    }

    /// The pixel at (x, y) as RGB.
    func rgb(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let index = (y * width + x) * channels
        return (bytes[index], bytes[index + 1], bytes[index + 2])
    }

    /// How many pixels inside the rectangle (clamped to the image) pass `test(red, green, blue)`.
    func count(in x: Range<Int>, _ y: Range<Int>, where test: (UInt8, UInt8, UInt8) -> Bool) -> Int {
        var total = 0
        bytes.withUnsafeBufferPointer { pixels in
            for row in y.clamped(to: 0..<height) {
                var index = (row * width + max(x.lowerBound, 0)) * channels
                for _ in x.clamped(to: 0..<width) {
                    if test(pixels[index], pixels[index + 1], pixels[index + 2]) { total += 1 }
                    index += channels
                }
            }
        }
        return total
    }

    private typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?,
                                                   UnsafePointer<UInt8>?, UInt) -> Int32

    private static func inflate(_ compressed: [UInt8], expected: Int) throws -> [UInt8] {
        guard let library = dlopen("libz.so.1", RTLD_NOW), let symbol = dlsym(library, "uncompress") else {
            throw DecodeError(description: "cannot load zlib (libz.so.1) to inflate the PNG")
        }
        let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
        var output = [UInt8](repeating: 0, count: expected)
        var length = UInt(expected)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, UInt(input.count))
            }
        }
        guard status == 0, length == UInt(expected) else {
            throw DecodeError(description: "zlib could not inflate the PNG data: status \(status), \(length) of \(expected) bytes")
        }
        return output
    }

    /// Undoes the per-row filters (none, sub, up, average, Paeth) of the PNG specification.
    private static func unfilter(_ data: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        let stride = width * channels
        var out = [UInt8](repeating: 0, count: stride * height)
        try data.withUnsafeBufferPointer { input in
            try out.withUnsafeMutableBufferPointer { pixels in
                for row in 0..<height {
                    let filter = input[row * (stride + 1)]
                    let source = row * (stride + 1) + 1
                    let target = row * stride
                    for column in 0..<stride {
                        let raw = Int(input[source + column])
                        let left = column >= channels ? Int(pixels[target + column - channels]) : 0
                        let up = row > 0 ? Int(pixels[target - stride + column]) : 0
                        let upLeft = row > 0 && column >= channels ? Int(pixels[target - stride + column - channels]) : 0
                        let predictor: Int
                        switch filter {
                        case 0: predictor = 0
                        case 1: predictor = left
                        case 2: predictor = up
                        case 3: predictor = (left + up) / 2
                        case 4:
                            let estimate = left + up - upLeft
                            let (toLeft, toUp, toUpLeft) = (abs(estimate - left), abs(estimate - up), abs(estimate - upLeft))
                            predictor = toLeft <= toUp && toLeft <= toUpLeft ? left : (toUp <= toUpLeft ? up : upLeft)
                        default:
                            throw DecodeError(description: "PNG row \(row) has unknown filter \(filter)")
                        }
                        pixels[target + column] = UInt8(truncatingIfNeeded: raw + predictor)
                    }
                }
            }
        }
        return out
    }
}

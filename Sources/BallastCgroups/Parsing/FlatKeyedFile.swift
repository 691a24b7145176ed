/// Parser for the kernel's "flat keyed" files (`cpu.stat`, `memory.stat`) and
/// `/proc/meminfo`: one `key value [unit]` per line. Values are unsigned
/// integers; a `kB` unit (meminfo) is turned into bytes. Lines that do not hold an
/// integer are skipped here (the kernel adds new keys over time); callers check
/// that the keys they need are present. When a key repeats, the last line wins.
public enum FlatKeyedFile {
    /// All `key -> value` pairs of `text`. Keys lose a trailing ':' (meminfo style).
    public static func parse(_ text: String) -> [String: UInt64] {
        var text = text
        var result: [String: UInt64] = [:]
        result.reserveCapacity(48)
        text.withUTF8 { bytes in
            scan(bytes) { key, value in result[key.text] = value }
        }
        return result
    }

    /// Calls `body` with the key bytes and value of every `key value` line, in file
    /// order, without building strings (the per-tick readers pick their keys from it).
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) {
        var index = 0
        let count = bytes.count
        while index < count {
            // key
            let keyStart = index
            while index < count, bytes[index] != 0x20, bytes[index] != 0x09, bytes[index] != 0x0A { index += 1 }
            var keyEnd = index
            if keyEnd > keyStart, bytes[keyEnd - 1] == 0x3A { keyEnd -= 1 } // ':'
            // spaces
            while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            // number
            var value: UInt64 = 0
            var digits = 0
            var overflow = false
            while index < count, DecimalBytes.isDigit(bytes[index]) {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(UInt64(bytes[index] - 0x30))
                overflow = overflow || o1 || o2
                value = sum
                digits += 1
                index += 1
            }
            // optional unit, then end of line
            while index < count, bytes[index] == 0x20 { index += 1 }
            var unitKB = false
            if index + 1 < count, bytes[index] == 0x6B, bytes[index + 1] == 0x42 { unitKB = true } // "kB"
            let lineIsNumber = digits > 0 && (index >= count || bytes[index] == 0x0A || unitKB)
            while index < count, bytes[index] != 0x0A { index += 1 }
            index += 1
            guard lineIsNumber, !overflow, keyEnd > keyStart else { continue }
            if unitKB {
                let (bytesValue, o) = value.multipliedReportingOverflow(by: 1024)
                if o { continue }
                value = bytesValue
            }
            body(bytes.slice(keyStart..<keyEnd), value)
        }
    }
}

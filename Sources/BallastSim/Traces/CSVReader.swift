/// A small RFC 4180 reader: fields separated by a delimiter, optionally
/// quoted with `"`, `""` for a quote inside, quoted fields may hold the
/// delimiter, CR/LF and any Unicode. Hand-written because Foundation has no CSV
/// reader on Linux and the package avoids a dependency for ~80 lines; it also
/// reports the 1-based line where each record starts, which diagnostics need.
public struct CSVReader: Sendable {
    /// One record and the line it starts on.
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]
    }

    /// A record that could not be read (e.g. a quote never closed).
    public struct Failure: Error, Sendable, Hashable {
        public var line: Int
        public var message: String
    }

    public var delimiter: UInt8

    public init(delimiter: Character = ",") {
        self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
    }

    /// Reads all records. A quote left open at end of input yields a failure
    /// for that record; the records before it are kept.
    public func records(in text: String) -> (records: [Record], failure: Failure?) {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedFieldLine = 1
        var fieldWasQuoted = false
        let bytes = Array(text.utf8)
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty && !fieldWasQuoted {
                inQuotes = true
                fieldWasQuoted = true
                quotedFieldLine = line
            } else if byte == delimiter {
                endField()
            } else if byte == UInt8(ascii: "\r") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") {
                // CRLF: the LF ends the record.
            } else if byte == UInt8(ascii: "\n") {
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.append(byte)
            }
            index += 1
        }
        if inQuotes {
            return (records, Failure(line: quotedFieldLine, message: "quoted field never closed (truncated file?)"))
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return (records, nil)
    }
}

/// A strict, streaming RFC 4180 reader for the files banks hand over.
///
/// Strict where lenient readers guess: a quote inside an unquoted field, text after a closing
/// quote, a quoted field left open at the end of the file, invalid UTF-8, a field or record over
/// its limit are each refused with the line where the record starts. Lines end in CRLF or LF.
/// Bytes are fed in chunks of any size, so a file of millions of rows streams in constant memory.
public struct CSVRecordReader {
  /// One record and the line of the file where it starts (the header is line 1).
  public struct Record: Equatable, Sendable {
    public let line: Int
    public let fields: [String]
    public init(line: Int, fields: [String]) {
      self.line = line
      self.fields = fields
    }
  }

  /// The UTF-8 byte-order mark that Excel and Notepad write at the start of a file; it is skipped.
  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  public static let maxFieldBytes = 4096
  public static let maxFields = 64

  enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

  var state = State.fieldStart
  var field: [UInt8] = []
  var fields: [String] = []
  var line = 1
  var recordLine = 1
  var sawAnything = false
  /// How many bytes of a byte-order mark the file has started with; nil once past its start.
  var byteOrderMarkMatched: Int? = 0

  public init() {}

  func failure(_ reason: String, line: Int? = nil) -> Rejection {
    Rejection("csv_malformed", "line \(line ?? recordLine): \(reason) (RFC 4180)")
  }

  mutating func endField() throws {
    guard let text = String(validating: field, as: UTF8.self) else {
      throw Rejection(
        "csv_not_utf8",
        "line \(recordLine): field \(fields.count + 1) is not valid UTF-8; a file saved by Excel on Chinese Windows is GB18030: import it with --encoding gb18030"
      )
    }
    guard fields.count < Self.maxFields else { throw failure("more than \(Self.maxFields) fields") }
    fields.append(text)
    field.removeAll(keepingCapacity: true)
  }

  mutating func append(_ byte: UInt8) throws {
    guard field.count < Self.maxFieldBytes else {
      throw failure("field \(fields.count + 1) is longer than \(Self.maxFieldBytes) bytes")
    }
    field.append(byte)
  }

  mutating func endRecord(into records: inout [Record]) throws {
    try endField()
    records.append(Record(line: recordLine, fields: fields))
    fields.removeAll(keepingCapacity: true)
    state = .fieldStart
    sawAnything = false
  }

  /// Feeds the next bytes of the file; returns the records they complete.
  public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [Record] {
    var records: [Record] = []
    for byte in bytes {
      if let matched = byteOrderMarkMatched {
        if byte == Self.byteOrderMark[matched] {
          byteOrderMarkMatched = matched + 1 == Self.byteOrderMark.count ? nil : matched + 1
          continue
        }
        byteOrderMarkMatched = nil
        for earlier in Self.byteOrderMark[0..<matched] { try consume(earlier, into: &records) }
      }
      try consume(byte, into: &records)
    }
    return records
  }

  mutating func consume(_ byte: UInt8, into records: inout [Record]) throws {
    if !sawAnything {
      sawAnything = true
      recordLine = line
    }
    switch state {
    case .fieldStart, .unquoted:
      switch byte {
      case UInt8(ascii: ","):
        try endField()
        state = .fieldStart
      case UInt8(ascii: "\n"):
        line += 1
        try endRecord(into: &records)
      case UInt8(ascii: "\r"):
        state = .afterCR
      case UInt8(ascii: "\""):
        guard state == .fieldStart else {
          throw failure(
            "a quote inside unquoted field \(fields.count + 1); quote the whole field and double the quote")
        }
        state = .quoted
      default:
        try append(byte)
        state = .unquoted
      }
    case .quoted:
      if byte == UInt8(ascii: "\"") {
        state = .quoteInQuoted
      } else {
        if byte == UInt8(ascii: "\n") { line += 1 }
        try append(byte)
      }
    case .quoteInQuoted:
      switch byte {
      case UInt8(ascii: "\""):
        try append(byte)
        state = .quoted
      case UInt8(ascii: ","):
        try endField()
        state = .fieldStart
      case UInt8(ascii: "\n"):
        line += 1
        try endRecord(into: &records)
      case UInt8(ascii: "\r"):
        state = .afterCR
      default:
        throw failure("text after the closing quote of field \(fields.count + 1)")
      }
    case .afterCR:
      guard byte == UInt8(ascii: "\n") else {
        throw failure("a carriage return not followed by a line feed")
      }
      line += 1
      try endRecord(into: &records)
    }
  }

  /// Ends the file: returns the last record when the file does not end with a line break.
  public mutating func finish() throws -> [Record] {
    var records: [Record] = []
    if let matched = byteOrderMarkMatched {
      byteOrderMarkMatched = nil
      for earlier in Self.byteOrderMark[0..<matched] { try consume(earlier, into: &records) }
    }
    switch state {
    case .quoted: throw failure("a quoted field is not closed before the end of the file")
    case .afterCR: throw failure("the file ends with a carriage return")
    case .fieldStart where !sawAnything: return records
    default:
      try endRecord(into: &records)
      return records
    }
  }
}

/// A minimal reader for the project's plain CSV files: UTF-8, LF or CRLF line ends, fields
/// separated by commas, no quoting (a double quote is refused), "#" comment lines skipped.
struct CSVText {
  /// One non-comment, non-empty line: its 1-based line number and its fields.
  struct Row {
    let lineNumber: Int
    let fields: [String]
  }

  /// The lines starting with "#", without the "#" and surrounding spaces.
  private(set) var comments: [String] = []
  /// The other non-empty lines, the header first.
  private(set) var rows: [Row] = []

  /// Splits `text` into rows; `file` and `code` name the rejection for malformed text.
  init(_ text: String, file: String, code: String, maxBytes: Int) throws {
    let bytes = Array(text.utf8)
    if bytes.count > maxBytes {
      throw Rejection(code, "\(file) is larger than \(maxBytes) bytes")
    }
    var lineNumber = 0
    var start = 0
    while start < bytes.count {
      lineNumber += 1
      var end = start
      while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
      var lineEnd = end
      if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
      try addLine(bytes[start..<lineEnd], lineNumber: lineNumber, file: file, code: code)
      start = end + 1
    }
  }

  private mutating func addLine(_ line: ArraySlice<UInt8>, lineNumber: Int, file: String, code: String) throws
  {
    if line.isEmpty { return }
    if line.first == UInt8(ascii: "#") {
      let text = String(decoding: line.dropFirst(), as: UTF8.self)
      comments.append(String(text.drop(while: { $0 == " " })))
      return
    }
    if line.contains(UInt8(ascii: "\"")) {
      throw Rejection(code, "\(file) line \(lineNumber) has a double quote; quoted fields are not supported")
    }
    var fields: [String] = []
    var fieldStart = line.startIndex
    for index in line.indices where line[index] == UInt8(ascii: ",") {
      fields.append(String(decoding: line[fieldStart..<index], as: UTF8.self))
      fieldStart = index + 1
    }
    fields.append(String(decoding: line[fieldStart..<line.endIndex], as: UTF8.self))
    rows.append(Row(lineNumber: lineNumber, fields: fields))
  }

  /// Whether `text` is exactly six ASCII digits.
  static func isSixDigits(_ text: String) -> Bool {
    text.utf8.count == 6 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
  }
}

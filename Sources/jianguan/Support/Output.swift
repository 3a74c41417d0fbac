import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore

/// Writes results: a table or text for people, or exactly one JSON object for scripts.
struct Output {
  let format: OutputFormat

  init(_ options: GlobalOptions) { format = options.format }

  /// Prints `json` in JSON format, `text` otherwise.
  func emit(_ json: JSONValue, text: @autoclosure () -> String) {
    switch format {
    case .json: print(json.canonicalText)
    case .table: print(text())
    }
  }

  /// Prints the id and seq of what a write created; a repeat names what made it one (`sameAs`).
  func emit(_ recorded: Recorded, what: String, sameAs: String = "same bank reference and content") {
    emit(
      Output.json(recorded),
      text: recorded.repeated
        ? "\(what) \(recorded.id) was already recorded at seq \(recorded.seq) (\(sameAs); nothing new written)"
        : "\(what) \(recorded.id)\(recorded.maskedIDNumber.map { " (ID number \($0))" } ?? "") recorded at seq \(recorded.seq)"
    )
  }

  static func json(_ recorded: Recorded) -> JSONValue {
    var members: [String: JSONValue] = [
      "id": .string(recorded.id), "seq": .integer(recorded.seq), "repeated": .bool(recorded.repeated),
    ]
    if let masked = recorded.maskedIDNumber { members["idNumberMasked"] = .string(masked) }
    return .object(members)
  }

  /// A plain text table with aligned columns (CJK characters count as two cells).
  static func table(_ header: [String], _ rawRows: [[String]]) -> String {
    // Escaped first, then measured: an escape is longer than what it replaces.
    let rows = rawRows.map { $0.map(safe) }
    var widths = header.map(cellWidth)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cellWidth(cell)) }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        cell + String(repeating: " ", count: widths[index] - cellWidth(cell))
      }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
  }

  /// Text made safe for a terminal: control characters, bidirectional overrides and the invisible
  /// direction marks (LRM, RLM, ALM) and line separators are escaped, so what is printed is what is stored.
  static func safe(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x00..<0x20, 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
        out += "\\u{\(String(scalar.value, radix: 16))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  static func cellWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
      width
        + ((0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
          || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
          || (0xFF00...0xFF60).contains(scalar.value) || (0xFFE0...0xFFE6).contains(scalar.value) ? 2 : 1)
    }
  }

  /// Key-value lines for one record.
  static func fields(_ pairs: [(String, String)]) -> String {
    let width = pairs.map { $0.0.count }.max() ?? 0
    return pairs.map { key, value in
      key + String(repeating: " ", count: width - key.count) + "  " + safe(value)
    }.joined(separator: "\n")
  }
}

extension JSONValue {
  /// A JSON value from any `Encodable` whose fields are strings, integers, booleans or optionals.
  static func from<T: Encodable>(_ value: T) -> JSONValue { JSONValueCoder.encode(value) }
}

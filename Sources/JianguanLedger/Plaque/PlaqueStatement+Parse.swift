import JianguanCore
import JianguanCrypto

extension PlaqueStatement {
  /// Parses a statement text in its one canonical form: the format line, then each labelled line
  /// in order, `<label> <value>` with one space, every value checked by its field's rule, and a
  /// final newline. Anything else (a missing or extra line, a changed label, a carriage return,
  /// a trailing space) is refused with one sentence naming the line.
  public static func parse(_ text: String) throws -> PlaqueStatement {
    let bytes = Array(text.utf8)
    guard bytes.count <= maxTextBytes else {
      throw Rejection(
        "plaque_too_large", "the plaque statement is \(bytes.count) bytes; the limit is \(maxTextBytes)")
    }
    guard bytes.last == 0x0a else {
      throw Rejection("plaque_missing_trailing_newline", "the plaque statement must end with a newline")
    }
    // Split on the newline byte: as Characters, "\r\n" would be one grapheme and hide its "\n".
    let lines = bytes.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false)
      .map { String(decoding: Array($0), as: UTF8.self) }
    guard lines.first == formatLine else {
      throw Rejection(
        "plaque_format_unknown",
        "the first line of the plaque statement must be \"\(formatLine)\", not \(Rejection.quote(lines.first ?? ""))"
      )
    }
    guard lines.count == labels.count + 1 else {
      throw Rejection(
        "plaque_line_count",
        "a \(formatLine) statement has \(labels.count + 1) lines, not \(lines.count)")
    }
    var values: [String] = []
    for (number, (label, line)) in zip(2..., zip(labels, lines.dropFirst())) {
      guard line.utf8.starts(with: (label + " ").utf8) else {
        throw Rejection(
          "plaque_line_label",
          "line \(number) of the plaque statement must start with \"\(label) \", not \(Rejection.quote(line))"
        )
      }
      values.append(String(decoding: Array(line.utf8.dropFirst(label.utf8.count + 1)), as: UTF8.self))
    }
    let (code, override) = try usccValue(values[2])
    guard let status = Status(rawValue: values[6]) else {
      throw Rejection(
        "plaque_status_unknown", "status \(Rejection.quote(values[6])) must be active, suspended or revoked")
    }
    let statement = try PlaqueStatement(
      origin: values[0], name: values[1], uscc: code, usccChecksumOverride: override, licence: values[3],
      escrowBank: values[4], escrowAccount: values[5], status: status,
      date: try CalendarDate.parse(values[7], field: "date"), treeSize: try size(values[8]),
      rootHash: try root(values[9]))
    // Every value was checked; a text that does not format back to itself is not canonical.
    guard statement.format() == text else {
      throw Rejection("plaque_not_canonical", "the plaque statement is not in canonical form")
    }
    return statement
  }

  /// `<code>` or `<code> checksum-override`.
  private static func usccValue(_ value: String) throws -> (String, Bool) {
    let suffix = " " + overrideMark
    if value.hasSuffix(suffix) { return (String(value.dropLast(suffix.count)), true) }
    return (value, false)
  }

  /// Canonical decimal: 1 to 19 ASCII digits, no leading zero.
  private static func size(_ value: String) throws -> Int64 {
    let digits = Array(value.utf8)
    let canonical =
      !digits.isEmpty && digits.count <= 19
      && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
      && digits[0] != UInt8(ascii: "0")
    guard canonical, let size = Int64(value) else {
      throw Rejection(
        "plaque_size_invalid",
        "size \(Rejection.quote(value)) must be a decimal number from 1, without sign or leading zeros")
    }
    return size
  }

  /// The 44-character padded standard base64 of 32 bytes.
  private static func root(_ value: String) throws -> MerkleHash {
    guard value.utf8.count == 44, let root = CanonicalBase64.decode(value), root.count == 32 else {
      throw Rejection(
        "plaque_root_invalid",
        "root \(Rejection.quote(value)) must be the 44-character padded standard base64 of a 32-byte hash")
    }
    return root
  }
}

/// Free text typed by a user (names, addresses, reasons): non-empty, bounded, and free of control
/// and bidirectional-override characters, which could disguise what a record says.
public enum TextField {
  /// Returns `text` when it is acceptable, else a rejection naming `field`.
  public static func validate(_ text: String, field: String, maxLength: Int = 200) throws -> String {
    guard text.utf8.count <= maxLength * 4, text.count <= maxLength else {
      throw Rejection(
        "\(field)_too_long", "\(field) \(Rejection.quote(text)) is longer than \(maxLength) characters")
    }
    guard !text.allSatisfy({ $0.isWhitespace }) else {
      throw Rejection("\(field)_empty", "\(field) must not be empty")
    }
    guard text.first?.isWhitespace == false, text.last?.isWhitespace == false else {
      throw Rejection(
        "\(field)_has_surrounding_blanks", "\(field) \(Rejection.quote(text)) starts or ends with blanks")
    }
    for scalar in text.unicodeScalars where isForbidden(scalar) {
      throw Rejection(
        "\(field)_has_control_character",
        "\(field) \(Rejection.quote(text)) contains the control character U+\(String(scalar.value, radix: 16, uppercase: true)), which is not allowed in text"
      )
    }
    return text
  }

  static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00..<0x20, 0x7F..<0xA0: return true
    case 0x202A...0x202E, 0x2066...0x2069: return true  // bidirectional embeddings and overrides
    case 0x2028, 0x2029: return true  // line and paragraph separators
    default: return false
    }
  }
}

/// Free text typed by a user (names, addresses, reasons): non-empty, bounded, and free of control
/// and bidirectional-override characters, which could disguise what a record says.
public enum TextField {
  /// Returns `text` when it is acceptable, else a rejection naming `field`. A `personal` field
  /// (a parent's or a child's name) is never quoted in the refusal: a sentence reaches logs and
  /// the other side of an HTTP connection, and a person's name must not.
  public static func validate(_ text: String, field: String, maxLength: Int = 200, personal: Bool = false)
    throws -> String
  {
    var shown: String { personal ? "" : " " + Rejection.quote(text) }  // only a refusal needs it
    guard text.utf8.count <= maxLength * 4, text.count <= maxLength else {
      throw Rejection(
        "\(field)_too_long", "\(field)\(shown) is longer than \(maxLength) characters")
    }
    guard !text.allSatisfy({ $0.isWhitespace }) else {
      throw Rejection("\(field)_empty", "\(field) must not be empty")
    }
    guard text.first?.isWhitespace == false, text.last?.isWhitespace == false else {
      throw Rejection(
        "\(field)_has_surrounding_blanks", "\(field)\(shown) starts or ends with blanks")
    }
    for scalar in text.unicodeScalars where isForbidden(scalar) {
      throw Rejection(
        "\(field)_has_control_character",
        "\(field)\(shown) contains the control character U+\(String(scalar.value, radix: 16, uppercase: true)), which is not allowed in text"
      )
    }
    return text
  }

  /// Free text bound for the ledger (a reason, a comment, a note, a summary): the rules of
  /// `validate`, and no phone or ID number (`refusePersonalData`). The log keeps no personal data
  /// and can never forget what it was given, so every free-text field of every command goes
  /// through this one rule.
  public static func validateForLedger(_ text: String, field: String, maxLength: Int = 500) throws -> String {
    let checked = try validate(text, field: field, maxLength: maxLength)
    try refusePersonalData(checked, field: field)
    return checked
  }

  /// Refuses text that holds what may be a phone or ID number: `longestRun` (7) or more digits in a row (a
  /// landline, a mobile, an ID number; fullwidth digits count), or digits in groups joined by
  /// single spaces or hyphens that make a mobile number (11 digits starting with 1) or an ID
  /// number (18, or 17 and an X). Dates (`2026-03-07`), times and amounts pass.
  public static func refusePersonalData(_ text: String, field: String, longestRun: Int = 7) throws {
    var run = 0
    var grouped = 0
    var firstDigit: UInt32?
    var afterSeparator = false
    func refuse() throws -> Never {
      throw Rejection(
        "personal_data_in_text",
        "\(field) contains digits that may be a phone or ID number; the ledger keeps no personal data and cannot forget it, so leave the number out (name a registered parent by id, e.g. P3)"
      )
    }
    func endGroup() throws {
      if (grouped == 11 && firstDigit == 1) || grouped == 18 { try refuse() }
      (run, grouped, firstDigit, afterSeparator) = (0, 0, nil, false)
    }
    for scalar in text.unicodeScalars {
      if let digit = digitValue(scalar) {
        if grouped == 0 { firstDigit = digit }
        run += 1
        grouped += 1
        afterSeparator = false
        if run >= longestRun { try refuse() }
      } else if (scalar == "X" || scalar == "x") && grouped == 17 && !afterSeparator {
        grouped += 1
        try endGroup()
      } else if (scalar == " " || scalar == "-") && grouped > 0 && !afterSeparator {
        run = 0
        afterSeparator = true
      } else {
        try endGroup()
      }
    }
    try endGroup()
  }

  /// The value of an ASCII or fullwidth digit.
  static func digitValue(_ scalar: Unicode.Scalar) -> UInt32? {
    switch scalar.value {
    case 0x30...0x39: scalar.value - 0x30
    case 0xFF10...0xFF19: scalar.value - 0xFF10
    default: nil
    }
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

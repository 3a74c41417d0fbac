/// Amounts of money as integer fen (分, 0.01 yuan): exact parsing of yuan text, formatting and
/// checked arithmetic. No floating point anywhere.
public enum Money {
  /// The largest amount accepted anywhere: 10 billion yuan. Anything larger is a typo or an attack.
  public static let maxFen: Int64 = 1_000_000_000_000

  /// The longest yuan or count text looked at; longer text is refused before parsing.
  public static let maxTextLength = 40

  /// Parses yuan text ("1234", "1234.5", "1234.50", "0.01") into fen, exactly; zero is allowed.
  ///
  /// Refused, each with its own code: empty text, whitespace anywhere, signs, exponents,
  /// currency signs, thousands separators, full-width digits, more than two decimals, a leading
  /// or trailing point, leading zeros ("007"), amounts above `maxFen` and amounts that overflow.
  public static func parseYuan(_ text: String, field: String) throws -> Int64 {
    if let fen = plainYuan(text) { return fen }
    return try parseYuanCarefully(text, field: field)
  }

  /// The plain forms every bank file uses ("1234", "1234.5", "0.05": ASCII digits, no leading
  /// zero, at most two decimals, at most 11 whole digits, within `maxFen`), read byte by byte; nil
  /// for anything else, which `parseYuanCarefully` then reads or refuses. The two agree on every
  /// text (a seeded test compares them).
  static func plainYuan(_ text: String) -> Int64? {
    var fen: Int64 = 0
    var wholeDigits = 0
    var decimals = -1  // −1: no point yet
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        let digit = Int64(byte &- UInt8(ascii: "0"))
        if decimals < 0 {
          if wholeDigits == 1 && fen == 0 { return nil }  // a leading zero
          wholeDigits += 1
          if wholeDigits > 11 { return nil }
        } else {
          decimals += 1
          if decimals > 2 { return nil }
        }
        fen = fen * 10 + digit
      case UInt8(ascii: "."):
        if decimals >= 0 || wholeDigits == 0 { return nil }
        decimals = 0
      default:
        return nil
      }
    }
    guard wholeDigits > 0, decimals != 0 else { return nil }
    for _ in max(decimals, 0)..<2 { fen *= 10 }
    return fen <= maxFen ? fen : nil
  }

  static func parseYuanCarefully(_ text: String, field: String) throws -> Int64 {
    var quoted: String { Rejection.quote(text) }  // only a refusal needs it
    if text.isEmpty {
      throw Rejection("amount_is_empty", "\(field) is empty; give an amount in yuan such as 1234.50")
    }
    if text.unicodeScalars.count > maxTextLength {
      throw Rejection(
        "amount_too_long", "\(field) \(quoted) is longer than \(maxTextLength) characters")
    }
    let scalars = Array(text.unicodeScalars)
    try refuseDecorations(scalars, field: field, quoted: quoted)
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    if parts.count > 2 {
      throw Rejection("amount_is_not_a_number", "\(field) \(quoted) has more than one decimal point")
    }
    let whole = parts[0]
    let fraction = parts.count == 2 ? parts[1] : ""
    if whole.isEmpty {
      throw Rejection(
        "amount_has_leading_point", "\(field) \(quoted) starts with a point; write 0\(text) instead")
    }
    if parts.count == 2 && fraction.isEmpty {
      throw Rejection(
        "amount_has_trailing_point", "\(field) \(quoted) ends with a point; drop it or add the decimals")
    }
    if fraction.utf8.count > 2 {
      throw Rejection(
        "amount_has_more_than_two_decimals",
        "\(field) \(quoted) has more than two decimals (fen is the smallest unit)")
    }
    if whole.utf8.count > 1 && whole.utf8.first == UInt8(ascii: "0") {
      throw Rejection("amount_has_leading_zeros", "\(field) \(quoted) has leading zeros")
    }
    var fen: Int64 = 0
    for byte in whole.utf8 {
      let (times10, overflow1) = fen.multipliedReportingOverflow(by: 10)
      let (next, overflow2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
      if overflow1 || overflow2 { throw overflowRejection(field: field, quoted: quoted) }
      fen = next
    }
    var cents: Int64 = 0
    for (index, byte) in fraction.utf8.enumerated() {
      cents += Int64(byte - UInt8(ascii: "0")) * (index == 0 ? 10 : 1)
    }
    let (wholeFen, overflow3) = fen.multipliedReportingOverflow(by: 100)
    let (total, overflow4) = wholeFen.addingReportingOverflow(cents)
    if overflow3 || overflow4 { throw overflowRejection(field: field, quoted: quoted) }
    if total > maxFen {
      throw Rejection(
        "amount_exceeds_maximum",
        "\(field) \(quoted) is above the maximum of \(formatYuan(maxFen)) yuan")
    }
    return total
  }

  /// Parses yuan text like `parseYuan`, and also refuses zero (code `amount_is_zero`).
  public static func parsePositiveYuan(_ text: String, field: String) throws -> Int64 {
    let fen = try parseYuan(text, field: field)
    if fen == 0 {
      throw Rejection("amount_is_zero", "\(field) \(Rejection.quote(text)) is zero; give a positive amount")
    }
    return fen
  }

  /// Formats fen as yuan with exactly two decimals: 123450 → "1234.50", -1200 → "-12.00".
  public static func formatYuan(_ fen: Int64) -> String {
    let magnitude = fen.magnitude
    let cents = magnitude % 100
    let sign = fen < 0 ? "-" : ""
    return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
  }

  /// Adds two amounts of fen; refuses overflow with code `amount_overflows`.
  public static func add(_ a: Int64, _ b: Int64, field: String) throws -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    if overflow {
      throw Rejection(
        "amount_overflows",
        "\(field) \(formatYuan(a)) + \(formatYuan(b)) yuan overflows the 64-bit fen counter")
    }
    return sum
  }

  /// Multiplies two integers (e.g. fen per hour × hours); refuses overflow with `amount_overflows`.
  public static func multiply(_ a: Int64, _ b: Int64, field: String) throws -> Int64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    if overflow {
      throw Rejection("amount_overflows", "\(field) \(a) × \(b) overflows the 64-bit counter")
    }
    return product
  }

  /// Parses a whole count (hours, capacity, area, grade): ASCII decimal digits only, no leading
  /// zeros, within `range`.
  public static func parseCount(_ text: String, field: String, range: ClosedRange<Int64>) throws -> Int64 {
    var quoted: String { Rejection.quote(text) }  // only a refusal needs it
    if text.isEmpty {
      throw Rejection("count_is_empty", "\(field) is empty; give a whole number")
    }
    if text.unicodeScalars.count > maxTextLength {
      throw Rejection("count_too_long", "\(field) \(quoted) is longer than \(maxTextLength) characters")
    }
    if !text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
      throw Rejection(
        "count_is_not_a_whole_number", "\(field) \(quoted) is not a whole number written with digits 0-9")
    }
    if text.utf8.count > 1 && text.utf8.first == UInt8(ascii: "0") {
      throw Rejection("count_has_leading_zeros", "\(field) \(quoted) has leading zeros")
    }
    let outOfRange = Rejection(
      "count_out_of_range",
      "\(field) \(quoted) is outside the allowed range \(range.lowerBound)...\(range.upperBound)")
    guard let value = Int64(text), range.contains(value) else { throw outOfRange }
    return value
  }

  private static func overflowRejection(field: String, quoted: String) -> Rejection {
    Rejection("amount_overflows", "\(field) \(quoted) is too large to count in fen")
  }

  /// Refuses, in a fixed order, the decorations people put around numbers; then anything that is
  /// not an ASCII digit or a point.
  private static func refuseDecorations(_ scalars: [Unicode.Scalar], field: String, quoted: String) throws {
    if scalars.contains(where: { $0.properties.isWhitespace || $0 == "\u{200B}" || $0 == "\u{FEFF}" }) {
      throw Rejection("amount_has_whitespace", "\(field) \(quoted) contains blanks; write the digits only")
    }
    if scalars.contains(where: { "+-\u{2212}\u{FF0B}\u{FF0D}".unicodeScalars.contains($0) }) {
      throw Rejection("amount_has_sign", "\(field) \(quoted) has a sign; amounts are written without + or -")
    }
    if scalars.contains(where: { $0 == "e" || $0 == "E" }) {
      throw Rejection(
        "amount_has_exponent", "\(field) \(quoted) uses an exponent; write the amount out in digits")
    }
    if scalars.contains(where: { $0.properties.generalCategory == .currencySymbol || $0 == "元" }) {
      throw Rejection(
        "amount_has_currency_sign", "\(field) \(quoted) has a currency sign; give the number of yuan only")
    }
    if scalars.contains(where: { ",，'_\u{2019}".unicodeScalars.contains($0) }) {
      throw Rejection(
        "amount_has_thousands_separator", "\(field) \(quoted) has a thousands separator; write digits only")
    }
    if scalars.contains(where: { (0xFF10...0xFF19).contains($0.value) || $0.value == 0xFF0E }) {
      throw Rejection(
        "amount_has_full_width_digits", "\(field) \(quoted) uses full-width characters; use ASCII digits 0-9")
    }
    if scalars.contains(where: { !(("0"..."9").contains($0) || $0 == ".") }) {
      throw Rejection(
        "amount_is_not_a_number", "\(field) \(quoted) is not an amount in yuan such as 1234.50")
    }
  }
}

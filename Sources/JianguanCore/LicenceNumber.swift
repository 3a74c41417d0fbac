/// School-operation licence numbers (办学许可证编号), checked loosely because local formats vary.
///
/// The national pattern is "教民" + 6-digit region + 1 type digit (7 = training) + 6-digit
/// sequence + "号" (13 digits); accepted is "教民", then 10 to 20 ASCII digits, then an optional
/// "号". The canonical form always ends in "号".
public enum LicenceNumber {
  /// The longest text looked at.
  public static let maxLength = 40

  /// Checks a licence number and returns its canonical form (with the trailing "号").
  public static func validate(_ text: String, field: String) throws -> String {
    var quoted: String { Rejection.quote(text) }  // only a refusal needs it
    if text.isEmpty {
      throw Rejection(
        "licence_is_empty", "\(field) is empty; give the number of the school-operation licence")
    }
    if text.unicodeScalars.count > maxLength {
      throw Rejection("licence_too_long", "\(field) \(quoted) is longer than \(maxLength) characters")
    }
    if text.unicodeScalars.contains(where: {
      $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
    }) {
      throw Rejection("licence_has_control_character", "\(field) \(quoted) contains control characters")
    }
    guard text.hasPrefix("教民") else {
      throw Rejection("licence_missing_prefix", "\(field) \(quoted) does not start with 教民")
    }
    var digits = Substring(text.dropFirst(2))
    if digits.hasSuffix("号") { digits = digits.dropLast() }
    guard digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
      throw Rejection(
        "licence_bad_form", "\(field) \(quoted) is not 教民, 10 to 20 digits 0-9 and an optional 号")
    }
    guard (10...20).contains(digits.utf8.count) else {
      throw Rejection(
        "licence_wrong_digit_count",
        "\(field) \(quoted) has \(digits.utf8.count) digits after 教民; a licence number has 10 to 20")
    }
    return "教民\(digits)号"
  }
}

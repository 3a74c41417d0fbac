/// A resident identity card number (公民身份号码, GB 11643-1999), validated. Rejection messages
/// quote only the masked form: the full number must never reach a log.
public struct ResidentID: Hashable, Sendable {
  /// The 18 characters: 17 digits and a check character 0-9 or X.
  public let value: String
  /// Characters 1–6: the GB/T 2260 region code where the number was issued.
  public let regionCode: String
  /// Characters 7–14: the birth date.
  public let birthDate: CalendarDate

  /// ISO 7064 MOD 11-2 weights of the first 17 digits.
  static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  /// The check character for each remainder of the weighted sum mod 11.
  static let checkCharacters: [Character] = Array("10X98765432")

  /// Parses a number: 18 characters, 17 ASCII digits and a check character (upper-case X), a
  /// correct check character, a real birth date from 1900-01-01 up to `today`, and a region
  /// code that is or was in GB/T 2260. 15-digit first-generation numbers are refused.
  public static func parse(_ text: String, field: String, regions: RegionTable, today: CalendarDate) throws
    -> ResidentID
  {
    var quoted: String { Rejection.quote(mask(text)) }  // only a refusal needs it
    let length = text.unicodeScalars.count
    let characters = length <= 18 ? Array(text.unicodeScalars) : []
    let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
    if characters.count == 15 && characters.allSatisfy(isDigit) {
      throw Rejection(
        "resident_id_first_generation",
        "\(field) \(quoted) is a 15-digit first-generation number; give the 18-character number of the current card"
      )
    }
    if length != 18 {
      throw Rejection(
        "resident_id_wrong_length", "\(field) \(quoted) has \(length) characters; an ID number has 18")
    }
    if let position = characters[0..<17].firstIndex(where: { !isDigit($0) }) {
      throw Rejection(
        "resident_id_bad_character",
        "\(field) \(quoted) has a character other than a digit at position \(position + 1)")
    }
    if characters[17] == "x" {
      throw Rejection("resident_id_lower_case_x", "\(field) \(quoted) ends in a lower-case x; write it as X")
    }
    if !(isDigit(characters[17]) || characters[17] == "X") {
      throw Rejection(
        "resident_id_bad_character", "\(field) \(quoted) has a last character other than a digit or X")
    }
    let first17 = String(String.UnicodeScalarView(characters[0..<17]))
    if checkCharacter(forFirst17: first17) != Character(characters[17]) {
      throw Rejection(
        "resident_id_bad_check_character",
        "\(field) \(quoted) fails the GB 11643-1999 check character; look for a mistyped digit")
    }
    let bytes = Array(text.utf8)
    let year = CalendarDate.digits(bytes[6..<10])!
    let month = CalendarDate.digits(bytes[10..<12])!
    let day = CalendarDate.digits(bytes[12..<14])!
    guard let birthDate = CalendarDate(year: year, month: month, day: day) else {
      throw Rejection("resident_id_bad_birth_date", "\(field) \(quoted) has a birth date that does not exist")
    }
    if birthDate.year < 1900 {
      throw Rejection("resident_id_birth_date_too_early", "\(field) \(quoted) has a birth date before 1900")
    }
    if birthDate > today {
      throw Rejection(
        "resident_id_birth_date_in_future", "\(field) \(quoted) has a birth date after today, \(today)")
    }
    let regionCode = String(text.prefix(6))
    if !regions.everExisted(regionCode) {
      throw Rejection(
        "resident_id_unknown_region",
        "\(field) \(quoted) starts with \(regionCode), which has never been a GB/T 2260 region code")
    }
    return ResidentID(value: text, regionCode: regionCode, birthDate: birthDate)
  }

  /// The check character for 17 ASCII digits, or nil if the text is not 17 ASCII digits.
  public static func checkCharacter(forFirst17 first17: String) -> Character? {
    let bytes = Array(first17.utf8)
    guard bytes.count == 17 else { return nil }
    var sum = 0
    for (index, byte) in bytes.enumerated() {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      sum += Int(byte - UInt8(ascii: "0")) * weights[index]
    }
    return checkCharacters[sum % 11]
  }

  /// The number for display: first 4 and last 4 characters, asterisks between
  /// ("3405**********001X").
  public var masked: String { ResidentID.mask(value) }

  /// Masks any text the way `masked` does; text of 8 characters or fewer becomes all asterisks,
  /// and text over 40 characters is cut (it is not an ID number anyway).
  public static func mask(_ text: String) -> String {
    let characters = Array(text.prefix(40))
    if characters.count <= 8 { return String(repeating: "*", count: characters.count) }
    return String(characters.prefix(4)) + String(repeating: "*", count: characters.count - 8)
      + String(characters.suffix(4))
  }

  private init(value: String, regionCode: String, birthDate: CalendarDate) {
    self.value = value
    self.regionCode = regionCode
    self.birthDate = birthDate
  }
}

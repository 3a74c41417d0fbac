/// A unified social credit code (统一社会信用代码, GB 32100-2015), validated and canonical.
public struct USCC: Hashable, Sendable {
  /// The 18 characters, upper case.
  public let value: String
  /// Characters 3–8: the GB/T 2260 region code of the registering authority.
  public let regionCode: String
  /// False only for a code let through with `acceptBadChecksum` whose check character is wrong.
  public let checksumValid: Bool

  /// The 31 characters a code may use (no I, O, S, V, Z).
  public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

  /// The weights of the first 17 characters in the check sum.
  static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

  /// Parses a code: 18 characters from `alphabet` (lower case is refused so that codes stay
  /// canonical), characters 3–8 digits, and a correct check character. With
  /// `acceptBadChecksum` (an explicit, logged override for the few real codes that fail their
  /// checksum) a wrong check character passes with `checksumValid` false; nothing else does.
  public static func parse(_ text: String, field: String = "uscc", acceptBadChecksum: Bool = false) throws
    -> USCC
  {
    var quoted: String { Rejection.quote(text) }  // only a refusal needs it
    let length = text.unicodeScalars.count
    if length != 18 {
      throw Rejection(
        "uscc_wrong_length", "\(field) \(quoted) has \(length) characters; a credit code has 18")
    }
    let characters = Array(text.unicodeScalars)
    if characters.contains(where: { ("a"..."z").contains($0) }) {
      throw Rejection(
        "uscc_lower_case", "\(field) \(quoted) has lower-case letters; write the credit code in upper case")
    }
    for (index, scalar) in characters.enumerated() where !alphabet.contains(Character(scalar)) {
      throw Rejection(
        "uscc_bad_character",
        "\(field) \(quoted) has \(Rejection.quote(String(scalar))) at position \(index + 1), "
          + "which credit codes do not use (no I, O, S, V, Z)")
    }
    let regionCode = String(String.UnicodeScalarView(characters[2..<8]))
    if !regionCode.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
      throw Rejection(
        "uscc_region_not_digits",
        "\(field) \(quoted) has \(Rejection.quote(regionCode)) as characters 3-8, which must be a 6-digit region code"
      )
    }
    let expected = checkCharacter(forFirst17: String(String.UnicodeScalarView(characters[0..<17])))
    let valid = expected == Character(characters[17])
    if !valid && !acceptBadChecksum {
      throw Rejection(
        "uscc_bad_check_character",
        "\(field) \(quoted) fails the GB 32100-2015 check character; look for a mistyped character")
    }
    return USCC(value: text, regionCode: regionCode, checksumValid: valid)
  }

  /// The check character for the first 17 characters of a code, or nil if they are not 17
  /// characters of `alphabet`.
  public static func checkCharacter(forFirst17 first17: String) -> Character? {
    let characters = Array(first17)
    guard characters.count == 17 else { return nil }
    var sum = 0
    for (index, character) in characters.enumerated() {
      guard let value = alphabet.firstIndex(of: character) else { return nil }
      sum += value * weights[index]
    }
    return alphabet[(31 - sum % 31) % 31]
  }

  private init(value: String, regionCode: String, checksumValid: Bool) {
    self.value = value
    self.regionCode = regionCode
    self.checksumValid = checksumValid
  }
}

import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct USCCTests {
  @Test func everyValidVectorPasses() throws {
    let vectors = try IDVectors.load()
    #expect(vectors.uscc.valid.count >= 10)
    for entry in vectors.uscc.valid {
      #expect(entry.valid)
      let code = try USCC.parse(entry.value)
      #expect(code.value == entry.value)
      #expect(code.checksumValid)
      #expect(code.regionCode == entry.region)
      #expect(
        USCC.checkCharacter(forFirst17: String(entry.value.prefix(17))).map(String.init) == entry.checkChar)
    }
  }

  @Test func everyInvalidVectorIsRefusedForItsReason() throws {
    let vectors = try IDVectors.load()
    #expect(vectors.uscc.invalid.count >= 10)
    for entry in vectors.uscc.invalid {
      let reason = entry.reason ?? ""
      let expected =
        reason.hasPrefix("bad_check_char")
        ? "uscc_bad_check_character"
        : reason.hasPrefix("wrong_length")
          ? "uscc_wrong_length"
          : reason.hasPrefix("bad_charset") ? "uscc_bad_character" : "unmapped reason \(reason)"
      #expect(TestSupport.rejectionCode { _ = try USCC.parse(entry.value) } == expected, "\(entry.value)")
    }
  }

  @Test func badChecksumPassesOnlyWithOverride() throws {
    let code = try USCC.parse("523608284915326840", acceptBadChecksum: true)
    #expect(!code.checksumValid)
    #expect(code.regionCode == "360828")
    #expect(
      TestSupport.rejectionCode { _ = try USCC.parse("5236082849153268", acceptBadChecksum: true) }
        == "uscc_wrong_length")
    #expect(
      TestSupport.rejectionCode { _ = try USCC.parse("523608284915I26840", acceptBadChecksum: true) }
        == "uscc_bad_character")
    #expect(try USCC.parse("52360828491532684W", acceptBadChecksum: true).checksumValid)
  }

  @Test func refusesNonCanonicalInput() {
    let cases: [(String, String)] = [
      ("91210500mapx9df292", "uscc_lower_case"), (" 91210500MAPX9DF292", "uscc_wrong_length"),
      ("91210500MAPX9DF29 ", "uscc_bad_character"), ("９1210500MAPX9DF292", "uscc_bad_character"),
      ("9121O500MAPX9DF292", "uscc_bad_character"), ("91A10500MAPX9DF292", "uscc_region_not_digits"),
    ]
    for (text, code) in cases {
      #expect(TestSupport.rejectionCode { _ = try USCC.parse(text, field: "credit code") } == code, "\(text)")
    }
    let rejection = TestSupport.rejection { _ = try USCC.parse("91210500mapx9df292", field: "credit code") }
    #expect(rejection?.message.hasPrefix("credit code \"91210500mapx9df292\"") == true)
  }

  @Test func hugeInputIsRefusedWithAShortMessage() {
    let rejection = TestSupport.rejection { _ = try USCC.parse(String(repeating: "A", count: 100_000)) }
    #expect(rejection?.code == "uscc_wrong_length")
    #expect((rejection?.message.count ?? .max) < 200)
  }

  @Test func checkCharacterRejectsBadInput() {
    #expect(USCC.checkCharacter(forFirst17: "9121050") == nil)
    #expect(USCC.checkCharacter(forFirst17: "91210500MAPX9DFI9") == nil)
  }

  /// Generated codes pass; any single substituted character is caught (31 is prime and no
  /// weight is a multiple of it).
  @Test func randomCodesAndSingleSubstitutions() throws {
    var generator = SeededGenerator(seed: 32_100)
    let alphabet = USCC.alphabet
    for _ in 0..<2000 {
      var characters = (0..<17).map { _ in alphabet.randomElement(using: &generator)! }
      for index in 2..<8 { characters[index] = Character(String(Int.random(in: 0...9, using: &generator))) }
      let first17 = String(characters)
      let check = try #require(USCC.checkCharacter(forFirst17: first17))
      let code = try USCC.parse(first17 + String(check))
      #expect(code.checksumValid)
      var mutated = Array(code.value)
      let position = [0, 1, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17].randomElement(using: &generator)!
      let replacement = alphabet.filter { $0 != mutated[position] }.randomElement(using: &generator)!
      mutated[position] = replacement
      #expect(TestSupport.rejectionCode { _ = try USCC.parse(String(mutated)) } == "uscc_bad_check_character")
    }
  }
}

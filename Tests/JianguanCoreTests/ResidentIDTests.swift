import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct ResidentIDTests {
  let regions = TestSupport.regions
  let today = CalendarDate(year: 2025, month: 6, day: 1)!

  @Test func everyValidVectorPasses() throws {
    let vectors = try IDVectors.load()
    #expect(vectors.ric.valid.count >= 10)
    for entry in vectors.ric.valid {
      let id = try ResidentID.parse(entry.value, field: "id number", regions: regions, today: today)
      #expect(id.value == entry.value)
      #expect(id.regionCode == entry.region)
      #expect(id.birthDate.description == entry.birthDate)
    }
  }

  @Test func everyInvalidVectorIsRefusedForItsReason() throws {
    let vectors = try IDVectors.load()
    #expect(vectors.ric.invalid.count >= 10)
    for entry in vectors.ric.invalid {
      let reason = entry.reason ?? ""
      let expected =
        reason.hasPrefix("bad_check_char")
        ? "resident_id_bad_check_character"
        : reason.hasPrefix("wrong_length_15")
          ? "resident_id_first_generation"
          : reason.hasPrefix("wrong_length")
            ? "resident_id_wrong_length"
            : reason.hasPrefix("bad_charset") ? "resident_id_bad_character" : "unmapped reason \(reason)"
      let rejection = TestSupport.rejection {
        _ = try ResidentID.parse(entry.value, field: "id number", regions: regions, today: today)
      }
      #expect(rejection?.code == expected, "\(entry.reason ?? "")")
      #expect(rejection?.message.contains(entry.value) == false, "the full number must not be in the message")
    }
  }

  @Test func designExamples() throws {
    let id = try ResidentID.parse("11010519491231002X", field: "id", regions: regions, today: today)
    #expect(id.birthDate.description == "1949-12-31")
    #expect(id.masked == "1101**********002X")
    #expect(
      TestSupport.rejectionCode {
        _ = try ResidentID.parse("340524198001010013", field: "id", regions: regions, today: today)
      } == "resident_id_bad_check_character")
  }

  /// Builds a number with a correct check character from its parts.
  func make(_ region: String, _ birth: String, _ sequence: String = "123") -> String {
    let first17 = region + birth + sequence
    return first17 + String(ResidentID.checkCharacter(forFirst17: first17)!)
  }

  @Test func refusesEachFault() {
    let cases: [(String, String)] = [
      ("11010519491231002x", "resident_id_lower_case_x"),
      (make("110105", "20250602"), "resident_id_birth_date_in_future"),
      (make("110105", "18991231"), "resident_id_birth_date_too_early"),
      (make("110105", "20230229"), "resident_id_bad_birth_date"),
      (make("110105", "20231301"), "resident_id_bad_birth_date"),
      (make("999999", "20000101"), "resident_id_unknown_region"),
      ("110105194912310021", "resident_id_bad_check_character"),
      ("11010519491231002Ｘ", "resident_id_bad_character"),
      ("１10105194912310021", "resident_id_bad_character"),
      ("110105 9491231002X", "resident_id_bad_character"),
      ("110105194912310", "resident_id_first_generation"),
      ("", "resident_id_wrong_length"),
    ]
    for (text, code) in cases {
      let rejection = TestSupport.rejection {
        _ = try ResidentID.parse(text, field: "id number", regions: regions, today: today)
      }
      #expect(rejection?.code == code, "\(ResidentID.mask(text))")
      if text.count > 8 {
        #expect(rejection?.message.contains(text) == false)
        #expect(rejection?.message.contains(ResidentID.mask(text)) == true)
      }
    }
    #expect(make("110105", "20250601").count == 18)
    #expect(throws: Never.self) {
      _ = try ResidentID.parse(make("110105", "20250601"), field: "id", regions: regions, today: today)
    }
  }

  @Test func messagesAreMaskedAndSayWhatToDo() {
    let lower = TestSupport.rejection {
      _ = try ResidentID.parse("11010519491231002x", field: "id number", regions: regions, today: today)
    }
    #expect(lower?.message == "id number \"1101**********002x\" ends in a lower-case x; write it as X")
    let old = TestSupport.rejection {
      _ = try ResidentID.parse("110105491231002", field: "id number", regions: regions, today: today)
    }
    #expect(old?.message.contains("15-digit") == true)
    #expect(old?.message.contains("110105491231002") == false)
  }

  @Test func retiredRegionCodesStillCount() throws {
    #expect(regions.region("110103") == nil)  // 崇文区, merged into 东城区 in 2010
    let id = try ResidentID.parse(make("110103", "19800101"), field: "id", regions: regions, today: today)
    #expect(id.regionCode == "110103")
  }

  @Test func hugeInputIsRefusedWithAShortMessage() {
    let huge = String(repeating: "1", count: 100_000)
    let rejection = TestSupport.rejection {
      _ = try ResidentID.parse(huge, field: "id", regions: regions, today: today)
    }
    #expect(rejection?.code == "resident_id_wrong_length")
    #expect((rejection?.message.count ?? .max) < 200)
  }

  @Test func masks() {
    #expect(ResidentID.mask("34052419800101001X") == "3405**********001X")
    #expect(ResidentID.mask("1234") == "****")
    #expect(ResidentID.mask("123456789") == "1234*6789")
  }

  /// ISO 7064 MOD 11-2 catches every single-digit substitution.
  @Test func randomNumbersAndSingleSubstitutions() throws {
    var generator = SeededGenerator(seed: 11_643)
    for _ in 0..<2000 {
      let days = Int.random(
        in: CalendarDate(year: 1950, month: 1, day: 1)!.daysSinceEpoch...today.daysSinceEpoch,
        using: &generator)
      let birth = CalendarDate(daysSinceEpoch: days).description.filter { $0 != "-" }
      let sequence = String(Int.random(in: 100...999, using: &generator))
      let text = make("340104", birth, sequence)
      let id = try ResidentID.parse(text, field: "id", regions: regions, today: today)
      #expect(id.value == text)
      var digits = Array(text)
      let position = Int.random(in: 14..<17, using: &generator)  // sequence digits keep date and region valid
      let old = digits[position]
      digits[position] = "0123456789".filter { $0 != old }.randomElement(using: &generator)!
      #expect(
        TestSupport.rejectionCode {
          _ = try ResidentID.parse(String(digits), field: "id", regions: regions, today: today)
        } == "resident_id_bad_check_character")
    }
  }
}

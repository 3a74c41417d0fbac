import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct MoneyTests {
  /// The plain-form fast path reads exactly what the careful path reads, and leaves every other
  /// text to it: random texts from digits, points and the characters the careful path refuses.
  @Test func thePlainFormPathAgreesWithTheCarefulPath() {
    var random = SeededGenerator(seed: 0x1234_5678)
    let alphabet = Array("0123456789012345678901234567890123456789..-+e, 　１¥")
    var plain = 0
    for _ in 0..<200_000 {
      let text = String(
        (0..<Int.random(in: 0...14, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
      let careful = try? Money.parseYuanCarefully(text, field: "amount")
      if let fast = Money.plainYuan(text) {
        plain += 1
        #expect(fast == careful, "\(text)")
      }
      #expect((try? Money.parseYuan(text, field: "amount")) == careful, "\(text)")
    }
    #expect(plain > 10_000, "the random texts reach the plain path")
  }

  @Test(
    arguments: [
      ("0", 0), ("0.5", 50), ("0.01", 1), ("0.10", 10), ("1234", 123_400), ("1234.5", 123_450),
      ("1234.50", 123_450), ("10", 1000), ("10000000000", 1_000_000_000_000),
    ] as [(String, Int64)])
  func parsesYuanExactly(text: String, fen: Int64) throws {
    #expect(try Money.parseYuan(text, field: "amount") == fen)
  }

  @Test(arguments: [
    ("12.345", "amount_has_more_than_two_decimals"), ("-5", "amount_has_sign"), ("+5", "amount_has_sign"),
    ("1e3", "amount_has_exponent"), ("1E3", "amount_has_exponent"), ("￥100", "amount_has_currency_sign"),
    ("¥100", "amount_has_currency_sign"), ("$100", "amount_has_currency_sign"),
    ("100元", "amount_has_currency_sign"),
    (" 5", "amount_has_whitespace"), ("5 ", "amount_has_whitespace"), ("1 000", "amount_has_whitespace"),
    ("5\t", "amount_has_whitespace"), ("5\u{3000}", "amount_has_whitespace"),
    ("1,000", "amount_has_thousands_separator"), ("1_000", "amount_has_thousands_separator"),
    (".5", "amount_has_leading_point"), ("5.", "amount_has_trailing_point"),
    ("99999999999999999999", "amount_overflows"), ("92233720368547758.08", "amount_overflows"),
    ("10000000000.01", "amount_exceeds_maximum"), ("92233720368547758", "amount_exceeds_maximum"),
    ("92233720368547759", "amount_overflows"),
    ("", "amount_is_empty"), ("１００", "amount_has_full_width_digits"), ("007", "amount_has_leading_zeros"),
    ("00.5", "amount_has_leading_zeros"), ("1.2.3", "amount_is_not_a_number"),
    ("abc", "amount_is_not_a_number"),
    ("٣", "amount_is_not_a_number"), (String(repeating: "1", count: 41), "amount_too_long"),
    ("NaN", "amount_is_not_a_number"), ("0x10", "amount_is_not_a_number"),
  ])
  func refusesMalformedYuan(text: String, code: String) {
    #expect(TestSupport.rejectionCode { _ = try Money.parseYuan(text, field: "amount") } == code)
  }

  @Test func messageNamesFieldValueAndRule() {
    let rejection = TestSupport.rejection { _ = try Money.parseYuan("12.345", field: "amount") }
    #expect(rejection?.message == "amount \"12.345\" has more than two decimals (fen is the smallest unit)")
    let other = TestSupport.rejection { _ = try Money.parseYuan("-5", field: "price") }
    #expect(other?.message.hasPrefix("price \"-5\"") == true)
  }

  @Test func hugeInputIsRefusedWithAShortMessage() {
    let huge = String(repeating: "9", count: 1_000_000)
    let rejection = TestSupport.rejection { _ = try Money.parseYuan(huge, field: "amount") }
    #expect(rejection?.code == "amount_too_long")
    #expect((rejection?.message.count ?? .max) < 200)
  }

  @Test func positiveYuanRefusesZero() throws {
    #expect(
      TestSupport.rejectionCode { _ = try Money.parsePositiveYuan("0", field: "amount") } == "amount_is_zero")
    #expect(
      TestSupport.rejectionCode { _ = try Money.parsePositiveYuan("0.00", field: "amount") }
        == "amount_is_zero")
    #expect(try Money.parsePositiveYuan("0.01", field: "amount") == 1)
  }

  @Test func formatsYuan() {
    #expect(Money.formatYuan(123_450) == "1234.50")
    #expect(Money.formatYuan(0) == "0.00")
    #expect(Money.formatYuan(5) == "0.05")
    #expect(Money.formatYuan(-1200) == "-12.00")
    #expect(Money.formatYuan(-1) == "-0.01")
    #expect(Money.formatYuan(Int64.min) == "-92233720368547758.08")
    #expect(Money.formatYuan(Int64.max) == "92233720368547758.07")
  }

  @Test func randomRoundTrip() throws {
    var generator = SeededGenerator(seed: 20_211_101)
    for _ in 0..<20_000 {
      let fen = Int64.random(in: 0...Money.maxFen, using: &generator)
      #expect(try Money.parseYuan(Money.formatYuan(fen), field: "amount") == fen)
      let small = Int64.random(in: 0...100_000, using: &generator)
      #expect(try Money.parseYuan(Money.formatYuan(small), field: "amount") == small)
    }
  }

  @Test func checkedArithmetic() throws {
    #expect(try Money.add(100, 250, field: "total") == 350)
    #expect(try Money.multiply(4500, 60, field: "total") == 270_000)
    #expect(
      TestSupport.rejectionCode { _ = try Money.add(Int64.max, 1, field: "total") } == "amount_overflows")
    #expect(
      TestSupport.rejectionCode { _ = try Money.add(Int64.min, -1, field: "total") } == "amount_overflows")
    #expect(
      TestSupport.rejectionCode { _ = try Money.multiply(Int64.max / 2, 3, field: "total") }
        == "amount_overflows")
  }

  @Test func parsesCounts() throws {
    #expect(try Money.parseCount("60", field: "hours", range: 1...60) == 60)
    #expect(try Money.parseCount("0", field: "grade", range: 0...12) == 0)
    let refused: [(String, String)] = [
      ("", "count_is_empty"), ("61", "count_out_of_range"), ("0", "count_out_of_range"),
      ("-1", "count_is_not_a_whole_number"), ("1.5", "count_is_not_a_whole_number"),
      (" 5", "count_is_not_a_whole_number"), ("５", "count_is_not_a_whole_number"),
      ("05", "count_has_leading_zeros"),
      ("99999999999999999999", "count_out_of_range"), (String(repeating: "9", count: 50), "count_too_long"),
    ]
    for (text, code) in refused {
      #expect(
        TestSupport.rejectionCode { _ = try Money.parseCount(text, field: "hours", range: 1...60) } == code)
    }
  }
}

import Testing

@testable import JianguanCore

@Suite struct LicenceNumberTests {
  @Test(arguments: [
    ("教民1401067000123号", "教民1401067000123号"), ("教民1401067000123", "教民1401067000123号"),
    ("教民3401047000001号", "教民3401047000001号"), ("教民1234567890", "教民1234567890号"),
    ("教民12345678901234567890号", "教民12345678901234567890号"),
  ])
  func acceptsAndCanonicalises(text: String, canonical: String) throws {
    #expect(try LicenceNumber.validate(text, field: "licence") == canonical)
  }

  @Test(arguments: [
    ("", "licence_is_empty"), ("民教1401067000123号", "licence_missing_prefix"),
    ("1401067000123号", "licence_missing_prefix"), ("教民123456789号", "licence_wrong_digit_count"),
    ("教民123456789012345678901号", "licence_wrong_digit_count"), ("教民14010670001２3号", "licence_bad_form"),
    ("教民 1401067000123号", "licence_bad_form"), ("教民1401067000123号号", "licence_bad_form"),
    ("教民1401-067000123号", "licence_bad_form"), ("教民1401067000123\n号", "licence_has_control_character"),
    ("教民1401067000123\u{202E}", "licence_has_control_character"),
    ("教民" + String(repeating: "1", count: 39), "licence_too_long"), ("教民号", "licence_wrong_digit_count"),
  ])
  func refuses(text: String, code: String) {
    #expect(TestSupport.rejectionCode { _ = try LicenceNumber.validate(text, field: "licence") } == code)
  }

  @Test func messageQuotesTheValue() {
    let rejection = TestSupport.rejection { _ = try LicenceNumber.validate("民教123", field: "licence number") }
    #expect(rejection?.message == "licence number \"民教123\" does not start with 教民")
  }
}

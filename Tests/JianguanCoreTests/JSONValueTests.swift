import Testing

@testable import JianguanCore

@Suite struct JSONValueTests {
  func parse(_ text: String) throws -> JSONValue {
    try JSONValue.parse(Array(text.utf8), file: "test.json", code: "json_invalid", maxBytes: 1000)
  }

  @Test func parsesValues() throws {
    #expect(
      try parse(#" {"a": [1, -2, 3.5e2, true, false, null], "b": "x\"\\\/\n\u00e9\ud83d\ude00"} "#)
        == .object([
          "a": .array([.number("1"), .number("-2"), .number("3.5e2"), .bool(true), .bool(false), .null]),
          "b": .string("x\"\\/\né😀"),
        ]))
    #expect(try parse("\"合肥\"") == .string("合肥"))
    #expect(try parse("60").integer == 60)
    #expect(try parse("60.0").integer == nil)
    #expect(try parse("[]") == .array([]))
    #expect(try parse("{}") == .object([:]))
  }

  @Test(arguments: [
    "", "{", "[1,]", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "01", "1.", "-", "+1", "tru", "\"\\x\"", "\"\u{01}\"",
    "\"\\ud800\"", "1 2", "{a:1}", "'a'",
    String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    String(repeating: " ", count: 1001),
  ])
  func refusesMalformed(text: String) {
    #expect(TestSupport.rejectionCode { _ = try parse(text) } == "json_invalid")
  }

  @Test func refusesInvalidUTF8() {
    #expect(
      TestSupport.rejectionCode {
        _ = try JSONValue.parse([0x22, 0xFF, 0x22], file: "t", code: "json_invalid", maxBytes: 10)
      } == "json_invalid")
  }
}

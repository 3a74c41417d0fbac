import JianguanTestSupport
import Testing

@testable import JianguanLedger

@Suite struct CanonicalJSONTests {
  @Test func writesSortedKeysMinimalEscapesAndIntegers() {
    let value = JSONValue.object([
      "b": .integer(-42), "a": .string("引号\"反斜杠\\\n\u{1}é"), "c": .array([.bool(true), .bool(false)]),
      "aa": .object([:]),
    ])
    #expect(value.canonicalText == #"{"a":"引号\"反斜杠\\\u000a\u0001é","aa":{},"b":-42,"c":[true,false]}"#)
  }

  @Test func keysSortByUTF8BytesNotByCharacters() {
    // "Z" (0x5A) sorts before "a" (0x61); "é" (0xC3 0xA9) after both.
    let value = JSONValue.object(["é": .integer(1), "a": .integer(2), "Z": .integer(3)])
    #expect(value.canonicalText == #"{"Z":3,"a":2,"é":1}"#)
  }

  @Test func parsingCanonicalBytesGivesTheValueBack() throws {
    var generator = SeededGenerator(seed: 7)
    for _ in 0..<500 {
      let value = randomValue(depth: 0, using: &generator)
      let parsed = try CanonicalJSONParser.parse(value.canonicalBytes)
      #expect(parsed == value)
      #expect(parsed.canonicalBytes == value.canonicalBytes)
    }
  }

  @Test(arguments: [
    #"{"b":1,"a":2}"#, #"{"a":1,"a":1}"#, #"{ "a":1}"#, #"{"a":1.5}"#, #"{"a":null}"#, #"{"a":01}"#,
    #"{"a":-0}"#, #"{"a":1e3}"#, #"{"a":"\n"}"#, #"{"a":"\u000A"}"#, #"{"a":"\u0041"}"#, "{\"a\":\"\u{1}\"}",
    #"{"a":"\/"}"#, #"{"a":1} "#, #"{"a":99999999999999999999}"#, #"[1,]"#, "",
  ])
  func refusesAnythingNotCanonical(_ text: String) {
    #expect(throws: CanonicalJSONParser.Failure.self) { try CanonicalJSONParser.parse(Array(text.utf8)) }
  }

  @Test func refusesInvalidUTF8() {
    #expect(throws: CanonicalJSONParser.Failure.self) { try CanonicalJSONParser.parse([0x22, 0xFF, 0x22]) }
  }

  func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
    switch Int.random(in: 0..<(depth > 3 ? 3 : 5), using: &generator) {
    case 0: return .integer(Int64.random(in: Int64.min...Int64.max, using: &generator))
    case 1:
      let alphabet = Array("aZ09 \"\\/\n\t\u{0}\u{1F}é监管😀\u{200F}")
      return .string(
        String(
          (0..<Int.random(in: 0..<8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)!
          }))
    case 2: return .bool(Bool.random(using: &generator))
    case 3:
      return .array(
        (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
          randomValue(depth: depth + 1, using: &generator)
        })
    default:
      var members: [String: JSONValue] = [:]
      for index in 0..<Int.random(in: 0..<4, using: &generator) {
        members["k\(index)\(["", "é", "Z"].randomElement(using: &generator)!)"] = randomValue(
          depth: depth + 1, using: &generator)
      }
      return .object(members)
    }
  }
}

/// Parses canonical JSON and refuses anything that is not in canonical form, so that a value has
/// exactly one byte encoding and re-encoding what was parsed gives back the same bytes.
public struct CanonicalJSONParser {
  /// Why a byte string is not canonical JSON, with the byte offset.
  public struct Failure: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "not canonical JSON at byte \(offset): \(reason)" }
  }

  public static let maximumBytes = 1 << 20
  public static let maximumDepth = 32

  let bytes: [UInt8]
  var position = 0

  /// Parses `bytes` as one canonical JSON value.
  public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    guard bytes.count <= maximumBytes else {
      throw Failure(offset: 0, reason: "longer than \(maximumBytes) bytes")
    }
    var parser = CanonicalJSONParser(bytes: bytes)
    let value = try parser.parseValue(depth: 0)
    guard parser.position == bytes.count else { throw parser.failure("trailing bytes after the value") }
    return value
  }

  func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

  var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  mutating func expect(_ byte: UInt8) throws {
    guard current == byte else {
      throw failure("expected '\(Character(Unicode.Scalar(byte)))'")
    }
    position += 1
  }

  mutating func parseValue(depth: Int) throws -> JSONValue {
    guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth)") }
    guard let byte = current else { throw failure("unexpected end") }
    switch byte {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
    default:
      throw failure(
        "unexpected byte 0x\(String(byte, radix: 16)) (null, floats and whitespace are not canonical)")
    }
  }

  mutating func parseLiteral(_ literal: String) throws {
    for expected in literal.utf8 {
      guard current == expected else { throw failure("malformed literal") }
      position += 1
    }
  }

  mutating func parseInteger() throws -> Int64 {
    let start = position
    var negative = false
    if current == UInt8(ascii: "-") {
      negative = true
      position += 1
    }
    let digitsStart = position
    while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    let digits = position - digitsStart
    guard digits > 0 else { throw failure("a number needs digits") }
    if bytes[digitsStart] == UInt8(ascii: "0") && (digits > 1 || negative) {
      throw Failure(offset: start, reason: "leading zero or negative zero")
    }
    if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    {
      throw failure("only integers are allowed")
    }
    guard let value = Int64(String(decoding: bytes[start..<position], as: UTF8.self)) else {
      throw Failure(offset: start, reason: "integer outside Int64")
    }
    return value
  }

  mutating func parseString() throws -> String {
    try expect(UInt8(ascii: "\""))
    // Fast path: most strings have no escape and end at the next quote.
    var end = position
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
      bytes[end] >= 0x20
    {
      end += 1
    }
    if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
      guard let text = String(validating: bytes[position..<end], as: UTF8.self) else {
        throw failure("string is not valid UTF-8")
      }
      position = end + 1
      return text
    }
    var out: [UInt8] = Array(bytes[position..<end])
    position = end
    while true {
      guard let byte = current else { throw failure("unterminated string") }
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        guard let text = String(validating: out, as: UTF8.self) else {
          throw failure("string is not valid UTF-8")
        }
        return text
      case UInt8(ascii: "\\"):
        guard let escaped = current else { throw failure("unterminated escape") }
        position += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(escaped)
        case UInt8(ascii: "u"):
          guard position + 4 <= bytes.count, bytes[position] == UInt8(ascii: "0"),
            bytes[position + 1] == UInt8(ascii: "0")
          else { throw failure("only \\u00XX escapes for control characters are canonical") }
          let hexText = String(decoding: bytes[(position + 2)..<(position + 4)], as: UTF8.self)
          guard let value = UInt8(hexText, radix: 16), value < 0x20, hexText == hexText.lowercased()
          else { throw failure("\\u escape is not a lower-case control character") }
          out.append(value)
          position += 4
        default: throw failure("escape is not canonical")
        }
      case 0x00..<0x20: throw failure("raw control character in string")
      default: out.append(byte)
      }
    }
  }

  mutating func parseArray(depth: Int) throws -> JSONValue {
    try expect(UInt8(ascii: "["))
    var items: [JSONValue] = []
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(items)
    }
    while true {
      items.append(try parseValue(depth: depth + 1))
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "]"))
      return .array(items)
    }
  }

  mutating func parseObject(depth: Int) throws -> JSONValue {
    try expect(UInt8(ascii: "{"))
    var members: [String: JSONValue] = [:]
    var previousKey: String?
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      let keyOffset = position
      let key = try parseString()
      if let previousKey, !previousKey.utf8.lexicographicallyPrecedes(key.utf8) {
        throw Failure(offset: keyOffset, reason: "key \"\(key)\" is out of order or repeated")
      }
      previousKey = key
      try expect(UInt8(ascii: ":"))
      members[key] = try parseValue(depth: depth + 1)
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "}"))
      return .object(members)
    }
  }
}

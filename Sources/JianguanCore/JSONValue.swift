/// A parsed JSON value (RFC 8259), from a small strict parser that keeps the core free of
/// Foundation: UTF-8 only, no duplicate keys, nesting and size capped, numbers kept as text.
enum JSONValue: Sendable, Equatable {
  case object([String: JSONValue])
  case array([JSONValue])
  case string(String)
  /// The number's text as written, e.g. "60" or "1.5e3".
  case number(String)
  case bool(Bool)
  case null

  /// The deepest nesting of arrays and objects accepted.
  static let maxDepth = 32

  /// Parses one JSON text; `file` and `code` name the rejection for malformed input.
  static func parse(_ bytes: [UInt8], file: String, code: String, maxBytes: Int) throws -> JSONValue {
    if bytes.count > maxBytes {
      throw Rejection(code, "\(file) is larger than \(maxBytes) bytes")
    }
    if String(validating: bytes, as: UTF8.self) == nil {
      throw Rejection(code, "\(file) is not valid UTF-8")
    }
    var parser = Parser(bytes: bytes, file: file, code: code)
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    if parser.index != bytes.count { throw parser.fail("unexpected text after the end") }
    return value
  }

  /// The value as a whole number, if it is a number without fraction or exponent that fits Int64.
  var integer: Int64? {
    guard case .number(let text) = self else { return nil }
    return Int64(text)
  }

  /// The value as quoted in a message: a number or string as written, otherwise its kind.
  var brief: String {
    switch self {
    case .number(let text): return Rejection.quote(text)
    case .string(let text): return Rejection.quote(text)
    case .bool(let value): return value ? "true" : "false"
    default: return kindName
    }
  }

  /// A short name of the kind of value, for messages.
  var kindName: String {
    switch self {
    case .object: return "an object"
    case .array: return "an array"
    case .string: return "a string"
    case .number: return "a number"
    case .bool: return "a boolean"
    case .null: return "null"
    }
  }

  private struct Parser {
    let bytes: [UInt8]
    let file: String
    let code: String
    var index = 0

    init(bytes: [UInt8], file: String, code: String) {
      self.bytes = bytes
      self.file = file
      self.code = code
    }

    func fail(_ reason: String) -> Rejection {
      Rejection(code, "\(file) is not valid JSON at byte \(index): \(reason)")
    }

    mutating func skipSpace() {
      while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws -> JSONValue {
      guard index < bytes.count else { throw fail("unexpected end") }
      if depth > JSONValue.maxDepth { throw fail("nested more than \(JSONValue.maxDepth) deep") }
      switch bytes[index] {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      default: return try number()
      }
    }

    mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
      let expected = Array(word.utf8)
      guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected
      else {
        throw fail("unexpected character")
      }
      index += expected.count
      return value
    }

    mutating func object(depth: Int) throws -> JSONValue {
      index += 1
      var members: [String: JSONValue] = [:]
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let key = try string()
        if members[key] != nil { throw fail("key \(Rejection.quote(key)) appears twice") }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        index += 1
        skipSpace()
        members[key] = try value(depth: depth + 1)
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        }
        guard bytes[index] == UInt8(ascii: ",") else { throw fail("expected ',' or '}'") }
        index += 1
      }
    }

    mutating func array(depth: Int) throws -> JSONValue {
      index += 1
      var elements: [JSONValue] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        skipSpace()
        elements.append(try value(depth: depth + 1))
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(elements)
        }
        guard bytes[index] == UInt8(ascii: ",") else { throw fail("expected ',' or ']'") }
        index += 1
      }
    }

    mutating func string() throws -> String {
      index += 1
      var scalars = String.UnicodeScalarView()
      var runStart = index
      func flush(_ end: Int) {
        scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
      }
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          flush(index)
          index += 1
          return String(scalars)
        }
        if byte < 0x20 { throw fail("control character in a string") }
        if byte != UInt8(ascii: "\\") {
          index += 1
          continue
        }
        flush(index)
        index += 1
        guard index < bytes.count else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
        default: throw fail("unknown escape")
        }
        runStart = index
      }
      throw fail("unterminated string")
    }

    /// Reads the hex digits after "\u" (and a second "\uXXXX" for a surrogate pair).
    mutating func unicodeEscape() throws -> Unicode.Scalar {
      let high = try hex4()
      if (0xD800..<0xDC00).contains(high) {
        guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"),
          bytes[index + 1] == UInt8(ascii: "u")
        else { throw fail("unpaired surrogate") }
        index += 2
        let low = try hex4()
        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
      }
      guard let scalar = Unicode.Scalar(high) else { throw fail("unpaired surrogate") }
      return scalar
    }

    mutating func hex4() throws -> UInt32 {
      guard bytes.count - index >= 4 else { throw fail("short \\u escape") }
      var value: UInt32 = 0
      for _ in 0..<4 {
        let byte = bytes[index]
        let digit: UInt8
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
        default: throw fail("bad \\u escape")
        }
        value = value * 16 + UInt32(digit)
        index += 1
      }
      return value
    }

    /// Checks the RFC 8259 number grammar and keeps the text.
    mutating func number() throws -> JSONValue {
      let start = index
      func digits() -> Int {
        let from = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
          index += 1
        }
        return index - from
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
      let wholeStart = index
      let wholeCount = digits()
      guard wholeCount > 0 else { throw fail("unexpected character") }
      if wholeCount > 1 && bytes[wholeStart] == UInt8(ascii: "0") { throw fail("number with a leading zero") }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        guard digits() > 0 else { throw fail("digits expected after the point") }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
          index += 1
        }
        guard digits() > 0 else { throw fail("digits expected in the exponent") }
      }
      return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }
  }
}

/// A refusal of user input: a stable rule-like code and one sentence that names the field,
/// the value and the rule. Never a crash, never a half-written change.
public struct Rejection: Error, Equatable, Sendable, CustomStringConvertible {
  /// Stable, rule-like code (`amount_has_more_than_two_decimals`), compared by tests.
  public let code: String
  /// One clear sentence for the user.
  public let message: String

  public init(_ code: String, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }

  /// Quotes a user-supplied value for a message, shortened and with control characters escaped,
  /// so that a hostile or huge value cannot flood or corrupt the terminal.
  public static func quote(_ value: String, limit: Int = 64) -> String {
    var out = ""
    var count = 0
    for scalar in value.unicodeScalars {
      if count >= limit {
        out += "…"
        break
      }
      switch scalar.value {
      case 0x00..<0x20, 0x7F, 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
        out += "\\u{\(String(scalar.value, radix: 16))}"
      case 0x22: out += "\\\""
      case 0x5C: out += "\\\\"
      default: out.unicodeScalars.append(scalar)
      }
      count += 1
    }
    return "\"\(out)\""
  }
}

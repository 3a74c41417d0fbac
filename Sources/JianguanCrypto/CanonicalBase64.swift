/// Standard base64 (RFC 4648 §4: alphabet `A-Z a-z 0-9 + /`, `=` padding), decoded only in its
/// canonical form: padded, no whitespace, and zero in the unused bits of the last character, so
/// that every byte string has exactly one accepted text (RFC 4648 §3.5).
public enum CanonicalBase64 {
  private static let alphabet: [UInt8] = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// `bytes` in standard padded base64.
  public static func encode(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index + 3 <= bytes.count {
      let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
      for shift in [18, 12, 6, 0] { out.append(alphabet[Int(group >> UInt32(shift) & 0x3f)]) }
      index += 3
    }
    let rest = bytes.count - index
    if rest == 1 {
      let group = UInt32(bytes[index]) << 16
      out += [alphabet[Int(group >> 18 & 0x3f)], alphabet[Int(group >> 12 & 0x3f)], 0x3d, 0x3d]
    } else if rest == 2 {
      let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
      out += [
        alphabet[Int(group >> 18 & 0x3f)], alphabet[Int(group >> 12 & 0x3f)],
        alphabet[Int(group >> 6 & 0x3f)], 0x3d,
      ]
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes of `text`, or nil unless `text` is the canonical padded base64 of some bytes.
  public static func decode(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 4 == 0 else { return nil }
    var padding = 0
    if utf8.last == 0x3d { padding += 1 }
    if utf8.count >= 2, utf8[utf8.count - 2] == 0x3d { padding += 1 }
    var out = [UInt8]()
    out.reserveCapacity(utf8.count / 4 * 3)
    var group: UInt32 = 0
    for (position, character) in utf8.enumerated() {
      let value: UInt32
      if position >= utf8.count - padding {
        value = 0  // a padding '='
      } else {
        guard let decoded = Self.value(character) else { return nil }
        value = decoded
      }
      group = group << 6 | value
      if position % 4 == 3 {
        out += [UInt8(group >> 16 & 0xff), UInt8(group >> 8 & 0xff), UInt8(group & 0xff)]
        group = 0
      }
    }
    out.removeLast(padding)
    // Canonical: re-encoding gives back the very same text (no stray bits before the padding).
    guard encode(out) == text else { return nil }
    return out
  }

  private static func value(_ character: UInt8) -> UInt32? {
    switch character {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character - UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character - UInt8(ascii: "a")) + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character - UInt8(ascii: "0")) + 52
    case UInt8(ascii: "+"): 62
    case UInt8(ascii: "/"): 63
    default: nil
    }
  }
}

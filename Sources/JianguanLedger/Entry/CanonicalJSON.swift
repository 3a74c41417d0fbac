/// The ledger's canonical JSON: the only encoding whose bytes are hashed.
///
/// A value is an object, array, string, integer (Int64) or boolean; there are no floats and no
/// nulls (absent fields are left out). Canonical form: object keys sorted by their UTF-8 bytes and
/// unique, no whitespace, integers in shortest decimal form (`-0` and leading zeros are refused),
/// strings escaped minimally: `\"`, `\\`, and `\u00XX` (lower-case hex) for U+0000–U+001F only;
/// every other character is written as itself in UTF-8. `docs/LEDGER-FORMAT.md` repeats this.
public enum JSONValue: Equatable, Sendable {
  case string(String)
  case integer(Int64)
  case bool(Bool)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The canonical bytes of this value.
  public var canonicalBytes: [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(to: &out)
    return out
  }

  /// The canonical text of this value.
  public var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

  func write(to out: inout [UInt8]) {
    switch self {
    case .string(let text): JSONValue.writeString(text, to: &out)
    case .integer(let value): out.append(contentsOf: String(value).utf8)
    case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (offset, item) in items.enumerated() {
        if offset > 0 { out.append(UInt8(ascii: ",")) }
        item.write(to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      for (offset, key) in keys.enumerated() {
        if offset > 0 { out.append(UInt8(ascii: ",")) }
        JSONValue.writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        members[key]!.write(to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  static func writeString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { (bytes: UnsafeBufferPointer<UInt8>) in
      // Most strings need no escape: copy them whole, and escape byte by byte only when needed.
      if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
        out.append(contentsOf: bytes)
        return
      }
      for byte in bytes {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x00..<0x20:
          out.append(contentsOf: Array("\\u00".utf8))
          out.append(hexDigits[Int(byte >> 4)])
          out.append(hexDigits[Int(byte & 0x0F)])
        default: out.append(byte)
        }
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension JSONValue {
  /// The member `key` of an object, or nil.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var integerValue: Int64? {
    if case .integer(let value) = self { return value }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  public var objectValue: [String: JSONValue]? {
    if case .object(let value) = self { return value }
    return nil
  }
}

/// Writes CBOR in deterministic form (RFC 8949 §4.2.1): every head as short as its argument
/// allows, definite lengths only, map keys sorted by the bytes of their encoding.
public struct CBORWriter {
  public private(set) var bytes: [UInt8]

  public init(capacity: Int = 256) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// The major type in the top 3 bits, the argument in the shortest of the five head forms.
  @inline(__always)
  public mutating func head(_ major: UInt8, _ argument: UInt64) {
    CBORWriter.appendHead(major, argument, to: &bytes)
  }

  @inline(__always)
  static func appendHead(_ major: UInt8, _ argument: UInt64, to out: inout [UInt8]) {
    let type = major << 5
    switch argument {
    case 0..<24: out.append(type | UInt8(argument))
    case 24...0xFF: out.append(contentsOf: [type | 24, UInt8(argument)])
    case 0x100...0xFFFF: out.append(contentsOf: [type | 25, UInt8(argument >> 8), UInt8(argument & 0xFF)])
    case 0x1_0000...0xFFFF_FFFF:
      out.append(type | 26)
      for shift in stride(from: 24, through: 0, by: -8) {
        out.append(UInt8((argument >> UInt64(shift)) & 0xFF))
      }
    default:
      out.append(type | 27)
      for shift in stride(from: 56, through: 0, by: -8) {
        out.append(UInt8((argument >> UInt64(shift)) & 0xFF))
      }
    }
  }

  /// Major type 0 for n ≥ 0, major type 1 with argument −1 − n for n < 0.
  public mutating func integer(_ value: Int64) {
    if value >= 0 { head(0, UInt64(value)) } else { head(1, UInt64(~value)) }
  }

  public mutating func text(_ value: String) {
    var value = value
    value.withUTF8 { (utf8: UnsafeBufferPointer<UInt8>) in
      head(3, UInt64(utf8.count))
      bytes.append(contentsOf: utf8)
    }
  }

  public mutating func byteString(_ value: some Collection<UInt8>) {
    head(2, UInt64(value.count))
    bytes.append(contentsOf: value)
  }

  public mutating func bool(_ value: Bool) { bytes.append(value ? 0xF5 : 0xF4) }

  public mutating func arrayHead(_ count: Int) { head(4, UInt64(count)) }

  public mutating func mapHead(_ count: Int) { head(5, UInt64(count)) }

  /// Bytes that are already one deterministic data item.
  public mutating func raw(_ item: some Collection<UInt8>) { bytes.append(contentsOf: item) }

  public mutating func write(_ value: CBORValue) {
    switch value {
    case .integer(let number): integer(number)
    case .bytes(let data): byteString(data)
    case .text(let string): text(string)
    case .bool(let flag): bool(flag)
    case .array(let items):
      arrayHead(items.count)
      for item in items { write(item) }
    case .map(let members):
      mapHead(members.count)
      let encoded = members.map { (key: $0.key.encoded, value: $0.value) }
        .sorted { $0.key.lexicographicallyPrecedes($1.key) }
      for member in encoded {
        bytes.append(contentsOf: member.key)
        write(member.value)
      }
    }
  }
}

extension CBORWriter {
  /// Whether text key `a` sorts before `b` in deterministic CBOR: the bytes of their encodings,
  /// which for text is shorter first, then by UTF-8 bytes (RFC 8949 §4.2.1, and the "length-first"
  /// order of RFC 7049 §3.9, which agree for keys of one major type).
  public static func textKeyPrecedes(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    a.count != b.count ? a.count < b.count : a.lexicographicallyPrecedes(b)
  }
}

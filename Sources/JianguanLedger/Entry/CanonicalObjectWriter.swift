import JianguanCrypto

/// Writes one canonical JSON object member by member, straight into bytes, without a value tree:
/// the envelope of a version 1 entry (`EntryV1`), as `upgrade` reads and checks them.
///
/// The caller writes the members in the canonical order (keys sorted by their UTF-8 bytes); a
/// debug build checks it, and `CanonicalObjectWriterTests` checks it against the general
/// `JSONValue` encoding on seeded random values, byte for byte.
public struct CanonicalObjectWriter {
  public private(set) var bytes: [UInt8]
  private var count = 0
  #if DEBUG
    private var lastKey: [UInt8] = []
  #endif

  public init(capacity: Int = 512) {
    bytes = []
    bytes.reserveCapacity(capacity)
    bytes.append(UInt8(ascii: "{"))
  }

  private mutating func key(_ key: StaticString) {
    let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
    #if DEBUG
      assert(count == 0 || lastKey.lexicographicallyPrecedes(keyBytes), "members out of canonical order")
      lastKey = Array(keyBytes)
    #endif
    if count > 0 { bytes.append(UInt8(ascii: ",")) }
    count += 1
    bytes.append(UInt8(ascii: "\""))
    bytes.append(contentsOf: keyBytes)
    bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
  }

  public mutating func member(_ name: StaticString, _ value: String) {
    key(name)
    JSONValue.writeString(value, to: &bytes)
  }

  /// A member left out when nil, as the general encoding leaves out absent optionals.
  public mutating func member(_ name: StaticString, _ value: String?) {
    if let value { member(name, value) }
  }

  public mutating func member(_ name: StaticString, _ value: Int64) {
    key(name)
    Self.writeInteger(value, to: &bytes)
  }

  public mutating func member(_ name: StaticString, _ value: Bool) {
    key(name)
    bytes.append(contentsOf: (value ? "true" : "false").utf8)
  }

  /// A member whose value is canonical bytes written elsewhere (a nested object or array).
  public mutating func member(_ name: StaticString, canonical value: [UInt8]) {
    key(name)
    bytes.append(contentsOf: value)
  }

  /// The object's bytes, closed.
  public consuming func finished() -> [UInt8] {
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  /// Shortest decimal form, as `String(value)` writes it, without building a `String`.
  static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
    if value == 0 {
      out.append(UInt8(ascii: "0"))
      return
    }
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of UInt64.max
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      let end = buffer.count
      while magnitude > 0 {
        buffer[end - 1 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      }
      out.append(contentsOf: buffer[(end - count)..<end])
    }
  }
}

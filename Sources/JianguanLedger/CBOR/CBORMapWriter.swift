/// Writes one deterministic CBOR map with text keys member by member, straight into bytes: the
/// fast path for the entry kinds a bank file writes by the million (payments, their e-contracts,
/// lessons, refunds), with no value tree in between.
///
/// The caller writes the members in deterministic order (shorter keys first, then by their UTF-8
/// bytes); a debug build checks it, and `CBORMapWriterTests` checks every fast path against the
/// general encoding on seeded random values, byte for byte.
public struct CBORMapWriter {
  private var out: CBORWriter
  private var count = 0
  #if DEBUG
    private var lastKey: [UInt8] = []
  #endif

  public init(capacity: Int = 256) {
    out = CBORWriter(capacity: capacity)
    out.raw(CollectionOfOne(0xA0))  // the head, patched with the member count by `finished`
  }

  private mutating func key(_ key: StaticString) {
    let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
    #if DEBUG
      assert(
        count == 0 || CBORWriter.textKeyPrecedes(lastKey, keyBytes), "members out of deterministic order")
      lastKey = Array(keyBytes)
    #endif
    count += 1
    out.head(3, UInt64(keyBytes.count))
    out.raw(keyBytes)
  }

  public mutating func member(_ name: StaticString, _ value: String) {
    key(name)
    out.text(value)
  }

  /// A member left out when nil, as the general encoding leaves out absent optionals.
  public mutating func member(_ name: StaticString, _ value: String?) {
    if let value { member(name, value) }
  }

  public mutating func member(_ name: StaticString, _ value: Int64) {
    key(name)
    out.integer(value)
  }

  public mutating func member(_ name: StaticString, _ value: Bool) {
    key(name)
    out.bool(value)
  }

  public mutating func member(_ name: StaticString, bytes value: [UInt8]) {
    key(name)
    out.byteString(value)
  }

  /// A member whose value is one deterministic data item written elsewhere.
  public mutating func member(_ name: StaticString, encoded value: [UInt8]) {
    key(name)
    out.raw(value)
  }

  /// `[{"account": …, "amountFen": …}, …]`.
  public mutating func member(_ name: StaticString, _ postings: [Posting]) {
    key(name)
    out.arrayHead(postings.count)
    for posting in postings {
      out.raw(CollectionOfOne(0xA2))
      out.raw(CBORMapWriter.accountKey)
      out.text(posting.account)
      out.raw(CBORMapWriter.amountFenKey)
      out.integer(posting.amountFen)
    }
  }

  static let accountKey: [UInt8] = [0x67] + Array("account".utf8)
  static let amountFenKey: [UInt8] = [0x69] + Array("amountFen".utf8)

  /// The map's bytes, its head giving the member count.
  public consuming func finished() -> [UInt8] {
    var bytes = out.bytes
    if count < 24 {
      bytes[0] = 0xA0 | UInt8(count)
    } else {
      var head: [UInt8] = []
      CBORWriter.appendHead(5, UInt64(count), to: &head)
      bytes.replaceSubrange(0..<1, with: head)
    }
    return bytes
  }
}

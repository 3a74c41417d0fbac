import JianguanCrypto

/// One entry of the append-only log (format version 2): its bytes are the deterministic CBOR map
/// `{"v": 2, "seq": N, "kind": …, "prev": h'<32 bytes>', "time": "…Z", "payload": {…}}` and its
/// hash is SHA-256 of exactly those bytes. The same bytes are the Merkle leaf. See
/// docs/LEDGER-FORMAT.md §2–3.
public struct Entry: Equatable, Sendable {
  public static let formatVersion: Int64 = 2
  /// The `prev` of entry 1: 32 zero bytes.
  public static let genesisPrevious = [UInt8](repeating: 0, count: 32)
  /// The largest entry accepted, as v1's parser capped it.
  public static let maximumBytes = CanonicalJSONParser.maximumBytes

  public let seq: Int64
  /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
  public let time: String
  public let kind: String
  public let payload: JSONValue
  public let previousHash: [UInt8]

  public init(seq: Int64, time: String, kind: String, payload: JSONValue, previousHash: [UInt8]) {
    self.seq = seq
    self.time = time
    self.kind = kind
    self.payload = payload
    self.previousHash = previousHash
  }

  /// The exact bytes that are hashed, stored and exported.
  public var bytes: [UInt8] {
    Entry.encode(
      seq: seq, time: time, kind: kind, payloadBytes: payload.cborBytes, previousHash: previousHash)
  }

  /// SHA-256 of `bytes`.
  public var hash: [UInt8] { SHA256.hash(bytes) }

  /// Why stored bytes are not a well-formed entry.
  public struct FormatError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
  }

  /// The bytes of an entry from its parts, the payload already encoded: what `Entry.bytes` gives,
  /// without building a value tree of the envelope. Keys in deterministic order.
  public static func encode(
    seq: Int64, time: String, kind: String, payloadBytes: [UInt8], previousHash: [UInt8]
  ) -> [UInt8] {
    var o = CBORMapWriter(capacity: payloadBytes.count + 96)
    o.member("v", formatVersion)
    o.member("seq", seq)
    o.member("kind", kind)
    o.member("prev", bytes: previousHash)
    o.member("time", time)
    o.member("payload", encoded: payloadBytes)
    return o.finished()
  }

  /// Parses stored entry bytes, insisting on deterministic CBOR and on every field.
  public static func parse(_ bytes: [UInt8]) throws -> Entry {
    guard bytes.count <= maximumBytes else {
      throw FormatError(reason: "an entry is at most \(maximumBytes) bytes")
    }
    if bytes.first == UInt8(ascii: "{") {
      throw FormatError(
        reason:
          "the entry is JSON (ledger format version 1); convert the database with `jianguan upgrade --from PATH --to NEW.sqlite`"
      )
    }
    let value: CBORValue
    do { value = try CBORDecoder.decode(bytes) } catch { throw FormatError(reason: "\(error)") }
    guard case .map(let members) = value else { throw FormatError(reason: "an entry must be a CBOR map") }
    guard
      Set(members.keys) == Set(["kind", "payload", "prev", "seq", "time", "v"].map { CBORValue.text($0) })
    else {
      throw FormatError(reason: "an entry has exactly the members kind, payload, prev, seq, time, v")
    }
    guard case .integer(formatVersion) = members[.text("v")] else {
      throw FormatError(reason: "unknown format version (v must be \(formatVersion))")
    }
    guard case .integer(let seq) = members[.text("seq")], seq >= 1 else {
      throw FormatError(reason: "seq must be an integer ≥ 1")
    }
    guard case .text(let time) = members[.text("time")], time.utf8.count == 20, time.hasSuffix("Z") else {
      throw FormatError(reason: "time must be YYYY-MM-DDTHH:MM:SSZ")
    }
    guard case .text(let kind) = members[.text("kind")], !kind.isEmpty else {
      throw FormatError(reason: "kind must be a non-empty text string")
    }
    guard let payloadValue = members[.text("payload")], case .map = payloadValue,
      let payload = JSONValue(cbor: payloadValue)
    else {
      throw FormatError(
        reason: "payload must be a map with text keys of integers, text, booleans, arrays and maps")
    }
    guard case .bytes(let prev) = members[.text("prev")], prev.count == 32 else {
      throw FormatError(reason: "prev must be a byte string of 32 bytes")
    }
    return Entry(seq: seq, time: time, kind: kind, payload: payload, previousHash: prev)
  }

  /// The JSON view of the entry, for people: `{"kind", "payload", "prev" (hex), "seq", "time", "v"}`.
  public var json: JSONValue {
    .object([
      "kind": .string(kind), "payload": payload, "prev": .string(Hex.encode(previousHash)),
      "seq": .integer(seq), "time": .string(time), "v": .integer(Entry.formatVersion),
    ])
  }
}

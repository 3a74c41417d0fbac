import JianguanCrypto

/// One entry of the append-only log: its bytes are the canonical JSON object
/// `{"kind":…,"payload":{…},"prev":"<hex>","seq":N,"time":"…Z","v":1}` and its hash is SHA-256 of
/// exactly those bytes. The same bytes are the Merkle leaf. See docs/LEDGER-FORMAT.md.
public struct Entry: Equatable, Sendable {
  public static let formatVersion: Int64 = 1
  /// The `prev` of entry 1: 32 zero bytes.
  public static let genesisPrevious = [UInt8](repeating: 0, count: 32)

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
      seq: seq, time: time, kind: kind, payloadBytes: payload.canonicalBytes, previousHash: previousHash)
  }

  /// SHA-256 of `bytes`.
  public var hash: [UInt8] { SHA256.hash(bytes) }

  /// Why stored bytes are not a well-formed entry.
  public struct FormatError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
  }

  /// Parses stored entry bytes, insisting on canonical form and on every field.
  public static func parse(_ bytes: [UInt8]) throws -> Entry {
    let value: JSONValue
    do { value = try CanonicalJSONParser.parse(bytes) } catch { throw FormatError(reason: "\(error)") }
    guard let members = value.objectValue else { throw FormatError(reason: "an entry must be a JSON object") }
    guard Set(members.keys) == ["kind", "payload", "prev", "seq", "time", "v"] else {
      throw FormatError(reason: "an entry has exactly the fields kind, payload, prev, seq, time, v")
    }
    guard members["v"]?.integerValue == formatVersion else {
      throw FormatError(reason: "unknown format version")
    }
    guard let seq = members["seq"]?.integerValue, seq >= 1 else {
      throw FormatError(reason: "seq must be ≥ 1")
    }
    guard let time = members["time"]?.stringValue, time.utf8.count == 20, time.hasSuffix("Z") else {
      throw FormatError(reason: "time must be YYYY-MM-DDTHH:MM:SSZ")
    }
    guard let kind = members["kind"]?.stringValue, !kind.isEmpty else {
      throw FormatError(reason: "kind is empty")
    }
    guard let payload = members["payload"], payload.objectValue != nil else {
      throw FormatError(reason: "payload must be an object")
    }
    guard let prevText = members["prev"]?.stringValue, let prev = Hex.decode(prevText), prev.count == 32,
      Hex.encode(prev) == prevText
    else { throw FormatError(reason: "prev must be 64 lower-case hex digits") }
    return Entry(seq: seq, time: time, kind: kind, payload: payload, previousHash: prev)
  }
}

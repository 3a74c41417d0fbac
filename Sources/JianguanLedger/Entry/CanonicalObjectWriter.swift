import JianguanCrypto

/// Writes one canonical JSON object member by member, straight into bytes: the fast path for the
/// entry kinds a bank file writes by the million (payments, their e-contracts, lessons, refunds).
///
/// The caller writes the members in the canonical order (keys sorted by their UTF-8 bytes); a
/// debug build checks it, and `CanonicalWriterTests` checks every fast path against the general
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

  /// `[{"account":…,"amountFen":…},…]`.
  public mutating func member(_ name: StaticString, _ postings: [Posting]) {
    key(name)
    bytes.append(UInt8(ascii: "["))
    for (offset, posting) in postings.enumerated() {
      if offset > 0 { bytes.append(UInt8(ascii: ",")) }
      var item = CanonicalObjectWriter(capacity: 64)
      item.member("account", posting.account)
      item.member("amountFen", posting.amountFen)
      bytes.append(contentsOf: item.finished())
    }
    bytes.append(UInt8(ascii: "]"))
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

/// A payload type with a hand-written canonical encoding, identical to its `Codable` one.
public protocol CanonicalPayload {
  func canonicalBytes() -> [UInt8]
}

extension Payment: CanonicalPayload {
  public func canonicalBytes() -> [UInt8] {
    var o = CanonicalObjectWriter(capacity: 320)
    o.member("amountFen", amountFen)
    o.member("bankRef", bankRef)
    o.member("class", classID)
    o.member("enrollment", enrollment)
    o.member("hours", hours)
    o.member("institution", institution)
    o.member("paidAt", paidAt)
    o.member("parent", parent)
    o.member("postings", postings)
    o.member("student", student)
    return o.finished()
  }
}

extension ContractIssued: CanonicalPayload {
  public func canonicalBytes() -> [UInt8] {
    var o = CanonicalObjectWriter(capacity: 768)
    o.member("amountFen", amountFen)
    o.member("class", classID)
    o.member("confirmationWindowWorkingDays", confirmationWindowWorkingDays)
    o.member("course", course)
    o.member("courseName", courseName)
    o.member("delivery", delivery)
    o.member("ends", ends)
    o.member("enrollment", enrollment)
    o.member("escrowAccount", escrowAccount)
    o.member("escrowBank", escrowBank)
    o.member("hours", hours)
    o.member("institution", institution)
    o.member("institutionName", institutionName)
    o.member("lessonMinutes", lessonMinutes)
    o.member("licence", licence)
    o.member("mode", mode)
    o.member("parent", parent)
    o.member("paymentBankRef", paymentBankRef)
    o.member("pricePerHourFen", pricePerHourFen)
    o.member("refundAnswerWorkingDays", refundAnswerWorkingDays)
    o.member("signedAt", signedAt)
    o.member("starts", starts)
    o.member("student", student)
    o.member("template", template)
    return o.finished()
  }
}

extension LessonRecorded: CanonicalPayload {
  public func canonicalBytes() -> [UInt8] {
    var o = CanonicalObjectWriter(capacity: 96)
    o.member("enrollment", enrollment)
    o.member("hours", hours)
    o.member("lesson", lesson)
    o.member("taughtAt", taughtAt)
    return o.finished()
  }
}

extension LessonReleased: CanonicalPayload {
  public func canonicalBytes() -> [UInt8] {
    var o = CanonicalObjectWriter(capacity: 224)
    o.member("amountFen", amountFen)
    o.member("basis", basis.rawValue)
    o.member("enrollment", enrollment)
    o.member("lesson", lesson)
    o.member("postings", postings)
    return o.finished()
  }
}

extension Refund: CanonicalPayload {
  public func canonicalBytes() -> [UInt8] {
    var o = CanonicalObjectWriter(capacity: 288)
    o.member("allRemaining", allRemaining)
    o.member("amountFen", amountFen)
    o.member("bankRef", bankRef)
    o.member("enrollment", enrollment)
    o.member("hours", hours)
    o.member("postings", postings)
    o.member("reason", reason)
    o.member("refund", refund)
    o.member("request", request)
    return o.finished()
  }
}

extension Event {
  /// The payload's canonical bytes: the hand-written encoding for the kinds written most often,
  /// the general one for the others. Both give the same bytes.
  public var payloadBytes: [UInt8] {
    switch self {
    case .payment(let body): body.canonicalBytes()
    case .lessonRecorded(let body): body.canonicalBytes()
    case .lessonReleased(let body): body.canonicalBytes()
    case .refund(let body): body.canonicalBytes()
    case .parentFlow(.contractIssued(let body)): body.canonicalBytes()
    default: payload.canonicalBytes
    }
  }
}

extension Entry {
  /// The bytes of an entry from its parts, the payload already canonical: what `Entry.bytes`
  /// gives, without building a `JSONValue` of the envelope.
  public static func encode(
    seq: Int64, time: String, kind: String, payloadBytes: [UInt8], previousHash: [UInt8]
  ) -> [UInt8] {
    var o = CanonicalObjectWriter(capacity: payloadBytes.count + 160)
    o.member("kind", kind)
    o.member("payload", canonical: payloadBytes)
    o.member("prev", Hex.encode(previousHash))
    o.member("seq", seq)
    o.member("time", time)
    o.member("v", Entry.formatVersion)
    return o.finished()
  }
}

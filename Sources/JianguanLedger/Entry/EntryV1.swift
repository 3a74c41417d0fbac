import JianguanCrypto

/// Ledger format version 1, kept only to read and audit a v1 database and convert it
/// (`jianguan upgrade`): its entry bytes were the canonical JSON object
/// `{"kind":…,"payload":{…},"prev":"<hex>","seq":N,"time":"…Z","v":1}`.
public enum EntryV1 {
  public static let formatVersion: Int64 = 1

  /// The v1 bytes of an entry's parts (what v1's writer stored).
  public static func encode(
    seq: Int64, time: String, kind: String, payload: JSONValue, previousHash: [UInt8]
  ) -> [UInt8] {
    var o = CanonicalObjectWriter(capacity: 512)
    o.member("kind", kind)
    o.member("payload", canonical: payload.canonicalBytes)
    o.member("prev", Hex.encode(previousHash))
    o.member("seq", seq)
    o.member("time", time)
    o.member("v", formatVersion)
    return o.finished()
  }

  /// Parses v1 entry bytes, insisting on canonical form and on every field.
  public static func parse(_ bytes: [UInt8]) throws -> Entry {
    let value: JSONValue
    do { value = try CanonicalJSONParser.parse(bytes) } catch { throw Entry.FormatError(reason: "\(error)") }
    guard let members = value.objectValue else {
      throw Entry.FormatError(reason: "an entry must be a JSON object")
    }
    guard Set(members.keys) == ["kind", "payload", "prev", "seq", "time", "v"] else {
      throw Entry.FormatError(reason: "an entry has exactly the fields kind, payload, prev, seq, time, v")
    }
    guard members["v"]?.integerValue == formatVersion else {
      throw Entry.FormatError(reason: "unknown format version")
    }
    guard let seq = members["seq"]?.integerValue, seq >= 1 else {
      throw Entry.FormatError(reason: "seq must be ≥ 1")
    }
    guard let time = members["time"]?.stringValue, time.utf8.count == 20, time.hasSuffix("Z") else {
      throw Entry.FormatError(reason: "time must be YYYY-MM-DDTHH:MM:SSZ")
    }
    guard let kind = members["kind"]?.stringValue, !kind.isEmpty else {
      throw Entry.FormatError(reason: "kind is empty")
    }
    guard let payload = members["payload"], payload.objectValue != nil else {
      throw Entry.FormatError(reason: "payload must be an object")
    }
    guard let prevText = members["prev"]?.stringValue, let prev = Hex.decode(prevText), prev.count == 32,
      Hex.encode(prev) == prevText
    else { throw Entry.FormatError(reason: "prev must be 64 lower-case hex digits") }
    return Entry(seq: seq, time: time, kind: kind, payload: payload, previousHash: prev)
  }
}

extension EntryV1 {
  /// The event of a version 1 entry. A v1 `contract.issued` stated every term of the contract
  /// again; it reads as the version 2 entry, and the terms it stated come back beside it, for the
  /// replay to check against the payment and the registry (`LedgerState.checkStatedTerms`).
  public static func event(kind: String, payload: JSONValue) throws -> (Event, stated: ContractTerms?) {
    guard kind == "contract.issued" else { return (try Event(kind: kind, payload: payload), nil) }
    let terms = try JSONValueCoder.decode(ContractTerms.self, from: payload)
    let contract = ContractIssued(
      enrollment: terms.enrollment, template: terms.template,
      confirmationWindowWorkingDays: terms.confirmationWindowWorkingDays,
      refundAnswerWorkingDays: terms.refundAnswerWorkingDays)
    return (.parentFlow(.contractIssued(contract)), terms)
  }
}

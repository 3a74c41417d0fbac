/// A payload type with a hand-written CBOR encoding, identical to its `Codable` one.
public protocol CBORPayload {
  func cborBytes() -> [UInt8]
}

// Members in deterministic order: shorter keys first, then by their bytes.

extension Payment: CBORPayload {
  public func cborBytes() -> [UInt8] {
    var o = CBORMapWriter(capacity: 224)
    o.member("class", classID)
    o.member("hours", hours)
    o.member("paidAt", paidAt)
    o.member("parent", parent)
    o.member("bankRef", bankRef)
    o.member("student", student)
    o.member("postings", postings)
    o.member("amountFen", amountFen)
    o.member("enrollment", enrollment)
    o.member("institution", institution)
    return o.finished()
  }
}

extension ContractIssued: CBORPayload {
  public func cborBytes() -> [UInt8] {
    var o = CBORMapWriter(capacity: 112)
    o.member("template", template)
    o.member("enrollment", enrollment)
    o.member("refundAnswerWorkingDays", refundAnswerWorkingDays)
    o.member("confirmationWindowWorkingDays", confirmationWindowWorkingDays)
    return o.finished()
  }
}

extension LessonRecorded: CBORPayload {
  public func cborBytes() -> [UInt8] {
    var o = CBORMapWriter(capacity: 64)
    o.member("hours", hours)
    o.member("lesson", lesson)
    o.member("taughtAt", taughtAt)
    o.member("enrollment", enrollment)
    return o.finished()
  }
}

extension LessonReleased: CBORPayload {
  public func cborBytes() -> [UInt8] {
    var o = CBORMapWriter(capacity: 160)
    o.member("basis", basis.rawValue)
    o.member("lesson", lesson)
    o.member("postings", postings)
    o.member("amountFen", amountFen)
    o.member("enrollment", enrollment)
    return o.finished()
  }
}

extension Refund: CBORPayload {
  public func cborBytes() -> [UInt8] {
    var o = CBORMapWriter(capacity: 200)
    o.member("hours", hours)
    o.member("reason", reason)
    o.member("refund", refund)
    o.member("bankRef", bankRef)
    o.member("request", request)
    o.member("postings", postings)
    o.member("amountFen", amountFen)
    o.member("enrollment", enrollment)
    o.member("allRemaining", allRemaining)
    return o.finished()
  }
}

extension Event {
  /// The payload's CBOR bytes: the hand-written encoding for the kinds written most often, the
  /// general one for the others. Both give the same bytes.
  public var payloadBytes: [UInt8] {
    switch self {
    case .payment(let body): body.cborBytes()
    case .lessonRecorded(let body): body.cborBytes()
    case .lessonReleased(let body): body.cborBytes()
    case .refund(let body): body.cborBytes()
    case .parentFlow(.contractIssued(let body)): body.cborBytes()
    default: payload.cborBytes
    }
  }
}

import JianguanLedger

extension RefundRequestOutcome {
  /// The outcome as `--format json` and the service show it.
  public var json: JSONValue {
    var object: [String: JSONValue] = [
      "id": .string(answer.id), "seq": .integer(answer.seq),
      "paymentBankRef": .string(paymentBankRef), "refundedFen": .integer(refundedFen),
    ]
    if let refund {
      object["refund"] = .string(refund.id)
      object["refundSeq"] = .integer(refund.seq)
    }
    return .object(object)
  }
}

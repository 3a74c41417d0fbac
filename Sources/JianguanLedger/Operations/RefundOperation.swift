import JianguanCore

/// Money not consumed goes back to the parent who paid it, by the bank: a refund of some hours (or
/// of all that remain) at the enrollment's price, idempotent by the bank's reference.
public enum RefundOperation {
  /// Refunds `hours` (nil: every hour remaining) of `enrollment`; `request` names the refund
  /// application it executes, if any.
  public static func run(
    enrollment: String, hours: Int64?, reason: String, bankRef: String, request: String? = nil,
    in store: some LedgerTransaction
  ) throws -> Appended {
    try execute(
      enrollment: enrollment, hours: hours, reason: reason, bankRef: bankRef, request: request, in: store
    ).appended
  }

  /// The same, with the amount refunded (0 when the request repeated an earlier refund).
  public static func execute(
    enrollment: String, hours: Int64?, reason: String, bankRef: String, request: String? = nil,
    in store: some LedgerTransaction
  ) throws -> (appended: Appended, amountFen: Int64) {
    let content = RefundContent(enrollment: enrollment, hours: hours.map(String.init) ?? "all").text
    if let earlier = try BankRefRules.repeated(
      bankRef, kind: "refund", content: content, earlier: store.earlierUse(ofBankRef: bankRef))
    {
      return (Appended(id: earlier.id, seq: earlier.seq, repeated: true), 0)
    }
    guard var balance = try store.balance(ofEnrollment: enrollment),
      let parent = try store.parent(ofEnrollment: enrollment)
    else {
      throw Rejection.enrollmentUnknown(enrollment)
    }
    let refundHours = hours ?? balance.hoursRemaining
    guard refundHours > 0 else {
      throw Rejection(
        "nothing_to_refund",
        "enrollment \(enrollment) has no unconsumed hours to refund"
          + (balance.hoursPending > 0 ? " (\(balance.hoursPending) hours are pending confirmation)" : ""))
    }
    let amount = try balance.refund(hours: refundHours)
    let id = try store.nextID(.refund)
    let event = Refund(
      refund: id, enrollment: enrollment, bankRef: bankRef, hours: refundHours, amountFen: amount,
      reason: reason,
      allRemaining: hours == nil,
      postings: Posting.transfer(amount, from: Posting.escrow(enrollment), to: Posting.parent(parent)),
      request: request)
    return (Appended(id: id, seq: try store.append(.refund(event))), amount)
  }
}

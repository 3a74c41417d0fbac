/// A refund application as the rules see it: what was asked, and where it stands.
public struct RefundApplication: Sendable, Equatable {
  public let id: String
  public let enrollment: String
  public let hours: Int64
  /// The parent's reason, which the refund executing it quotes.
  public let reason: String
  /// The day it was made, `YYYY-MM-DD`.
  public let requestedOn: String
  public let answerDue: String
  /// The payment's bank reference: the route the money goes back by.
  public let paymentBankRef: String
  /// open, agreed, refused, escalated
  public let status: String
  /// Who agreed or refused it last (`RefundRequestBasis`), nil while open.
  public let basis: String?
  public let answeredOn: String?
  /// The refund that executed it, once agreed.
  public let refund: String?
  /// The seq of the last entry that changed it.
  public let seq: Int64

  public init(
    id: String, enrollment: String, hours: Int64, reason: String, requestedOn: String, answerDue: String,
    paymentBankRef: String, status: String, basis: String?, answeredOn: String?, refund: String?, seq: Int64
  ) {
    self.id = id
    self.enrollment = enrollment
    self.hours = hours
    self.reason = reason
    self.requestedOn = requestedOn
    self.answerDue = answerDue
    self.paymentBankRef = paymentBankRef
    self.status = status
    self.basis = basis
    self.answeredOn = answeredOn
    self.refund = refund
    self.seq = seq
  }
}

/// An application just made: its entry, and the hours reserved and the day the answer is due.
public struct OpenedApplication: Sendable, Equatable {
  public let appended: Appended
  public let hours: Int64
  public let answerDue: String
}

/// What answering (deciding, settling, closing) an application appended: the answer and, when it
/// was agreed, the refund that executed it from escrow to the parent.
public struct AnsweredApplication: Sendable, Equatable {
  public let answer: Appended
  public let refund: Appended?
  public let refundedFen: Int64
  /// The original payment's bank reference: the route the money goes back by.
  public let paymentBankRef: String

  public init(answer: Appended, refund: Appended?, refundedFen: Int64, paymentBankRef: String) {
    self.answer = answer
    self.refund = refund
    self.refundedFen = refundedFen
    self.paymentBankRef = paymentBankRef
  }
}

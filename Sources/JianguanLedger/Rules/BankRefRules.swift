import JianguanCore

/// An earlier use of a bank reference: the entry that used it, what for, and what it produced.
public struct BankRefUse: Sendable {
  public let seq: Int64
  public let kind: String
  public let content: String
  public let resultID: String

  public init(seq: Int64, kind: String, content: String, resultID: String) {
    self.seq = seq
    self.kind = kind
    self.content = content
    self.resultID = resultID
  }
}

extension BankRefUse {
  /// The use the entry at `seq` made of its bank reference: its kind, business content and
  /// result, read from the entry itself (nil for an event that uses none).
  public init?(seq: Int64, event: Event) {
    switch event {
    case .payment(let payment):
      self.init(
        seq: seq, kind: "payment", content: PaymentContent(payment).text, resultID: payment.enrollment)
    case .refund(let refund):
      self.init(seq: seq, kind: "refund", content: RefundContent(refund).text, resultID: refund.refund)
    default: return nil
    }
  }
}

/// A bank reference names one transaction: used again with the same content it is a retry (the
/// first answer again), with other content a refusal.
public enum BankRefRules {
  public static func repeated(_ bankRef: String, kind: String, content: String, earlier: BankRefUse?) throws
    -> (id: String, seq: Int64)?
  {
    guard let earlier else { return nil }
    guard earlier.kind == kind, earlier.content == content else {
      throw Rejection(
        "bank_ref_reused_with_different_content",
        "bank-ref \(Rejection.quote(bankRef)) was already used at seq \(earlier.seq) for a different request (\(earlier.content)); a bank reference names one transaction"
      )
    }
    return (earlier.resultID, earlier.seq)
  }
}

/// The business content of a payment that an idempotent repeat must match (not times or reasons).
public struct PaymentContent: Equatable, Sendable {
  public let student: String
  public let classID: String
  public let hours: Int64
  public let amountFen: Int64
  public init(student: String, classID: String, hours: Int64, amountFen: Int64) {
    self.student = student
    self.classID = classID
    self.hours = hours
    self.amountFen = amountFen
  }
  public init(_ payment: Payment) {
    self.init(
      student: payment.student, classID: payment.classID, hours: payment.hours, amountFen: payment.amountFen)
  }
  public var text: String {
    "payment student=\(student) class=\(classID) hours=\(hours) amountFen=\(amountFen)"
  }
}

/// The business content of a refund: enrollment and hours as requested (a number, or `all`).
public struct RefundContent: Equatable, Sendable {
  public let enrollment: String
  public let hours: String
  public init(enrollment: String, hours: String) {
    self.enrollment = enrollment
    self.hours = hours
  }
  public init(_ refund: Refund) {
    self.init(enrollment: refund.enrollment, hours: refund.allRemaining ? "all" : String(refund.hours))
  }
  public var text: String { "refund enrollment=\(enrollment) hours=\(hours)" }
}

import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// A refund application as the tools show it.
public struct RefundRequestView: Codable, Sendable, Equatable {
  public let id: String
  public let enrollment: String
  public let hours: Int64
  public let allRemaining: Bool
  public let reason: String
  public let requestedAt: String
  public let answerDue: String
  public let paymentBankRef: String
  /// open, agreed, refused, escalated
  public let status: String
  public let basis: String?
  public let answerReason: String?
  public let answeredOn: String?
  public let escalationReason: String?
  /// The institution's refusal, kept when the regulator then decides (`answerReason` is the last answer).
  public let refusedReason: String?
  public let refusedOn: String?
  public let refund: String?
  public let seq: Int64
}

/// What answering (or deciding, or settling) an application wrote: the answer entry and, when it
/// was agreed, the refund that executed it from escrow to the parent.
public struct RefundRequestOutcome: Sendable, Equatable {
  public let answer: Recorded
  public let refund: Recorded?
  public let refundedFen: Int64
  /// The original payment's bank reference: the route the money goes back by.
  public let paymentBankRef: String
}

/// What `settle` did: lessons deemed confirmed, and applications deemed agreed and executed.
public struct Settlement: Sendable {
  public let released: [Recorded]
  public let refundRequestsDeemedAgreed: [RefundRequestOutcome]
}

extension RefundRequestOutcome {
  /// The outcome the store's callers see, from what the operation appended.
  public init(_ answered: AnsweredApplication) {
    self.init(
      answer: Recorded(answered.answer), refund: answered.refund.map(Recorded.init),
      refundedFen: answered.refundedFen, paymentBankRef: answered.paymentBankRef)
  }
}

extension Settlement {
  /// What `settle` did, from what the operation appended.
  public init(_ settled: Settled) {
    self.init(
      released: settled.released.map(Recorded.init),
      refundRequestsDeemedAgreed: settled.refundRequestsDeemedAgreed.map(RefundRequestOutcome.init))
  }
}

extension AppDatabase {
  /// Bank references of refunds the system executes itself start with this; users may not use it.
  static let systemBankRefPrefix = RefundRequestOperation.systemBankRefPrefix

  /// A parent applies for a refund of `hours` (nil = all remaining) of an enrollment. The hours are
  /// reserved at once, so that no lesson or other refund takes them while the institution decides.
  public func createRefundRequest(enrollment: String, hours: String?, reason: String, now: LocalDateTime)
    throws -> Recorded
  {
    try write { db in
      Recorded(
        try Self.createRefundRequest(
          enrollment: enrollment, hours: hours, reason: reason, now: now,
          in: SQLTransaction(database: self, db: db)
        ).appended)
    }
  }

  /// The same on any store: the fields read, then `RefundRequestOperation`.
  public static func createRefundRequest(
    enrollment: String, hours: String?, reason: String, now: LocalDateTime,
    in transaction: some LedgerTransaction
  ) throws -> OpenedApplication {
    let enrollmentID = try validateID(enrollment, field: "enrollment", prefix: "E")
    let hourCount = try hours.map { try Money.parseCount($0, field: "hours", range: 1...1000) }
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    return try RefundRequestOperation.apply(
      enrollment: enrollmentID, hours: hourCount, reason: reasonText, now: now, in: transaction)
  }

  /// A request id and reason as typed, each checked (`answer`, `escalate`, `decide`).
  static func refundRequestAct(_ request: String, reason: String) throws -> (id: String, reason: String) {
    (
      try validateID(request, field: "refund request", prefix: "RA"),
      try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    )
  }

  /// The institution answers an open application by its due day; an agreement executes the refund
  /// in the same transaction.
  public func answerRefundRequest(_ request: String, agree: Bool, reason: String, today: CalendarDate)
    throws -> RefundRequestOutcome
  {
    try write { db in
      try Self.answerRefundRequest(
        request, agree: agree, reason: reason, today: today, in: SQLTransaction(database: self, db: db))
    }
  }

  /// The same on any store.
  public static func answerRefundRequest(
    _ request: String, agree: Bool, reason: String, today: CalendarDate,
    in transaction: some LedgerTransaction
  ) throws -> RefundRequestOutcome {
    let act = try refundRequestAct(request, reason: reason)
    return RefundRequestOutcome(
      try RefundRequestOperation.answer(
        act.id, agree: agree, reason: act.reason, today: today, in: transaction))
  }

  /// The parent takes an application the institution refused to the regulator, as a complaint.
  /// Its hours are reserved again, so they must still be unconsumed.
  public func escalateRefundRequest(_ request: String, reason: String, today: CalendarDate) throws -> Recorded
  {
    try write { db in
      Recorded(
        try Self.escalateRefundRequest(
          request, reason: reason, today: today, in: SQLTransaction(database: self, db: db)))
    }
  }

  /// The same on any store.
  public static func escalateRefundRequest(
    _ request: String, reason: String, today: CalendarDate, in transaction: some LedgerTransaction
  ) throws -> Appended {
    let act = try refundRequestAct(request, reason: reason)
    return try RefundRequestOperation.escalate(act.id, reason: act.reason, today: today, in: transaction)
  }

  /// The regulator decides an escalated application; agreeing executes the refund.
  public func decideRefundRequest(_ request: String, agree: Bool, reason: String, today: CalendarDate)
    throws -> RefundRequestOutcome
  {
    try write { db in
      try Self.decideRefundRequest(
        request, agree: agree, reason: reason, today: today, in: SQLTransaction(database: self, db: db))
    }
  }

  /// The same on any store.
  public static func decideRefundRequest(
    _ request: String, agree: Bool, reason: String, today: CalendarDate,
    in transaction: some LedgerTransaction
  ) throws -> RefundRequestOutcome {
    let act = try refundRequestAct(request, reason: reason)
    return RefundRequestOutcome(
      try RefundRequestOperation.decide(
        act.id, agree: agree, reason: act.reason, today: today, in: transaction))
  }

  /// One application.
  public func refundRequest(_ request: String) throws -> RefundRequestView {
    let id = try Self.validateID(request, field: "refund request", prefix: "RA")
    return try read { db in try requireRefundRequest(id, db: db) }
  }

  func requireRefundRequest(_ id: String, db: Database) throws -> RefundRequestView {
    guard
      let row = try Row.fetchOne(
        try db.cachedStatement(sql: "SELECT * FROM refund_requests WHERE id = ?"), arguments: [id])
    else {
      throw Rejection("refund_request_unknown", "refund request \(Rejection.quote(id)) does not exist")
    }
    return Self.refundRequestView(row)
  }

  static func refundRequestView(_ row: Row) -> RefundRequestView {
    RefundRequestView(
      id: row["id"], enrollment: row["enrollment"], hours: row["hours"], allRemaining: row["all_remaining"],
      reason: row["reason"], requestedAt: row["requested_at"], answerDue: row["answer_due"],
      paymentBankRef: row["payment_bank_ref"], status: row["status"], basis: row["basis"],
      answerReason: row["answer_reason"], answeredOn: row["answered_on"],
      escalationReason: row["escalation_reason"], refusedReason: row["refused_reason"],
      refusedOn: row["refused_on"], refund: row["refund"], seq: row["seq"])
  }
}

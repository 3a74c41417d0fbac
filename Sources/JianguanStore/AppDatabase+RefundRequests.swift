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

extension AppDatabase {
  /// Bank references of refunds the system executes itself start with this; users may not use it.
  static let systemBankRefPrefix = "jianguan:"

  /// A parent applies for a refund of `hours` (nil = all remaining) of an enrollment. The hours are
  /// reserved at once, so that no lesson or other refund takes them while the institution decides.
  public func createRefundRequest(enrollment: String, hours: String?, reason: String, now: LocalDateTime)
    throws -> Recorded
  {
    let enrollmentID = try Self.validateID(enrollment, field: "enrollment", prefix: "E")
    let hourCount = try hours.map { try Money.parseCount($0, field: "hours", range: 1...1000) }
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    return try write { db in
      let row = try requireEnrollment(enrollmentID, db: db)
      var balance = Self.balance(of: row)
      let count = hourCount ?? balance.hoursRemaining
      guard count > 0 else {
        throw Rejection(
          "nothing_to_refund",
          "enrollment \(enrollmentID) has no unconsumed hours to apply for"
            + (balance.hoursPending > 0 ? " (\(balance.hoursPending) hours are pending confirmation)" : "")
            + (balance.hoursReserved > 0
              ? " (\(balance.hoursReserved) hours are held by an open application)" : ""))
      }
      try balance.reserve(hours: count)
      let institution = try requireInstitution(row["institution"], db: db)
      let days = try ledgerPolicy(for: institution.region, db: db).refundAnswerWorkingDays
      let due = try ledgerCalendar(db).workingDay(days, after: now.date, field: "the day of the request")
      let id = try LedgerWriter.nextID("RA", table: "refund_requests", db: db)
      let event = RefundRequestCreated(
        request: id, enrollment: enrollmentID, hours: count, allRemaining: hourCount == nil,
        reason: reasonText, requestedAt: now.description, answerDue: due.description,
        paymentBankRef: row["bank_ref"])
      return Recorded(
        id: id, seq: try appendToLog(.parentFlow(.refundRequestCreated(event)), db: db))
    }
  }

  /// The institution answers an open application by its due day; an agreement executes the refund
  /// in the same transaction.
  public func answerRefundRequest(_ request: String, agree: Bool, reason: String, today: CalendarDate)
    throws -> RefundRequestOutcome
  {
    let id = try Self.validateID(request, field: "refund request", prefix: "RA")
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    return try write { db in
      let row = try requireRefundRequest(id, db: db)
      guard row.status == "open" else { throw refundRequestStatusRefusal(row, act: "answered") }
      let due = try CalendarDate.parse(row.answerDue, field: "answer_due")
      guard today <= due else {
        let requested = try CalendarDate.parse(String(row.requestedAt.prefix(10)), field: "requested_at")
        let days = try ledgerCalendar(db).workingDays(after: requested, through: due)
        throw Rejection(
          "refund_request_answer_too_late",
          "refund request \(id) had to be answered by \(due) (\(days) working days after the request on \(requested)); today is \(today), so it is deemed agreed and `jianguan settle` executes it"
        )
      }
      return try conclude(row, agree: agree, basis: .institution, reason: reasonText, on: today, db: db)
    }
  }

  /// The parent takes an application the institution refused to the regulator, as a complaint.
  /// Its hours are reserved again, so they must still be unconsumed.
  public func escalateRefundRequest(_ request: String, reason: String, today: CalendarDate) throws -> Recorded
  {
    let id = try Self.validateID(request, field: "refund request", prefix: "RA")
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    return try write { db in
      let row = try requireRefundRequest(id, db: db)
      guard row.status == "refused", row.basis == RefundRequestBasis.institution.rawValue else {
        throw refundRequestStatusRefusal(row, act: "escalated")
      }
      var balance = Self.balance(of: try requireEnrollment(row.enrollment, db: db))
      guard row.hours <= balance.hoursRemaining else {
        throw Rejection(
          "refund_request_hours_no_longer_available",
          "refund request \(id) cannot be escalated: its \(row.hours) hours are no longer all unconsumed (\(balance.hoursRemaining) remain); apply again for what remains"
        )
      }
      try balance.reserve(hours: row.hours)
      let event = RefundRequestEscalated(request: id, reason: reasonText, on: today.description)
      return Recorded(
        id: id, seq: try appendToLog(.parentFlow(.refundRequestEscalated(event)), db: db))
    }
  }

  /// The regulator decides an escalated application; agreeing executes the refund.
  public func decideRefundRequest(_ request: String, agree: Bool, reason: String, today: CalendarDate)
    throws -> RefundRequestOutcome
  {
    let id = try Self.validateID(request, field: "refund request", prefix: "RA")
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    return try write { db in
      let row = try requireRefundRequest(id, db: db)
      guard row.status == "escalated" else { throw refundRequestStatusRefusal(row, act: "decided") }
      return try conclude(row, agree: agree, basis: .regulator, reason: reasonText, on: today, db: db)
    }
  }

  /// Open applications whose due day is before `asOf`: deemed agreed and executed (inside `settle`).
  func executeOverdueRefundRequests(asOf: CalendarDate, db: Database) throws -> [RefundRequestOutcome] {
    let overdue = try Row.fetchAll(
      try db.cachedStatement(
        sql: "SELECT * FROM refund_requests WHERE status = 'open' AND answer_due < ? ORDER BY answer_due, seq"
      ),
      arguments: [asOf.description]
    ).map(Self.refundRequestView)
    return try overdue.map { row in
      try conclude(
        row, agree: true, basis: .deemed,
        reason: "not answered by \(row.answerDue): deemed agreed", on: asOf, db: db)
    }
  }

  /// Closing an institution executes its open and escalated applications before refunding the rest.
  func executeRefundRequestsOnClosure(uscc: String, reason: String, db: Database) throws -> [Recorded] {
    let pending = try Row.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT r.* FROM refund_requests r JOIN enrollments e ON e.id = r.enrollment
          WHERE e.institution = ? AND r.status IN ('open', 'escalated') ORDER BY r.seq
          """), arguments: [uscc]
    ).map(Self.refundRequestView)
    var recorded: [Recorded] = []
    // The day of the closure, by the clock (closing takes no date).
    let today = clock().date
    for row in pending {
      let outcome = try conclude(
        row, agree: true, basis: .closure, reason: "institution closed: \(reason)", on: today, db: db)
      recorded.append(outcome.answer)
      if let refund = outcome.refund { recorded.append(refund) }
    }
    return recorded
  }

  /// Appends the agreement or refusal; an agreement is followed at once by the refund that executes it.
  func conclude(
    _ row: RefundRequestView, agree: Bool, basis: RefundRequestBasis, reason: String, on day: CalendarDate,
    db: Database
  ) throws -> RefundRequestOutcome {
    guard agree else {
      let event = RefundRequestAnswer(request: row.id, basis: basis, reason: reason, on: day.description)
      let answer = Recorded(
        id: row.id, seq: try appendToLog(.parentFlow(.refundRequestRefused(event)), db: db))
      return RefundRequestOutcome(
        answer: answer, refund: nil, refundedFen: 0, paymentBankRef: row.paymentBankRef)
    }
    let event = RefundRequestAnswer(request: row.id, basis: basis, reason: reason, on: day.description)
    let answer = Recorded(
      id: row.id, seq: try appendToLog(.parentFlow(.refundRequestAgreed(event)), db: db))
    let refund = try self.refund(
      enrollment: row.enrollment, hours: row.hours, reason: "refund request \(row.id): \(row.reason)",
      bankRef: Self.systemBankRefPrefix + row.id, request: row.id, db: db)
    let amount =
      try Int64.fetchOne(
        try db.cachedStatement(sql: "SELECT amount_fen FROM refunds WHERE id = ?"), arguments: [refund.id])
      ?? 0
    return RefundRequestOutcome(
      answer: answer, refund: refund, refundedFen: amount, paymentBankRef: row.paymentBankRef)
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

  func refundRequestStatusRefusal(_ row: RefundRequestView, act: String) -> Rejection {
    let code = "refund_request_\(row.status)_cannot_be_\(act)"
    let by = row.basis.map { $0 == "deemed" ? " (deemed: not answered in time)" : " by the \($0)" } ?? ""
    switch row.status {
    case "agreed":
      return Rejection(
        code,
        "refund request \(row.id) is already settled: agreed\(by) on \(row.answeredOn ?? "?") and refunded as \(row.refund ?? "?"); it cannot be \(act)"
      )
    case "refused" where row.basis == RefundRequestBasis.institution.rawValue:
      return Rejection(
        code,
        "refund request \(row.id) was refused by the institution on \(row.answeredOn ?? "?"); it cannot be \(act), but the parent may escalate it to the regulator"
      )
    case "refused":
      return Rejection(
        code,
        "refund request \(row.id) was refused by the regulator on \(row.answeredOn ?? "?"), which is final; it cannot be \(act)"
      )
    case "escalated":
      return Rejection(
        code,
        "refund request \(row.id) is escalated to the regulator, who decides it (`refund-request decide`); it cannot be \(act)"
      )
    default:
      return Rejection(
        code,
        "refund request \(row.id) is still open, waiting for the institution's answer (due \(row.answerDue)); it cannot be \(act)"
      )
    }
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

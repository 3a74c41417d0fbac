/// The requests every store runs and must answer alike (OperationsAcrossStoresTests on the SQLite
/// store and the replay in memory, PostgresOperationsTests on SQLite and PostgreSQL): payments,
/// lessons and refunds into one class of capacity 2 at 100 yuan an hour, with weekend slots of
/// three hours (Sat and Sun 09:00-12:00, from 2026-03-02), bought by three students.
public enum AcrossStoresRequest: Sendable, Equatable {
  /// A payment by student `student` (0, 1 or 2 of the three), paid at 2026-02-20T10:00.
  case pay(student: Int, hours: Int64, yuan: Int64, ref: String)
  case lesson(enrollment: String, hours: Int64, at: String)
  /// Nil hours: every hour remaining (`--all`).
  case refund(enrollment: String, hours: Int64?, ref: String)
  /// From here on the stores' clock (and `today`) is `now`, `YYYY-MM-DDTHH:MM`.
  case clock(now: String)
  case confirm(lesson: String)
  case dispute(lesson: String)
  case rate(enrollment: String, score: Int64)
  /// A refund application (`refund-request create`), reason 搬家; nil hours: `--all`.
  case apply(enrollment: String, hours: Int64?)
  case answer(request: String, agree: Bool)
  case escalate(request: String)
  case decide(request: String, agree: Bool)
  case settle(asOf: String)
  /// `parent erase`, with a reason and the confirmation.
  case erase(parent: String)
  /// `credential issue`; `classInstitution` stands for the institution of the class.
  case issue(role: String, institution: String?, parent: String?, bank: String?)
  case revoke(credential: String)
  /// `institution close` of the class's institution, refunds by `PREFIX-E…`.
  case close(bankRefPrefix: String)

  static func pay(_ student: Int, hours: Int64 = 20, yuan: Int64 = 2000, ref: String) -> Self {
    .pay(student: student, hours: hours, yuan: yuan, ref: ref)
  }
  static func lesson(_ enrollment: String, hours: Int64 = 2, at: String) -> Self {
    .lesson(enrollment: enrollment, hours: hours, at: at)
  }
  static func refund(_ enrollment: String, hours: Int64? = nil, ref: String) -> Self {
    .refund(enrollment: enrollment, hours: hours, ref: ref)
  }

  static func issue(_ role: String, institution: String? = nil, parent: String? = nil, bank: String? = nil)
    -> Self
  {
    .issue(role: role, institution: institution, parent: parent, bank: bank)
  }

  /// What `issue` names for the institution of the class the requests pay into.
  public static let classInstitution = "(the class's institution)"

  /// When every payment of the list was paid.
  public static let paidAt = "2026-02-20T10:00"

  public static let all: [AcrossStoresRequest] = [
    pay(0, ref: "PAY-1"),  // accepted: E1 and its contract
    pay(0, ref: "PAY-1"),  // the same request again: repeated
    pay(0, hours: 21, ref: "PAY-1"),  // the same reference for other content
    pay(1, hours: 10, yuan: 1001, ref: "PAY-2"),  // above the listed price
    pay(1, hours: 10, yuan: 1000, ref: "PAY-3"),  // the second place
    pay(2, ref: "PAY-4"),  // the class is full
    lesson("E1", at: "2026-03-07T09:00"),  // a Saturday slot
    lesson("E1", at: "2026-03-07T09:00"),  // repeated
    lesson("E1", hours: 1, at: "2026-03-07T09:00"),  // the same lesson with other hours
    lesson("E1", at: "2026-03-07T10:30"),  // not the start of a slot
    lesson("E2", hours: 4, at: "2026-03-08T09:00"),  // more hours than the slot holds
    lesson("E9", at: "2026-03-08T09:00"),  // no such enrollment
    lesson("E2", hours: 3, at: "2026-03-08T09:00"),  // a Sunday slot, whole
    refund("E2", ref: "RF-1"),  // every hour not consumed or pending
    refund("E2", ref: "RF-1"),  // repeated
    refund("E2", ref: "RF-2"),  // nothing left to refund
    refund("E1", hours: 100, ref: "RF-3"),  // more hours than remain
    refund("E1", hours: 5, ref: "RF-4"),
  ]

  /// The rules of the refused requests, in order.
  public static let refusals = [
    "bank_ref_reused_with_different_content", "amount_over_listed_price", "class_full",
    "lesson_exists_with_different_hours", "lesson_not_in_schedule", "lesson_hours_exceed_slot",
    "enrollment_unknown", "nothing_to_refund", "refund_exceeds_remaining",
  ]

  /// The kinds of the entries the accepted requests append, in order.
  public static let appendedKinds = [
    "payment", "contract.issued", "payment", "contract.issued", "lesson.recorded", "lesson.recorded",
    "refund", "refund",
  ]
}

extension AcrossStoresRequest {
  /// What follows `all` (after it, E1 has 13 hours remaining and lesson L1 of 2 hours pending; E2
  /// has none, its lesson L2 pending): the parent's flows, each refusal rule once. Ratings; a
  /// refund application refused, escalated too late, another escalated and decided by the
  /// regulator, a third left unanswered and deemed agreed by `settle`; an erasure; a lesson left
  /// unconfirmed past its window, deemed confirmed by `settle`.
  public static let parentFlows: [AcrossStoresRequest] = [
    .confirm(lesson: "L1"),
    .rate(enrollment: "E1", score: 5),
    .rate(enrollment: "E1", score: 4),  // rated once
    .rate(enrollment: "E2", score: 3),  // no lesson confirmed
    .apply(enrollment: "E1", hours: 5),  // RA1: 5 of 13 hours reserved
    .apply(enrollment: "E1", hours: 100),  // more than remain
    .answer(request: "RA1", agree: false),
    .answer(request: "RA1", agree: true),  // refused already
    .decide(request: "RA1", agree: true),  // not escalated
    refund("E1", hours: 10, ref: "RF-5"),  // 3 hours remain
    .escalate(request: "RA1"),  // its 5 hours are gone
    .apply(enrollment: "E1", hours: 2),  // RA2
    .answer(request: "RA2", agree: false),
    .escalate(request: "RA2"),
    .answer(request: "RA2", agree: true),  // escalated: the regulator decides
    .decide(request: "RA2", agree: true),  // agreed and refunded
    .escalate(request: "RA2"),  // agreed already
    .apply(enrollment: "E1", hours: nil),  // RA3: the last hour
    .decide(request: "RA3", agree: true),  // open: the institution answers it
    .apply(enrollment: "E1", hours: nil),  // nothing left to apply for
    .answer(request: "RA9", agree: true),  // no such application
    .clock(now: "2026-07-08T09:00"),  // RA3 was due 2026-07-07
    .answer(request: "RA3", agree: true),  // too late
    .settle(asOf: "2026-07-09"),  // after today
    .settle(asOf: "2003-12-31"),  // a year the log's calendar does not cover
    .settle(asOf: "2026-07-08"),  // RA3 deemed agreed and refunded; L2 is in its window
    .erase(parent: "P3"),
    .erase(parent: "P3"),  // erased already
    .erase(parent: "P9"),  // no such parent
    .clock(now: "2026-07-21T09:00"),
    .settle(asOf: "2026-07-21"),  // L2's 15 working days are over: deemed confirmed
  ]

  /// The rules of the refused requests of `parentFlows`, in order.
  public static let parentFlowRefusals = [
    "rating_already_given", "rating_before_confirmed_lesson", "refund_request_exceeds_remaining",
    "refund_request_refused_cannot_be_answered", "refund_request_refused_cannot_be_decided",
    "refund_request_hours_no_longer_available", "refund_request_escalated_cannot_be_answered",
    "refund_request_agreed_cannot_be_escalated", "refund_request_open_cannot_be_decided", "nothing_to_refund",
    "refund_request_unknown", "refund_request_answer_too_late", "settle_as_of_in_future",
    "calendar_year_not_loaded", "parent_already_erased", "parent_unknown",
  ]

  /// The kinds of the entries `parentFlows` appends, in order.
  public static let parentFlowKinds = [
    "lesson.released", "rating.added", "refund-request.created", "refund-request.refused", "refund",
    "refund-request.created", "refund-request.refused", "refund-request.escalated", "refund-request.agreed",
    "refund", "refund-request.created", "refund-request.agreed", "refund", "parent.erased", "lesson.released",
  ]

  /// What follows `parentFlows`: credentials issued and revoked (P3 is erased). A token is made
  /// afresh each time, so on the command line only the outcomes compare, not the entries.
  public static let credentials: [AcrossStoresRequest] = [
    issue("regulator"),
    issue("institution", institution: classInstitution),
    issue("parent", parent: "P3"),  // erased
    issue("parent", parent: "P1"),
    issue("bank", bank: "工商银行"),  // holds no escrow account here
    issue("bank", bank: "中国银行"),
    issue("institution"),  // no scope
    issue("regulator", parent: "P1"),  // a scope the role has not
    issue("institution", institution: "52340104MJ9999999X"),  // not registered
    .revoke(credential: "C2"),
    .revoke(credential: "C2"),  // revoked already
    .revoke(credential: "C9"),  // never issued
  ]

  /// The rules of the refused requests of `credentials`, in order.
  public static let credentialRefusals = [
    "parent_erased", "bank_holds_no_escrow", "credential_scope_missing", "credential_scope_not_for_role",
    "institution_unknown", "credential_revoked", "credential_unknown",
  ]
}

extension AcrossStoresRequest {
  /// Closing the institution with everything a closure executes, in a class of 3 places: a
  /// pending and a disputed lesson voided, an open and an escalated application agreed and
  /// refunded, each enrollment's remaining escrow refunded; then it is revoked.
  public static let closure: [AcrossStoresRequest] = [
    pay(0, ref: "C-1"), pay(1, ref: "C-2"), pay(2, hours: 10, yuan: 1000, ref: "C-3"),
    lesson("E1", at: "2026-03-07T09:00"), lesson("E2", hours: 3, at: "2026-03-08T09:00"),
    lesson("E3", hours: 1, at: "2026-03-14T09:00"),
    .confirm(lesson: "L3"),
    .dispute(lesson: "L2"),
    .apply(enrollment: "E1", hours: 5),
    .apply(enrollment: "E3", hours: 2),
    .answer(request: "RA2", agree: false),
    .escalate(request: "RA2"),
    .close(bankRefPrefix: "CLOSE"),
    .close(bankRefPrefix: "CLOSE"),  // revoked already
    pay(0, hours: 2, yuan: 200, ref: "C-4"),  // a revoked institution takes no payment
  ]

  /// The kinds of the entries the closure itself appends, in order.
  public static let closureKinds = [
    "lesson.voided", "lesson.voided", "refund-request.agreed", "refund", "refund-request.agreed", "refund",
    "refund", "refund", "refund", "institution.revoked",
  ]
}

/// What a store answered to a request: what it appended, or the rule that refused it.
public enum AcrossStoresOutcome: Equatable, Sendable {
  case appended(String, Int64, repeated: Bool)
  case refused(String)

  public var isRefused: Bool { if case .refused = self { true } else { false } }
}

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

  static func pay(_ student: Int, hours: Int64 = 20, yuan: Int64 = 2000, ref: String) -> Self {
    .pay(student: student, hours: hours, yuan: yuan, ref: ref)
  }
  static func lesson(_ enrollment: String, hours: Int64 = 2, at: String) -> Self {
    .lesson(enrollment: enrollment, hours: hours, at: at)
  }
  static func refund(_ enrollment: String, hours: Int64? = nil, ref: String) -> Self {
    .refund(enrollment: enrollment, hours: hours, ref: ref)
  }

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

/// What a store answered to a request: what it appended, or the rule that refused it.
public enum AcrossStoresOutcome: Equatable, Sendable {
  case appended(String, Int64, repeated: Bool)
  case refused(String)
}

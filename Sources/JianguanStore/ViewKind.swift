/// The records people look up to act on: venues, teachers, courses, classes, enrollments, lessons,
/// refunds and refund applications. Each is listed in the order it was recorded (its id's number).
public enum ViewKind: String, CaseIterable, Sendable {
  case venues, teachers, courses, classes, enrollments, lessons, refunds, refundRequests

  /// The singular noun used in sentences ("venue V3").
  public var noun: String {
    switch self {
    case .venues: "venue"
    case .teachers: "teacher"
    case .courses: "course"
    case .classes: "class"
    case .enrollments: "enrollment"
    case .lessons: "lesson"
    case .refunds: "refund"
    case .refundRequests: "refund request"
    }
  }

  var idPrefix: String {
    switch self {
    case .venues: "V"
    case .teachers: "T"
    case .courses: "C"
    case .classes: "B"
    case .enrollments: "E"
    case .lessons: "L"
    case .refunds: "R"
    case .refundRequests: "RA"
    }
  }

  /// The row alias `x` is the kind's own table; the select list names each field as it is shown.
  var from: String {
    switch self {
    case .venues: "venues x"
    case .teachers: "teachers x"
    case .courses: "courses x"
    case .classes: "classes x"
    case .enrollments: "enrollments x"
    case .lessons: "lessons x JOIN enrollments e ON e.id = x.enrollment"
    case .refunds: "refunds x JOIN enrollments e ON e.id = x.enrollment"
    case .refundRequests: "refund_requests x JOIN enrollments e ON e.id = x.enrollment"
    }
  }

  var select: String {
    switch self {
    case .venues: "x.id, x.institution, x.address, x.area_m2 AS areaM2, x.seq"
    case .teachers: "x.id, x.institution, x.name, x.certificate, x.seq"
    case .courses:
      """
      x.id, x.institution, x.name, x.subject, x.category, x.delivery, x.lesson_minutes AS lessonMinutes,
      x.hours, x.price_per_hour_fen AS pricePerHourFen, x.class_size AS classSize, x.seq
      """
    case .classes:
      """
      x.id, x.course, x.institution, x.venue, x.teacher, x.capacity, x.starts, x.ends, x.schedule,
      x.places_taken AS studentsHoldingHours, x.seq
      """
    case .enrollments:
      """
      x.id, x.student, x.parent, x.class, x.institution, x.bank_ref AS bankRef, x.paid_at AS paidAt,
      x.hours_paid AS hoursPaid, x.hours_consumed AS hoursConsumed, x.hours_pending AS hoursPending,
      x.hours_refunded AS hoursRefunded, x.hours_reserved AS hoursReserved,
      \(Self.hoursLeft) AS hoursLeft, x.amount_fen AS amountFen,
      x.released_fen AS releasedFen, x.refunded_fen AS refundedFen, x.escrow_fen AS escrowFen, x.seq
      """
    case .lessons:
      """
      x.id, x.enrollment, e.class, e.student, x.hours, x.taught_at AS taughtAt, x.status,
      x.released_fen AS releasedFen, x.reason, x.seq
      """
    case .refunds:
      """
      x.id, x.enrollment, e.class, e.student, x.hours, x.amount_fen AS amountFen, x.bank_ref AS bankRef,
      x.reason, x.seq
      """
    case .refundRequests:
      """
      x.id, x.enrollment, e.class, e.student, x.hours, x.status, x.basis, x.requested_at AS requestedAt,
      x.answer_due AS answerDue, x.answered_on AS answeredOn, x.refund, x.reason, x.seq
      """
    }
  }

  /// The table of the kind's own rows.
  var table: String { String(from.prefix { $0 != " " }) }

  /// Hours an enrollment can still be taught or refunded (`x` is the enrollment).
  static let hoursLeft =
    "x.hours_paid - x.hours_consumed - x.hours_refunded - x.hours_pending - x.hours_reserved"

  /// The statuses a `status` filter may name.
  var statuses: [String] {
    switch self {
    case .lessons: ["pending", "released", "disputed", "voided"]
    case .refundRequests: ["open", "agreed", "refused", "escalated"]
    default: []
    }
  }
}

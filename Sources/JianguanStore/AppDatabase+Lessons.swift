import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Records a lesson taught (消课 requested); it waits for the parent's confirmation.
  public func recordLesson(enrollment: String, hours: String, taughtAt: String, now: LocalDateTime) throws
    -> Recorded
  {
    let lesson = try Self.parseLesson(enrollment: enrollment, hours: hours, taughtAt: taughtAt, now: now)
    return try write { db in try recordLesson(lesson, db: db) }
  }

  /// The request `lesson record --enrollment` makes, every field checked as it checks them.
  public static func lessonRequest(enrollment: String, hours: String, taughtAt: String, now: LocalDateTime)
    throws -> LessonRequest
  {
    try parseLesson(enrollment: enrollment, hours: hours, taughtAt: taughtAt, now: now)
  }

  static func parseLesson(
    enrollment: String, hours: String, taughtAt: String, now: LocalDateTime,
    fields: (enrollment: String, hours: String, taughtAt: String) = ("enrollment", "hours", "taught-at")
  ) throws -> LessonRequest {
    let enrollmentID = try Self.validateID(enrollment, field: fields.enrollment, prefix: "E")
    let hourCount = try Money.parseCount(hours, field: fields.hours, range: 1...1000)
    let taught = try LocalDateTime.parse(taughtAt, field: fields.taughtAt)
    guard taught <= now else {
      throw Rejection(
        "lesson_in_future",
        "\(fields.taughtAt) \(taught) is in the future (now is \(now)); record a lesson after it is taught")
    }
    return LessonRequest(enrollment: enrollmentID, hours: hourCount, taught: taught, field: fields.taughtAt)
  }

  /// Records a lesson (`LessonOperation`); the same enrollment, time and hours again is the same
  /// lesson (idempotent).
  func recordLesson(_ lesson: LessonRequest, db: Database) throws -> Recorded {
    Recorded(try LessonOperation.record(lesson, in: SQLTransaction(database: self, db: db)))
  }

  /// The parent confirms a pending lesson; its share is released to the institution.
  public func confirmLesson(_ lesson: String) throws -> Recorded {
    try write { db in try release(lesson: lesson, basis: .confirmed, db: db) }
  }

  /// The parent disputes a pending lesson; nothing is released until a regulator resolves it.
  public func disputeLesson(_ lesson: String, reason: String) throws -> Recorded {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    _ = try Self.validateID(lesson, field: "lesson", prefix: "L")
    return try write { db in
      Recorded(
        try LessonFlowOperation.dispute(
          lesson, reason: reasonText, in: SQLTransaction(database: self, db: db)))
    }
  }

  /// Resolves a disputed lesson: release its share, or void it (its hours return to the parent's remaining hours).
  public func resolveLesson(_ lesson: String, release: Bool, reason: String) throws -> Recorded {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    _ = try Self.validateID(lesson, field: "lesson", prefix: "L")
    return try write { db in
      Recorded(
        try LessonFlowOperation.resolve(
          lesson, release: release, reason: reasonText, in: SQLTransaction(database: self, db: db)))
    }
  }

  func release(lesson: String, basis: ReleaseBasis, db: Database) throws -> Recorded {
    _ = try Self.validateID(lesson, field: "lesson", prefix: "L")
    return Recorded(
      try LessonFlowOperation.release(lesson, basis: basis, in: SQLTransaction(database: self, db: db)))
  }

  /// Releases every lesson whose confirmation window (working days after the day it was
  /// RECORDED, that day not counted) has passed by `asOf`, and executes every refund application
  /// left unanswered past its due day (deemed agreed), all in one transaction (`SettleOperation`).
  /// `asOf` may not be after today (`settle_as_of_in_future`): settling ahead of time would
  /// release money and agree refunds before the parents' and institutions' time to answer is up.
  public func settle(asOf: CalendarDate) throws -> Settlement {
    try write { db in
      Settlement(try SettleOperation.run(asOf: asOf, in: SQLTransaction(database: self, db: db)))
    }
  }

  func requireEnrollment(_ enrollment: String, db: Database) throws -> Row {
    guard
      let row = try Row.fetchOne(
        try db.cachedStatement(sql: "SELECT * FROM enrollments WHERE id = ?"), arguments: [enrollment])
    else {
      throw Rejection.enrollmentUnknown(enrollment)
    }
    return row
  }

  static func balance(of row: Row) -> EnrollmentBalance {
    var balance = EnrollmentBalance(hoursPaid: row["hours_paid"], amountFen: row["amount_fen"])
    balance.releasedFen = row["released_fen"]
    balance.refundedFen = row["refunded_fen"]
    balance.hoursConsumed = row["hours_consumed"]
    balance.hoursRefunded = row["hours_refunded"]
    balance.hoursPending = row["hours_pending"]
    balance.hoursReserved = row["hours_reserved"] ?? 0
    return balance
  }
}

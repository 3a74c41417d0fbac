import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// The SQLite store as the domain operations see it inside one transaction of a batch: the state
/// their rules read, answered from the tables, and the log they append to (`LedgerWriter`, with
/// the projections). Every operation of `JianguanLedger/Operations` runs against it.
struct SQLTransaction: LedgerTransaction {
  let database: AppDatabase
  let db: Database

  func now() -> LocalDateTime { database.clock() }

  func append(_ event: Event) throws -> Int64 { try database.appendToLog(event, db: db) }

  func nextID(_ kind: NumberedRecord) throws -> String {
    let table =
      switch kind {
      case .enrollment: "enrollments"
      case .lesson: "lessons"
      case .refund: "refunds"
      case .venue: "venues"
      case .teacher: "teachers"
      case .course: "courses"
      case .klass: "classes"
      case .parent: "parents"
      case .student: "students"
      case .refundRequest: "refund_requests"
      case .credential: "credentials"
      }
    return try LedgerWriter.nextID(kind.prefix, table: table, db: db)
  }

  func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson? {
    try Row.fetchOne(
      try db.cachedStatement(
        sql: "SELECT id, hours, seq FROM lessons WHERE enrollment = ? AND taught_at = ?"),
      arguments: [enrollment, taught.description]
    ).map { EarlierLesson(id: $0["id"], hours: $0["hours"], seq: $0["seq"]) }
  }

  func parent(ofEnrollment id: String) throws -> String? {
    try RawStatement("SELECT parent FROM enrollments WHERE id = ?", db: db).first(
      .text(id), read: { $0.text(0) })
  }

  func institution(ofEnrollment id: String) throws -> String? {
    try RawStatement("SELECT institution FROM enrollments WHERE id = ?", db: db).first(
      .text(id), read: { $0.text(0) })
  }

  func recordedLesson(_ id: String) throws -> RecordedLesson? {
    try Row.fetchOne(
      try db.cachedStatement(sql: "SELECT enrollment, hours, status FROM lessons WHERE id = ?"),
      arguments: [id]
    ).map { RecordedLesson(enrollment: $0["enrollment"], hours: $0["hours"], status: $0["status"]) }
  }

  func person(commitment: String) throws -> RegisteredPerson? {
    try Row.fetchOne(
      try db.cachedStatement(sql: "SELECT role, masked_id FROM persons WHERE commitment = ?"),
      arguments: [commitment]
    ).map {
      RegisteredPerson(role: $0["role"], erased: ($0["masked_id"] as String) == ErasureSchema.erasedMark)
    }
  }

  func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws {
    try db.execute(
      sql: "INSERT INTO persons(commitment, role, masked_id, sealed) VALUES (?, ?, ?, ?)",
      arguments: [commitment, role, maskedID, Data(sealed)])
  }

  func parentErased(_ id: String) throws -> Bool? {
    guard
      try Bool.fetchOne(try db.cachedStatement(sql: "SELECT 1 FROM parents WHERE id = ?"), arguments: [id])
        == true
    else { return nil }
    return try Bool.fetchOne(db, sql: "SELECT 1 FROM erasures WHERE parent = ?", arguments: [id]) == true
  }

  func balance(ofEnrollment id: String) throws -> EnrollmentBalance? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM enrollments WHERE id = ?"), arguments: [id])
      .map(AppDatabase.balance(of:))
  }

  func earlierUse(ofBankRef bankRef: String) throws -> BankRefUse? {
    try AppDatabase.earlierUse(ofBankRef: bankRef, db: db)
  }

  func parent(ofStudent student: String) throws -> String? {
    try RawStatement("SELECT parent FROM students WHERE id = ?", db: db).first(
      .text(student), read: { $0.text(0) })
  }

  /// One query, by column position (the import's hot path).
  func paymentClass(_ id: String) throws -> PaymentClass? {
    let statement = try RawStatement(
      """
      SELECT c.institution, c.capacity, c.starts, c.ends, c.course, k.name, k.delivery, k.lesson_minutes,
        k.price_per_hour_fen, i.uscc, i.status, i.kind, i.region, i.escrow_account, i.name, i.licence,
        i.mode, i.escrow_bank, c.schedule, c.places_taken, k.hours
      FROM classes c JOIN courses k ON k.id = c.course LEFT JOIN institutions i ON i.uscc = c.institution
      WHERE c.id = ?
      """, db: db)
    return try statement.first(.text(id)) { row in
      let registered = !row.isNull(9)
      return PaymentClass(
        uscc: row.text(0), capacity: row.integer(1), placesTaken: row.integer(19), starts: row.text(2),
        ends: row.text(3), course: row.text(4), courseName: row.text(5), courseHours: row.integer(20),
        delivery: row.text(6), lessonMinutes: row.integer(7), pricePerHourFen: row.integer(8),
        institution: registered
          ? PaymentInstitution(
            uscc: row.text(9), status: row.text(10), kind: row.text(11), region: row.text(12),
            escrowAccount: row.text(13))
          : nil,
        institutionName: row.text(14), licence: row.text(15), mode: row.text(16), escrowBank: row.text(17),
        schedule: row.text(18))
    }
  }

  func policy(forRegion region: String) throws -> Policy { try database.ledgerPolicy(for: region, db: db) }

  func holdsPlace(student: String, classID: String) throws -> Bool {
    try RawStatement(
      """
      SELECT EXISTS(SELECT 1 FROM enrollments WHERE class = ? AND student = ?
        AND hours_paid > hours_consumed + hours_refunded)
      """, db: db
    ).first(.text(classID), .text(student)) { $0.integer(0) != 0 } ?? false
  }

  func holdings(student: String, classID: String) throws -> [ClassHolding] {
    var holdings: [ClassHolding] = []
    try RawStatement(
      """
      SELECT hours_paid - hours_consumed - hours_refunded - hours_pending, substr(paid_at, 1, 10)
      FROM enrollments WHERE class = ? AND student = ? AND hours_paid > hours_consumed + hours_refunded
      """, db: db
    ).forEach([.text(classID), .text(student)]) { row in
      holdings.append(ClassHolding(unconsumedHours: row.integer(0), paidOn: row.text(1)))
    }
    return holdings
  }

  func schedule(_ text: String) throws -> Schedule { try database.schedules.schedule(text) }

  func lessonEnrollment(_ id: String) throws -> LessonEnrollment? {
    guard
      let row = try Row.fetchOne(
        try db.cachedStatement(
          sql: """
            SELECT e.institution, e.paid_at, i.status, i.region, c.starts, c.ends, c.schedule, k.subject,
              k.delivery, k.lesson_minutes
            FROM enrollments e JOIN classes c ON c.id = e.class JOIN courses k ON k.id = c.course
              LEFT JOIN institutions i ON i.uscc = e.institution
            WHERE e.id = ?
            """), arguments: [id])
    else { return nil }
    return LessonEnrollment(
      institution: row["institution"], institutionStatus: row["status"], region: row["region"] ?? "",
      terms: LessonRules.ClassTerms(
        schedule: try database.schedules.schedule(row["schedule"]),
        starts: try CalendarDate.parse(row["starts"], field: "starts"),
        ends: try CalendarDate.parse(row["ends"], field: "ends"),
        delivery: try Delivery.parse(row["delivery"], field: "delivery"),
        isSubject: (row["subject"] as String?) != nil, lessonMinutes: row["lesson_minutes"]),
      paidAt: try LocalDateTime.parse(row["paid_at"], field: "paid_at"))
  }

  func workingDayCalendar() throws -> WorkingDayCalendar { try database.ledgerCalendar(db) }
}

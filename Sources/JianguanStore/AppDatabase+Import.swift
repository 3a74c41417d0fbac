import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// What a bank file holds.
public enum ImportKind: String, CaseIterable, Sendable {
  case payments, lessons, refunds
  /// Class sessions: a lesson for every student of a class holding hours (AppDatabase+ClassSessions).
  case sessions
  case institutions, venues, teachers, courses, classes, parents, students

  /// The last column of a `--skip-invalid` file, why the row was refused; an import skips it.
  public static let refusalColumn = "refusal"

  /// The header line a file of this kind must start with (and may end with `refusalColumn`).
  public var columns: [String] {
    switch self {
    case .payments: ["bank_ref", "student", "class", "hours", "amount_yuan", "paid_at"]
    case .lessons: ["enrollment", "hours", "taught_at", "confirmed"]
    case .refunds: ["bank_ref", "enrollment", "hours", "reason"]
    case .sessions: ["class", "hours", "taught_at", "absent"]
    case .institutions:
      [
        "uscc", "name", "region", "kind", "category", "nonprofit", "license", "license_expires",
        "escrow_bank",
        "escrow_account", "mode",
      ]
    case .venues: ["institution", "address", "area_m2"]
    case .teachers: ["institution", "name", "certificate"]
    case .courses:
      [
        "institution", "name", "subject", "category", "delivery", "lesson_minutes", "hours", "price_per_hour",
        "class_size",
      ]
    case .classes: ["course", "venue", "teacher", "capacity", "starts", "ends", "schedule"]
    case .parents: ["name", "id_number", "phone"]
    case .students: ["parent", "name", "id_number", "grade"]
    }
  }
}

extension ImportKind {
  /// Refuses a row with another number of fields than the header's.
  public func checkWidth(_ fields: [String]) throws {
    guard fields.count == columns.count else {
      throw Rejection(
        "import_row_width", "the row has \(fields.count) fields; \(rawValue) rows have \(columns.count)")
    }
  }
}

/// The rows of a bank file after its header, imported one by one by whichever store: each row's
/// refusal is counted and named (line, column, value, rule) as `importFile` names it, and the
/// summary says whether the batch is to be committed (no refusal, or `--skip-invalid`).
public struct BankFileRows<Records: Sequence> where Records.Element == CSVRecordReader.Record {
  public let kind: ImportKind
  private var iterator: Records.Iterator
  private let hasRefusalColumn: Bool

  /// Reads the header, which must be the kind's columns (and may end with `refusal`).
  public init(_ kind: ImportKind, records: Records) throws {
    self.kind = kind
    iterator = records.makeIterator()
    guard let header = iterator.next() else {
      throw Rejection(
        "import_empty",
        "the file is empty; it must start with the header \(kind.columns.joined(separator: ","))")
    }
    hasRefusalColumn = header.fields == kind.columns + [ImportKind.refusalColumn]
    guard header.fields == kind.columns || hasRefusalColumn else {
      throw Rejection(
        "import_header_wrong",
        "line 1: the header is \(Rejection.quote(header.fields.joined(separator: ","))); \(kind.rawValue) files start with \(kind.columns.joined(separator: ","))"
      )
    }
  }

  /// Runs `row` on every row: a `Rejection` refuses that row alone (counted, and kept for
  /// `--skip-invalid`); anything else ends the import. Sets `summary.committed`.
  public mutating func importEach(
    into summary: inout ImportSummary, skipInvalid: Bool, errorLimit: Int, progress: ((Int) -> Void)?,
    _ row: (CSVRecordReader.Record) throws -> Recorded
  ) throws {
    while var record = iterator.next() {
      summary.rows += 1
      if hasRefusalColumn, record.fields.count == kind.columns.count + 1 {
        // A refused-rows file, fixed by a clerk: the old refusal is not part of the row.
        record = CSVRecordReader.Record(line: record.line, fields: record.fields.dropLast())
      }
      do {
        let recorded = try row(record)
        if recorded.repeated { summary.alreadyThere += 1 } else { summary.added += 1 }
      } catch let rejection as Rejection {
        let error = AppDatabase.rowError(rejection, record: record, kind: kind)
        summary.refused += 1
        if summary.errors.count < errorLimit { summary.errors.append(error) }
        if skipInvalid { summary.refusedRecords.append((record, error)) }
      }
      if let progress, summary.rows % 10_000 == 0 { progress(summary.rows) }
    }
    summary.committed = summary.refused == 0 || skipInvalid
  }
}

/// A row that was refused: where, which column, what value, and the rule.
public struct ImportRowError: Sendable, Equatable {
  public let line: Int
  public let column: String
  public let value: String
  public let message: String
}

/// The outcome of an import.
public struct ImportSummary: Sendable {
  public var rows = 0
  public var added = 0
  public var alreadyThere = 0
  public var refused = 0
  /// The first refused rows (up to the limit), in file order.
  public var errors: [ImportRowError] = []
  /// The refused rows' records, for `--skip-invalid` (all of them).
  public var refusedRecords: [(record: CSVRecordReader.Record, error: ImportRowError)] = []
  public var committed = false
  public var firstSeq: Int64?
  public var lastSeq: Int64?

  public init() {}
}

extension AppDatabase {
  /// Imports a bank file in one transaction. Every row goes through the same rules as the single
  /// commands. Unless `skipInvalid`, one refused row refuses the whole file and nothing is written;
  /// rows whose bank reference (or, for lessons, enrollment and time) is already recorded with the
  /// same content count as already there.
  public func importFile(
    _ kind: ImportKind, records: some Sequence<CSVRecordReader.Record>, skipInvalid: Bool, errorLimit: Int,
    now: LocalDateTime, progress: ((Int) -> Void)? = nil
  ) throws -> ImportSummary {
    var rows = try BankFileRows(kind, records: records)
    var summary = ImportSummary()
    do {
      try writer.writeWithoutTransaction { db in
        // A large batch touches pages all over the tables and indexes: give it a large page cache
        // (256 MiB) so that it does not read back pages it just wrote.
        try db.execute(sql: "PRAGMA cache_size = -262144")
        defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
        try db.inTransaction(.immediate) {
          let commit = try withUpstream(db) {
            summary.firstSeq = try LedgerWriter.size(db) + 1
            try batch.run(db) {
              try rows.importEach(
                into: &summary, skipInvalid: skipInvalid, errorLimit: errorLimit, progress: progress
              ) { record in try importRow(kind, record, now: now, db: db) }
            }
            summary.lastSeq = try LedgerWriter.size(db)
            return ((), commit: summary.committed)
          }.commit
          return commit ? .commit : .rollback
        }
      }
    } catch let error as DatabaseError {
      throw StoreError(error)
    }
    if batch.takeCheckpointRequest() { checkpointWAL() }
    return summary
  }

  /// A payment row of a bank file as the request `pay` makes, each refusal naming its column
  /// (for another store's import).
  public static func paymentRequest(importing fields: [String], now: LocalDateTime) throws -> PaymentRequest {
    try ImportKind.payments.checkWidth(fields)
    var form = PaymentForm()
    (form.bankRef, form.student, form.classID, form.hours, form.amountYuan, form.paidAt) = (
      fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]
    )
    return try parsePayment(form, now: now, names: .csvColumns)
  }

  func importRow(_ kind: ImportKind, _ record: CSVRecordReader.Record, now: LocalDateTime, db: Database)
    throws
    -> Recorded
  {
    let fields = record.fields
    try kind.checkWidth(fields)
    switch kind {
    case .payments:
      return try pay(Self.paymentRequest(importing: fields, now: now), db: db)
    case .lessons:
      let lesson = try Self.parseLesson(
        enrollment: fields[0], hours: fields[1], taughtAt: fields[2], now: now,
        fields: ("enrollment", "hours", "taught_at"))
      guard fields[3] == "yes" || fields[3] == "no" else {
        throw Rejection(
          "confirmed_not_yes_or_no", "confirmed \(Rejection.quote(fields[3])) must be yes or no")
      }
      let recorded = try recordLesson(lesson, db: db)
      if fields[3] == "yes", !recorded.repeated {
        _ = try release(lesson: recorded.id, basis: .confirmed, db: db)
      }
      return recorded
    case .refunds:
      let enrollment = try Self.validateID(fields[1], field: "enrollment", prefix: "E")
      let hours = fields[2] == "all" ? nil : try Money.parseCount(fields[2], field: "hours", range: 1...1000)
      let reason = try TextField.validateForLedger(fields[3], field: "reason", maxLength: 500)
      let ref = try Self.validateBankRef(fields[0], field: "bank_ref")
      return try refund(enrollment: enrollment, hours: hours, reason: reason, bankRef: ref, db: db)
    case .sessions:
      return try importSessionRow(fields, now: now, db: db)
    default:
      return try importRegistryRow(kind, fields, today: now.date, db: db)
    }
  }

  /// Registry rows go through the public operations, which join the import's transaction. A
  /// registered institution or person met again counts as already there.
  func importRegistryRow(_ kind: ImportKind, _ f: [String], today: CalendarDate, db: Database) throws
    -> Recorded
  {
    func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
    switch kind {
    case .institutions:
      if let seq: Int64 = try db.value("SELECT seq FROM institutions WHERE uscc = ?", [f[0]]) {
        return Recorded(id: f[0], seq: seq, repeated: true)
      }
      var form = InstitutionForm()
      (form.uscc, form.name, form.region, form.kind, form.category) = (f[0], f[1], f[2], f[3], optional(f[4]))
      guard ["yes", "no"].contains(f[5]) else {
        throw Rejection("nonprofit_not_yes_or_no", "nonprofit \(Rejection.quote(f[5])) must be yes or no")
      }
      form.nonprofit = f[5] == "yes"
      (form.licence, form.licenceExpires, form.escrowBank, form.escrowAccount, form.mode) = (
        f[6], f[7], f[8], f[9], optional(f[10])
      )
      return try registerInstitution(form, today: today)
    case .venues: return try addVenue(institution: f[0], address: f[1], areaM2: f[2])
    case .teachers:
      // The same teacher met again (one certificate is one person) is already there.
      if let row = try Row.fetchOne(
        db, sql: "SELECT id, seq FROM teachers WHERE certificate = ? AND institution = ? AND name = ?",
        arguments: [f[2], f[0], f[1]])
      {
        return Recorded(id: row["id"], seq: row["seq"], repeated: true)
      }
      return try addTeacher(institution: f[0], name: f[1], certificate: f[2], inService: false)
    case .courses:
      var form = CourseForm()
      (form.institution, form.name, form.subject, form.category, form.delivery) = (
        f[0], f[1], optional(f[2]), optional(f[3]), f[4]
      )
      (form.lessonMinutes, form.hours, form.pricePerHour, form.classSize) = (f[5], f[6], f[7], optional(f[8]))
      return try addCourse(form)
    case .classes:
      var form = ClassForm()
      (form.course, form.venue, form.teacher, form.capacity, form.starts, form.ends, form.schedule) = (
        f[0], f[1], f[2], f[3], f[4], f[5], f[6]
      )
      return try addClass(form)
    case .parents: return try registerParent(name: f[0], idNumber: f[1], phone: f[2], today: today)
    case .students: return try addStudent(parent: f[0], name: f[1], idNumber: f[2], grade: f[3], today: today)
    case .payments, .lessons, .refunds, .sessions: preconditionFailure("bank files are imported by importRow")
    }
  }

  /// Which column a refusal is about: the field its message names, else the column its rule concerns.
  static func rowError(_ rejection: Rejection, record: CSVRecordReader.Record, kind: ImportKind)
    -> ImportRowError
  {
    let byRule: [String: String] = [
      "escrow_account_already_registered": "escrow_account", "escrow_account_malformed": "escrow_account",
      "category_not_licensed": "category", "parent_under_18": "id_number", "hours_over_course_hours": "hours",
      "hours_over_charge_limit": "hours", "amount_over_charge_cap": "amount_yuan",
      "amount_over_listed_price": "amount_yuan", "payment_too_early": "paid_at", "class_ended": "paid_at",
      "charge_beyond_months": "hours", "class_full": "class", "class_unknown": "class",
      "student_unknown": "student", "institution_not_active": "class",
      "institution_without_escrow_account": "class",
      "bank_ref_reused_with_different_content": "bank_ref", "enrollment_unknown": "enrollment",
      "refund_exceeds_remaining": "hours", "nothing_to_refund": "hours",
      "lesson_hours_exceed_remaining": "hours",
      "lesson_outside_class_dates": "taught_at", "lesson_before_payment": "taught_at",
      "subject_lesson_on_rest_day": "taught_at", "lesson_exists_with_different_hours": "hours",
      "payment_in_future": "paid_at", "lesson_in_future": "taught_at",
      "lesson_not_in_schedule": "taught_at", "lesson_hours_exceed_slot": "hours",
      "calendar_year_not_loaded": "taught_at",
    ]
    let named = kind.columns.first { rejection.message.hasPrefix($0 + " ") }
    let column = named ?? byRule[rejection.code] ?? "row"
    let index = kind.columns.firstIndex(of: column)
    let value = index.flatMap { $0 < record.fields.count ? record.fields[$0] : nil } ?? ""
    return ImportRowError(line: record.line, column: column, value: value, message: rejection.message)
  }
}

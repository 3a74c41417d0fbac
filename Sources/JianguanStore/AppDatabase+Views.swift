import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// What a list is narrowed to; nil fields do not narrow it.
public struct ViewFilter: Sendable {
  public var institution: String?
  public var course: String?
  public var classID: String?
  public var parent: String?
  public var student: String?
  public var enrollment: String?
  public var status: String?
  public init() {}
}

/// One record as a view shows it: its id and its fields in display order (amounts in fen; nil
/// for a field without a value, such as a lesson's reason before any dispute).
public struct ViewRecord: Sendable {
  public let id: String
  public let fields: [(name: String, value: JSONValue?)]

  /// The record as one JSON object; fields without a value are left out.
  public var json: JSONValue {
    .object(
      Dictionary(fields.compactMap { field in field.value.map { (field.name, $0) } }) { first, _ in first })
  }
}

extension ViewRecord {
  /// A field as text: strings as they are, integers in decimal; nil when absent.
  public func text(_ name: String) -> String? {
    switch fields.first(where: { $0.name == name })?.value {
    case .string(let text)?: text
    case .integer(let value)?: String(value)
    case .bool(let value)?: String(value)
    default: nil
    }
  }

  public func integer(_ name: String) -> Int64? {
    if case .integer(let value)? = fields.first(where: { $0.name == name })?.value { return value }
    return nil
  }
}

/// A page of a list: at most `limit` records after the one asked for; `next` is the id to ask
/// after for the following page when `more` remain.
public struct ViewPage: Sendable {
  public let records: [ViewRecord]
  public let more: Bool
  public var next: String? { more ? records.last?.id : nil }
}

extension AppDatabase {
  /// The most records one page holds.
  public static let viewPageLimitMax = 1000

  /// Records of `kind` in the order they were recorded, narrowed by `filter`, at most `limit`
  /// of them after the record `after` (an id of the same kind).
  public func list(_ kind: ViewKind, filter: ViewFilter, limit: Int, after: String?) throws -> ViewPage {
    guard (1...Self.viewPageLimitMax).contains(limit) else {
      throw Rejection(
        "limit_out_of_range", "limit \(limit) must be between 1 and \(Self.viewPageLimitMax)")
    }
    if let after { _ = try Self.validateID(after, field: "after", prefix: kind.idPrefix) }
    return try read { db in
      var conditions = try self.conditions(kind, filter, db: db)
      if let after {
        try requireRow(kind, after, db: db)
        conditions.append(("x.rowid > (SELECT rowid FROM \(kind.table) WHERE id = ?)", after))
      }
      let whereClause =
        conditions.isEmpty ? "" : " WHERE " + conditions.map(\.sql).joined(separator: " AND ")
      let rows = try Row.fetchAll(
        db, sql: "SELECT \(kind.select) FROM \(kind.from)\(whereClause) ORDER BY x.rowid LIMIT ?",
        arguments: StatementArguments(
          conditions.map(\.value) as [any DatabaseValueConvertible] + [limit + 1])!)
      return ViewPage(records: rows.prefix(limit).map(Self.viewRecord), more: rows.count > limit)
    }
  }

  /// The SQL conditions of `filter` on `kind` (`x` its table, `e` the enrollment of a lesson,
  /// refund or application), each with its one argument; a filter naming no record, or one the
  /// kind has not, is refused.
  func conditions(_ kind: ViewKind, _ filter: ViewFilter, db: Database) throws -> [(
    sql: String, value: String
  )] {
    let ofEnrollment: [ViewKind] = [.lessons, .refunds, .refundRequests]
    var conditions: [(sql: String, value: String)] = []
    func narrow(_ name: String, allowed: Bool, _ sql: String, _ value: String) throws {
      guard allowed else {
        throw Rejection("filter_not_applicable", "\(kind.rawValue) cannot be narrowed by \(name)")
      }
      conditions.append((sql, value))
    }
    if let institution = filter.institution {
      _ = try requireInstitution(institution, db: db)
      let column = ofEnrollment.contains(kind) ? "e.institution" : "x.institution"
      try narrow("institution", allowed: true, "\(column) = ?", institution)
    }
    if let course = filter.course {
      try requireRow(.courses, course, db: db)
      try narrow("course", allowed: kind == .classes, "x.course = ?", course)
    }
    if let classID = filter.classID {
      try requireRow(.classes, classID, db: db)
      let column = kind == .enrollments ? "x.class" : "e.class"
      try narrow(
        "class", allowed: kind == .enrollments || ofEnrollment.contains(kind), "\(column) = ?", classID)
    }
    if let parent = filter.parent {
      try requireRow(noun: "parent", prefix: "P", table: "parents", parent, db: db)
      let column = kind == .enrollments ? "x.parent" : "e.parent"
      try narrow(
        "parent", allowed: kind == .enrollments || ofEnrollment.contains(kind), "\(column) = ?", parent)
    }
    if let student = filter.student {
      try requireRow(noun: "student", prefix: "S", table: "students", student, db: db)
      let column = kind == .enrollments ? "x.student" : "e.student"
      try narrow(
        "student", allowed: kind == .enrollments || ofEnrollment.contains(kind), "\(column) = ?", student)
    }
    if let enrollment = filter.enrollment {
      try requireRow(.enrollments, enrollment, db: db)
      try narrow("enrollment", allowed: ofEnrollment.contains(kind), "x.enrollment = ?", enrollment)
    }
    if let status = filter.status {
      try narrow("status", allowed: !kind.statuses.isEmpty, "x.status = ?", status)
      guard kind.statuses.contains(status) else {
        throw Rejection(
          "status_unknown",
          "status \(Rejection.quote(status)) must be one of \(kind.statuses.joined(separator: ", "))")
      }
    }
    return conditions
  }

  /// One record of `kind` by its id.
  public func show(_ kind: ViewKind, _ id: String) throws -> ViewRecord {
    try read { db in
      try requireRow(kind, id, db: db)
      let row = try db.row("SELECT \(kind.select) FROM \(kind.from) WHERE x.id = ?", [id])!
      return Self.viewRecord(row)
    }
  }

  /// The seq of the entry that recorded a record: an enrollment's payment, a lesson's recording,
  /// a refund.
  public func seq(of kind: ViewKind, _ id: String) throws -> Int64 {
    try read { db in
      try requireRow(kind, id, db: db)
      return try db.value("SELECT seq FROM \(kind.table) WHERE id = ?", [id]) ?? 0
    }
  }

  /// A class and its roster, read together: each enrollment still holding hours (paid, neither
  /// taught nor refunded), with the hours left to teach or refund, in the order they were paid.
  public func classWithRoster(_ classID: String) throws -> (class: ViewRecord, roster: [ViewRecord]) {
    try read { db in
      try requireRow(.classes, classID, db: db)
      let shown = try Row.fetchOne(
        db, sql: "SELECT \(ViewKind.classes.select) FROM \(ViewKind.classes.from) WHERE x.id = ?",
        arguments: [classID])!
      let roster = try Row.fetchAll(
        db,
        sql: """
          SELECT x.student, x.id AS enrollment, x.hours_paid AS hoursPaid, x.hours_pending AS hoursPending,
            x.hours_reserved AS hoursReserved, \(ViewKind.hoursLeft) AS hoursLeft
          FROM enrollments x WHERE x.class = ? AND x.hours_paid > x.hours_consumed + x.hours_refunded
          ORDER BY x.rowid
          """, arguments: [classID])
      return (Self.viewRecord(shown), roster.map(Self.viewRecord))
    }
  }

  /// Refuses an id that is malformed or names no record of `kind`.
  func requireRow(_ kind: ViewKind, _ id: String, db: Database) throws {
    try requireRow(noun: kind.noun, prefix: kind.idPrefix, table: kind.table, id, db: db)
  }

  /// `id` is well formed and names a row of `table`, or one sentence says which it is not.
  func requireRow(noun: String, prefix: String, table: String, _ id: String, db: Database) throws {
    _ = try Self.validateID(id, field: noun, prefix: prefix)
    guard try db.value("SELECT 1 FROM \(table) WHERE id = ?", [id]) as Int64? != nil else {
      throw Rejection(
        "\(noun.replacingOccurrences(of: " ", with: "_"))_unknown",
        "\(noun) \(Rejection.quote(id)) does not exist")
    }
  }

  static func viewRecord(_ row: Row) -> ViewRecord {
    let fields = Array(row).map { name, value -> (name: String, value: JSONValue?) in
      switch value.storage {
      case .int64(let integer): return (name, .integer(integer))
      case .string(let text): return (name, .string(text))
      case .double, .blob, .null: return (name, nil)
      }
    }
    return ViewRecord(id: row["id"] ?? row["enrollment"] ?? "", fields: fields)
  }
}

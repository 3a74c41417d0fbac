import GRDB
import JianguanCore

/// The findings and complaints as the service shows them: one record, or a page in the order
/// recorded, narrowed to an institution's findings or a parent's complaints. Names are the JSON's
/// (camelCase), amounts in fen.
extension AppDatabase {
  static let findingColumns = """
    id, date, region, institution, operator_name AS operatorName, operator_address AS operatorAddress,
    category, actions, deadline, fine_fen AS fineFen, refunds_fen AS refundsFen,
    students_redistributed AS studentsRedistributed, inspection, note, status, rectified_on AS rectifiedOn,
    verified_on AS verifiedOn, seq, last_seq AS lastSeq
    """

  static let complaintColumns = """
    id, date, channel, region, institution, operator_name AS operatorName, category, summary, parent,
    channel_ref AS channelRef, status, resolved_on AS resolvedOn, outcome, resolution_note AS resolutionNote,
    refunds_fen AS refundsFen, seq, last_seq AS lastSeq
    """

  /// The refusal for a finding that is not recorded (or outside the asker's scope), word for word
  /// what `finding rectify` says.
  public static func unknownFinding(_ id: String) -> Rejection { .findingUnknown(id) }

  /// The refusal for a complaint that is not recorded, word for word what `complaint resolve` says.
  public static func unknownComplaint(_ id: String) -> Rejection { .complaintUnknown(id) }

  /// Finding `id` (`F1`).
  public func finding(_ id: String) throws -> ViewRecord {
    try read { db in
      guard let row = try db.row("SELECT \(Self.findingColumns) FROM findings WHERE id = ?", [id]) else {
        throw Self.unknownFinding(id)
      }
      return Self.viewRecord(row)
    }
  }

  /// Complaint `id` (`K1`).
  public func complaint(_ id: String) throws -> ViewRecord {
    try read { db in
      guard let row = try db.row("SELECT \(Self.complaintColumns) FROM complaints WHERE id = ?", [id]) else {
        throw Self.unknownComplaint(id)
      }
      return Self.viewRecord(row)
    }
  }

  /// Findings in the order recorded, of one institution and with one status when given.
  public func findings(institution: String?, status: String?, limit: Int, after: String?) throws -> ViewPage {
    if let status, !["open", "rectified", "verified"].contains(status) {
      throw Rejection(
        "status_unknown", "status \(Rejection.quote(status)) must be one of open, rectified, verified")
    }
    return try page(
      table: "findings", columns: Self.findingColumns, prefix: "F", noun: "finding",
      conditions: [("institution", institution), ("status", status)], limit: limit, after: after)
  }

  /// Complaints in the order filed, of one parent and with one status when given.
  public func complaints(parent: String?, status: String?, limit: Int, after: String?) throws -> ViewPage {
    if let status, !["open", "resolved"].contains(status) {
      throw Rejection("status_unknown", "status \(Rejection.quote(status)) must be one of open, resolved")
    }
    return try page(
      table: "complaints", columns: Self.complaintColumns, prefix: "K", noun: "complaint",
      conditions: [("parent", parent), ("status", status)], limit: limit, after: after)
  }

  private func page(
    table: String, columns: String, prefix: String, noun: String,
    conditions: [(column: String, value: String?)],
    limit: Int, after: String?
  ) throws -> ViewPage {
    guard (1...Self.viewPageLimitMax).contains(limit) else {
      throw Rejection(
        "limit_out_of_range", "limit \(limit) must be between 1 and \(Self.viewPageLimitMax)")
    }
    if let after { _ = try Self.validateID(after, field: noun, prefix: prefix) }
    return try read { db in
      var clauses: [String] = []
      var arguments: [any DatabaseValueConvertible] = []
      for case let (column, value?) in conditions {
        clauses.append("\(column) = ?")
        arguments.append(value)
      }
      if let after {
        guard try db.value("SELECT rowid FROM \(table) WHERE id = ?", [after]) as Int64? != nil else {
          throw Rejection("\(noun)_unknown", "\(noun) \(Rejection.quote(after)) is not recorded")
        }
        clauses.append("rowid > (SELECT rowid FROM \(table) WHERE id = ?)")
        arguments.append(after)
      }
      let whereClause = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
      let rows = try Row.fetchAll(
        db, sql: "SELECT \(columns) FROM \(table)\(whereClause) ORDER BY rowid LIMIT ?",
        arguments: StatementArguments(arguments + [limit + 1])!)
      return ViewPage(records: rows.prefix(limit).map(Self.viewRecord), more: rows.count > limit)
    }
  }
}

import GRDB
import JianguanCore
import JianguanLedger

/// The supervision questions, answered from the supervision tables.
extension SQLTransaction: SupervisionState {
  func supervisionItemType(_ id: String) throws -> String? {
    try String.fetchOne(
      try db.cachedStatement(sql: "SELECT type FROM supervision_items WHERE id = ?"), arguments: [id])
  }

  func findingProgress(_ id: String) throws -> SupervisionProgress? {
    try progress(table: "findings", id: id)
  }

  func complaintProgress(_ id: String) throws -> SupervisionProgress? {
    try progress(table: "complaints", id: id)
  }

  private func progress(table: String, id: String) throws -> SupervisionProgress? {
    guard
      let row = try Row.fetchOne(
        try db.cachedStatement(sql: "SELECT date, status FROM \(table) WHERE id = ?"), arguments: [id])
    else { return nil }
    return SupervisionProgress(
      date: try CalendarDate.parse(row["date"], field: "date"), status: row["status"])
  }

  func nextID(_ record: SupervisionRecord) throws -> String {
    switch record {
    case .action, .measure:
      let count =
        try Int64.fetchOne(
          try db.cachedStatement(sql: "SELECT COUNT(*) FROM supervision_items WHERE type = ?"),
          arguments: [record == .action ? "action" : "measure"]) ?? 0
      return "\(record.rawValue)\(count + 1)"
    case .finding: return try LedgerWriter.nextID(record.rawValue, table: "findings", db: db)
    case .complaint: return try LedgerWriter.nextID(record.rawValue, table: "complaints", db: db)
    }
  }
}

/// The checkpoint questions, answered from `meta`.
extension SQLTransaction: CheckpointState {
  func checkpointKeyNamed() throws -> String? {
    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'checkpoint_key'")
  }

  func checkpointOrigin() throws -> String {
    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'origin'") ?? ""
  }
}

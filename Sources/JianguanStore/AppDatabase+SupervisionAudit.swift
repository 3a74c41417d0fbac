import GRDB
import JianguanLedger

extension AppDatabase {
  /// Compares the supervision tables with the replayed supervision records: every row has its
  /// entry and the same status or problem total, and no entry lacks its row.
  func compareSupervision(_ replay: SupervisionReplay, db: Database) throws -> [AuditFault] {
    var faults: [AuditFault] = []
    for row in try Row.fetchAll(
      try db.cachedStatement(sql: "SELECT id, type, date, problems, seq FROM supervision_items"))
    {
      let id: String = row["id"]
      guard let replayed = replay.items[id] else {
        faults.append(
          AuditFault(seq: row["seq"], "supervision record \(id) is in the table but no entry recorded it"))
        continue
      }
      let actual = SupervisionReplay.ItemState(
        type: row["type"], date: row["date"], problems: row["problems"], seq: row["seq"])
      if actual != replayed {
        faults.append(
          AuditFault(
            seq: replayed.seq,
            "supervision record \(id): table has \(actual.type) of \(actual.date) with \(actual.problems) problems, the ledger gives \(replayed.type) of \(replayed.date) with \(replayed.problems)"
          ))
      }
      let grouped =
        try Int64.fetchOne(
          try db.cachedStatement(
            sql: "SELECT COALESCE(SUM(count), 0) FROM supervision_problems WHERE item = ?"), arguments: [id])
        ?? 0
      if grouped != replayed.problems {
        faults.append(
          AuditFault(
            seq: replayed.seq,
            "supervision record \(id): problem rows sum to \(grouped), the ledger gives \(replayed.problems)")
        )
      }
    }
    for (table, states) in [
      ("findings", replay.findings.mapValues { ($0.status, $0.lastSeq) }),
      ("complaints", replay.complaints.mapValues { ($0.status, $0.lastSeq) }),
    ] {
      for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, status, seq FROM \(table)")) {
        let id: String = row["id"]
        let status: String = row["status"]
        guard let replayed = states[id] else {
          faults.append(
            AuditFault(seq: row["seq"], "\(table) row \(id) is in the table but no entry recorded it"))
          continue
        }
        if replayed.0 != status {
          faults.append(
            AuditFault(
              seq: replayed.1, "\(table) row \(id): table says \(status), the ledger gives \(replayed.0)"))
        }
      }
    }
    let counts: [(String, Int)] = [
      ("supervision_items", replay.items.count), ("findings", replay.findings.count),
      ("complaints", replay.complaints.count),
    ]
    for (table, expected) in counts {
      let actual = try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table)")) ?? 0
      if actual != expected {
        faults.append(
          AuditFault(seq: 0, "the \(table) table has \(actual) rows, the ledger gives \(expected)"))
      }
    }
    return faults
  }
}

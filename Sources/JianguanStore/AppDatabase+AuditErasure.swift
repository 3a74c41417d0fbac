import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Compares the erasures table with the replayed `parent.erased` entries, and checks that no
  /// personal data of an erased parent or of their children is still stored.
  func compareErasures(_ state: LedgerState, db: Database) throws -> [AuditFault] {
    var faults: [AuditFault] = []
    let replayed = state.parentFlows.erasedParents
    var seen = 0
    for row in try Row.fetchAll(db, sql: "SELECT parent, seq FROM erasures") {
      seen += 1
      let parent: String = row["parent"]
      if replayed[parent] != row["seq"] {
        faults.append(
          AuditFault(seq: row["seq"], "erasure of \(parent) is in the table but no entry records it"))
      }
    }
    if seen != replayed.count {
      faults.append(
        AuditFault(
          seq: 0, "the erasures table has \(seen) rows, the ledger records \(replayed.count) erasures"))
    }
    for (parent, seq) in replayed.sorted(by: { $0.key < $1.key }) {
      let kept =
        try Int.fetchOne(
          db,
          sql: """
            SELECT COUNT(*) FROM persons
            WHERE (sealed IS NOT NULL OR masked_id != ?)
              AND commitment IN (SELECT commitment FROM parents WHERE id = ?
                UNION SELECT commitment FROM students WHERE parent = ?)
            """, arguments: [ErasureSchema.erasedMark, parent, parent]) ?? 0
      if kept > 0 {
        faults.append(
          AuditFault(
            seq: seq,
            "parent \(parent) was erased but personal data of \(kept) of their family is still stored"))
      }
    }
    return faults
  }
}

import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Compares the refund-application and rating tables with the replayed state.
  func compareParentFlowProjections(_ state: LedgerState, db: Database) throws -> [AuditFault] {
    var faults = try compareErasures(state, db: db)
    let flows = state.parentFlows
    var requestsSeen = 0
    for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM refund_requests")) {
      requestsSeen += 1
      let view = Self.refundRequestView(row)
      guard let replayed = flows.requests[view.id] else {
        faults.append(
          AuditFault(seq: view.seq, "refund request \(view.id) is in the table but no entry created it"))
        continue
      }
      if view.status != replayed.status || view.basis != replayed.basis || view.hours != replayed.hours
        || view.enrollment != replayed.enrollment || view.refund != replayed.refund
        || view.answerDue != replayed.answerDue
      {
        faults.append(
          AuditFault(
            seq: replayed.lastSeq,
            "refund request \(view.id): table says \(view.status) for \(view.hours) hours, the ledger gives \(replayed.status) for \(replayed.hours)"
          ))
      }
    }
    if requestsSeen != flows.requests.count {
      faults.append(
        AuditFault(
          seq: 0,
          "the refund_requests table has \(requestsSeen) rows, the ledger creates \(flows.requests.count)"))
    }
    var ratingsSeen = 0
    for row in try Row.fetchAll(
      try db.cachedStatement(sql: "SELECT enrollment, institution, score, comment, seq FROM ratings"))
    {
      ratingsSeen += 1
      let id: String = row["enrollment"]
      guard let replayed = flows.ratings[id] else {
        faults.append(AuditFault(seq: row["seq"], "rating of \(id) is in the table but no entry added it"))
        continue
      }
      if replayed.score != (row["score"] as Int64) || replayed.comment != (row["comment"] as String?)
        || replayed.institution != (row["institution"] as String)
      {
        faults.append(
          AuditFault(
            seq: row["seq"],
            "rating of \(id): table says \(row["score"] as Int64), the ledger gives \(replayed.score)"))
      }
    }
    if ratingsSeen != flows.ratings.count {
      faults.append(
        AuditFault(
          seq: 0, "the ratings table has \(ratingsSeen) rows, the ledger adds \(flows.ratings.count)"))
    }
    return faults
  }
}

import GRDB
import JianguanCore
import JianguanLedger

/// Updates the refund-application and rating tables for one entry, in its transaction.
enum ParentFlowProjector {
  static func apply(_ flow: ParentFlowEvent, seq: Int64, db: Database) throws {
    switch flow {
    case .contractIssued:
      // Nothing: the terms are the entry itself, right after its payment's (`contract show`
      // reads them there), and stored nowhere else.
      break
    case .refundRequestCreated(let e):
      try db.run(
        """
        INSERT INTO refund_requests(id, enrollment, hours, all_remaining, reason, requested_at, requested_on,
          answer_due, payment_bank_ref, status, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
        """,
        [
          e.request, e.enrollment, e.hours, e.allRemaining, e.reason, e.requestedAt,
          String(e.requestedAt.prefix(10)), e.answerDue, e.paymentBankRef, seq,
        ])
      try reserve(e.hours, request: e.request, db: db)
    case .refundRequestAgreed(let e):
      try answer(e.request, status: "agreed", basis: e.basis, reason: e.reason, on: e.on, seq: seq, db: db)
    case .refundRequestRefused(let e):
      try answer(e.request, status: "refused", basis: e.basis, reason: e.reason, on: e.on, seq: seq, db: db)
    case .refundRequestEscalated(let e):
      try db.run(
        "UPDATE refund_requests SET status = 'escalated', escalation_reason = ?, seq = ? WHERE id = ?",
        [e.reason, seq, e.request])
      let hours =
        try Int64.fetchOne(
          try db.cachedStatement(sql: "SELECT hours FROM refund_requests WHERE id = ?"),
          arguments: [e.request]) ?? 0
      try reserve(hours, request: e.request, db: db)
    case .ratingAdded(let e):
      try db.run(
        "INSERT INTO ratings(enrollment, institution, score, comment, rated_on, seq) VALUES (?, ?, ?, ?, ?, ?)",
        [e.enrollment, e.institution, e.score, e.comment, e.on, seq])
    case .parentErased(let e):
      // The personal data itself is deleted by the store's `erasePersonalData`, which
      // `ErasureOperation` calls after the entry: a projection rebuilt from the log deletes none.
      try ErasureSchema.record(parent: e.parent, seq: seq, db: db)
    }
  }

  static func answer(
    _ request: String, status: String, basis: RefundRequestBasis, reason: String, on: String, seq: Int64,
    db: Database
  ) throws {
    let hours =
      try Int64.fetchOne(
        try db.cachedStatement(sql: "SELECT hours FROM refund_requests WHERE id = ?"), arguments: [request])
      ?? 0
    try db.run(
      """
      UPDATE refund_requests SET status = ?, basis = ?, answer_reason = ?, answered_on = ?, seq = ?
      WHERE id = ?
      """, [status, basis.rawValue, reason, on, seq, request])
    if status == "refused" && basis == .institution {
      try db.run(
        "UPDATE refund_requests SET refused_reason = ?, refused_on = ? WHERE id = ?", [reason, on, request])
    }
    try reserve(-hours, request: request, db: db)
  }

  /// Adds `hours` (negative: frees them) to the hours reserved on the request's enrollment.
  static func reserve(_ hours: Int64, request: String, db: Database) throws {
    try db.run(
      """
      UPDATE enrollments SET hours_reserved = hours_reserved + ?
      WHERE id = (SELECT enrollment FROM refund_requests WHERE id = ?)
      """, [hours, request])
  }
}

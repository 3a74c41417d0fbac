import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// The questions of refund applications, ratings, credentials, erasure, `settle` and closing an
/// institution, answered from the tables (`RefundRequestOperation`, `RatingOperation`,
/// `CredentialOperation`, `ErasureOperation`, `SettleOperation` and `ClosureOperation` ask them).
extension SQLTransaction {
  func paymentBankRef(ofEnrollment id: String) throws -> String? {
    try RawStatement("SELECT bank_ref FROM enrollments WHERE id = ?", db: db).first(
      .text(id), read: { $0.text(0) })
  }

  func refundApplication(_ id: String) throws -> RefundApplication? {
    try Row.fetchOne(
      try db.cachedStatement(sql: "SELECT * FROM refund_requests WHERE id = ?"), arguments: [id]
    ).map(Self.application)
  }

  func openRefundApplications(dueBefore day: CalendarDate) throws -> [RefundApplication] {
    try Row.fetchAll(
      try db.cachedStatement(
        sql: "SELECT * FROM refund_requests WHERE status = 'open' AND answer_due < ? ORDER BY answer_due, seq"
      ),
      arguments: [day.description]
    ).map(Self.application)
  }

  func undecidedRefundApplications(ofInstitution uscc: String) throws -> [RefundApplication] {
    try Row.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT r.* FROM refund_requests r JOIN enrollments e ON e.id = r.enrollment
          WHERE e.institution = ? AND r.status IN ('open', 'escalated') ORDER BY r.seq
          """), arguments: [uscc]
    ).map(Self.application)
  }

  static func application(_ row: Row) -> RefundApplication {
    RefundApplication(
      id: row["id"], enrollment: row["enrollment"], hours: row["hours"], reason: row["reason"],
      requestedOn: row["requested_on"], answerDue: row["answer_due"], paymentBankRef: row["payment_bank_ref"],
      status: row["status"], basis: row["basis"], answeredOn: row["answered_on"], refund: row["refund"],
      seq: row["seq"])
  }

  func pendingLessons(recordedBefore day: CalendarDate) throws -> [PendingLesson] {
    try Row.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT l.id, l.recorded_on, i.region FROM lessons l
          JOIN enrollments e ON e.id = l.enrollment JOIN institutions i ON i.uscc = e.institution
          WHERE l.status = 'pending' AND l.recorded_on < ? ORDER BY l.recorded_on, l.seq
          """), arguments: [day.description]
    ).map {
      PendingLesson(
        id: $0["id"], recordedOn: try CalendarDate.parse($0["recorded_on"], field: "recorded_on"),
        region: $0["region"])
    }
  }

  func unconfirmedLessons(ofInstitution uscc: String) throws -> [String] {
    try String.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT l.id FROM lessons l JOIN enrollments e ON e.id = l.enrollment
          WHERE e.institution = ? AND l.status IN ('pending', 'disputed') ORDER BY l.seq
          """), arguments: [uscc])
  }

  func enrollmentsHoldingEscrow(ofInstitution uscc: String) throws -> [String] {
    try String.fetchAll(
      try db.cachedStatement(
        sql: "SELECT id FROM enrollments WHERE institution = ? AND escrow_fen > 0 ORDER BY seq"),
      arguments: [uscc])
  }

  func rating(ofEnrollment id: String) throws -> RatingAdded? {
    try Row.fetchOne(
      try db.cachedStatement(sql: "SELECT * FROM ratings WHERE enrollment = ?"), arguments: [id]
    ).map {
      RatingAdded(
        enrollment: $0["enrollment"], institution: $0["institution"], score: $0["score"],
        comment: $0["comment"], on: $0["rated_on"])
    }
  }

  func credential(_ id: String) throws -> CredentialStanding? {
    try Row.fetchOne(db, sql: "SELECT * FROM credentials WHERE id = ?", arguments: [id]).map {
      CredentialStanding(
        id: $0["id"], role: $0["role"], institution: $0["institution"], parent: $0["parent"],
        bank: $0["bank"], seq: $0["seq"], revokedSeq: $0["revoked_seq"], revokedReason: $0["revoked_reason"])
    }
  }

  func escrowBanks() throws -> [String] {
    try String.fetchAll(
      db, sql: "SELECT DISTINCT escrow_bank FROM institutions WHERE escrow_account <> '' ORDER BY escrow_bank"
    )
  }

  func erasureSeq(ofParent id: String) throws -> Int64? {
    try Int64.fetchOne(db, sql: "SELECT seq FROM erasures WHERE parent = ?", arguments: [id])
  }

  func erasePersonalData(ofParent id: String) throws { try ErasureSchema.erasePersons(ofParent: id, db: db) }
}

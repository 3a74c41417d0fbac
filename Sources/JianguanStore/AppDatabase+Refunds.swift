import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Refunds unconsumed hours of an enrollment (`hours` nil = all remaining) to the parent.
  public func refund(enrollment: String, hours: String?, reason: String, bankRef: String) throws -> Recorded {
    let enrollmentID = try Self.validateID(enrollment, field: "enrollment", prefix: "E")
    let hourCount = try hours.map { try Money.parseCount($0, field: "hours", range: 1...1000) }
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    let ref = try Self.validateBankRef(bankRef)
    return try write { db in
      try refund(enrollment: enrollmentID, hours: hourCount, reason: reasonText, bankRef: ref, db: db)
    }
  }

  func refund(
    enrollment: String, hours: Int64?, reason: String, bankRef: String, request: String? = nil, db: Database
  ) throws -> Recorded {
    Recorded(
      try RefundOperation.run(
        enrollment: enrollment, hours: hours, reason: reason, bankRef: bankRef, request: request,
        in: SQLTransaction(database: self, db: db)))
  }

  /// Closes an institution in one transaction: voids its unconfirmed lessons, refunds every
  /// enrollment's remaining hours to the parents (bank references `PREFIX-ENROLLMENT`), then revokes it.
  public func closeInstitution(uscc: String, reason: String, bankRefPrefix: String) throws -> [Recorded] {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    _ = try Self.validateBankRef(bankRefPrefix + "-E1")
    return try write { db in
      let institution = try requireInstitution(uscc, db: db)
      guard institution.status != "revoked" else {
        throw Rejection("institution_already_revoked", "institution \(uscc) is already revoked")
      }
      var recorded: [Recorded] = []
      let open = try Row.fetchAll(
        try db.cachedStatement(
          sql: """
            SELECT l.id FROM lessons l JOIN enrollments e ON e.id = l.enrollment
            WHERE e.institution = ? AND l.status IN ('pending', 'disputed') ORDER BY l.seq
            """), arguments: [uscc])
      for row in open {
        let lesson: String = row["id"]
        let event = LessonVoided(
          lesson: lesson, reason: "institution closed before the lesson was confirmed: \(reasonText)")
        recorded.append(Recorded(id: lesson, seq: try appendToLog(.lessonVoided(event), db: db)))
      }
      recorded += try executeRefundRequestsOnClosure(uscc: uscc, reason: reasonText, db: db)
      let holding = try String.fetchAll(
        try db.cachedStatement(
          sql: "SELECT id FROM enrollments WHERE institution = ? AND escrow_fen > 0 ORDER BY seq"),
        arguments: [uscc])
      for enrollment in holding {
        let ref = try Self.validateBankRef("\(bankRefPrefix)-\(enrollment)")
        recorded.append(
          try refund(enrollment: enrollment, hours: nil, reason: reasonText, bankRef: ref, db: db))
      }
      try RegistryEntryRules.requireNoEscrow(uscc, SQLTransaction(database: self, db: db))
      let event = InstitutionStatusChanged(uscc: uscc, status: .revoked, reason: reasonText)
      recorded.append(
        Recorded(id: uscc, seq: try appendToLog(.institutionStatusChanged(event), db: db)))
      return recorded
    }
  }
}

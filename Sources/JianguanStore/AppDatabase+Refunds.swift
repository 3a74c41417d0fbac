import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Refunds unconsumed hours of an enrollment (`hours` nil = all remaining) to the parent.
  public func refund(enrollment: String, hours: String?, reason: String, bankRef: String) throws -> Recorded {
    let request = try Self.refundRequest(
      enrollment: enrollment, hours: hours, reason: reason, bankRef: bankRef)
    return try write { db in
      try refund(
        enrollment: request.enrollment, hours: request.hours, reason: request.reason,
        bankRef: request.bankRef,
        db: db)
    }
  }

  /// A refund's fields as typed, each checked (nil hours: every hour remaining).
  public static func refundRequest(enrollment: String, hours: String?, reason: String, bankRef: String) throws
    -> (enrollment: String, hours: Int64?, reason: String, bankRef: String)
  {
    (
      try validateID(enrollment, field: "enrollment", prefix: "E"),
      try hours.map { try Money.parseCount($0, field: "hours", range: 1...1000) },
      try TextField.validateForLedger(reason, field: "reason", maxLength: 500),
      try validateBankRef(bankRef)
    )
  }

  func refund(
    enrollment: String, hours: Int64?, reason: String, bankRef: String, request: String? = nil, db: Database
  ) throws -> Recorded {
    Recorded(
      try RefundOperation.run(
        enrollment: enrollment, hours: hours, reason: reason, bankRef: bankRef, request: request,
        in: SQLTransaction(database: self, db: db)))
  }

  /// Closes an institution in one transaction (`ClosureOperation`): voids its unconfirmed
  /// lessons, executes its open refund applications, refunds every enrollment's remaining hours to
  /// the parents (bank references `PREFIX-ENROLLMENT`), then revokes it.
  public func closeInstitution(uscc: String, reason: String, bankRefPrefix: String) throws -> [Recorded] {
    try write { db in
      try Self.closeInstitution(
        uscc: uscc, reason: reason, bankRefPrefix: bankRefPrefix, in: SQLTransaction(database: self, db: db)
      ).map(Recorded.init)
    }
  }

  /// The same on any store.
  public static func closeInstitution(
    uscc: String, reason: String, bankRefPrefix: String, in transaction: some LedgerTransaction
  ) throws -> [Appended] {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    _ = try validateBankRef(bankRefPrefix + "-E1")
    return try ClosureOperation.close(
      uscc, reason: reasonText, bankRef: { try validateBankRef("\(bankRefPrefix)-\($0)") }, in: transaction)
  }
}

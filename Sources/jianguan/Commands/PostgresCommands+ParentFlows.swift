import JianguanCore
import JianguanLedger
import JianguanPostgres
import JianguanStore

/// Refund applications, ratings, credentials, erasure, `settle` and closing an institution on a
/// bureau's log: the same operations (`RefundRequestOperation`, `RatingOperation`,
/// `CredentialOperation`, `ErasureOperation`, `SettleOperation`, `ClosureOperation`) and the same
/// forms as on a file, each in one PostgreSQL transaction.
extension PostgresCommands {
  /// `refund-request create`.
  static func createRefundRequest(
    enrollment: String, hours: String?, reason: String, _ global: GlobalOptions
  ) throws -> OpenedApplication {
    let now = try Environment.now()
    return try writing(global, now: now) {
      try AppDatabase.createRefundRequest(
        enrollment: enrollment, hours: hours, reason: reason, now: now, in: $0)
    }
  }

  /// `refund-request answer`.
  static func answerRefundRequest(_ request: String, agree: Bool, reason: String, _ global: GlobalOptions)
    throws -> RefundRequestOutcome
  {
    let now = try Environment.now()
    return try writing(global, now: now) {
      try AppDatabase.answerRefundRequest(request, agree: agree, reason: reason, today: now.date, in: $0)
    }
  }

  /// `refund-request escalate`.
  static func escalateRefundRequest(_ request: String, reason: String, _ global: GlobalOptions) throws
    -> Recorded
  {
    let now = try Environment.now()
    return Recorded(
      try writing(global, now: now) {
        try AppDatabase.escalateRefundRequest(request, reason: reason, today: now.date, in: $0)
      })
  }

  /// `refund-request decide`.
  static func decideRefundRequest(_ request: String, agree: Bool, reason: String, _ global: GlobalOptions)
    throws -> RefundRequestOutcome
  {
    let now = try Environment.now()
    return try writing(global, now: now) {
      try AppDatabase.decideRefundRequest(request, agree: agree, reason: reason, today: now.date, in: $0)
    }
  }

  /// `settle`: deemed lesson releases and overdue applications as of `asOf`.
  static func settle(asOf: CalendarDate, _ global: GlobalOptions) throws -> Settlement {
    try writing(global, now: try Environment.now()) {
      Settlement(try SettleOperation.run(asOf: asOf, in: $0))
    }
  }

  /// `rating add`.
  static func addRating(enrollment: String, score: String, comment: String?, _ global: GlobalOptions) throws
    -> Recorded
  {
    let now = try Environment.now()
    return Recorded(
      try writing(global, now: now) {
        try AppDatabase.addRating(
          enrollment: enrollment, score: score, comment: comment, today: now.date, in: $0)
      })
  }

  /// `credential issue`: the scope checked before the bureau's log is read.
  static func issueCredential(
    role: CredentialRole, institution: String?, parent: String?, bank: String?, _ global: GlobalOptions
  ) throws -> IssuedCredential {
    try CredentialOperation.checkScope(role: role, institution: institution, parent: parent, bank: bank)
    return try writing(global, now: try Environment.now()) {
      try AppDatabase.issueCredential(
        role: role, institution: institution, parent: parent, bank: bank, in: $0)
    }
  }

  /// `credential revoke`.
  static func revokeCredential(_ id: String, reason: String, _ global: GlobalOptions) throws -> Recorded {
    try write(global) { try AppDatabase.revokeCredential(id, reason: reason, in: $0) }
  }

  /// `credential list`, from the state the bureau's log replays to.
  static func credentials(_ global: GlobalOptions) throws -> [CredentialRecord] {
    try withLog(global) { log in try log.read { try $0.state.credentials.issued.map(CredentialRecord.init) } }
  }

  /// `parent erase`: the `parent.erased` entry, and the family's sealed rows of this bureau
  /// emptied in the same transaction.
  static func eraseParent(_ parent: String, reason: String?, confirmed: Bool, _ global: GlobalOptions) throws
    -> Recorded
  {
    try write(global) { try AppDatabase.eraseParent(parent, reason: reason, confirmed: confirmed, in: $0) }
  }

  /// `institution close`: `ClosureOperation`, every entry of the closure in one transaction.
  static func closeInstitution(uscc: String, reason: String, bankRefPrefix: String, _ global: GlobalOptions)
    throws -> [Recorded]
  {
    try writing(global, now: try Environment.now()) {
      try AppDatabase.closeInstitution(uscc: uscc, reason: reason, bankRefPrefix: bankRefPrefix, in: $0)
    }.map(Recorded.init)
  }

  /// Runs one operation on the bureau's log, its entries dated `now`, and returns what it gives.
  private static func writing<T>(
    _ global: GlobalOptions, now: LocalDateTime, _ body: (ReplayedLedger) throws -> T
  )
    throws -> T
  {
    try withLog(global) { log in try log.write(clock: now, body) }
  }
}

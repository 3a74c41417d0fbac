import JianguanCore

/// Who may see which record: the one rule the service's routes and the web pages' forms both
/// apply. A record outside the principal's scope is answered exactly as a record that does not
/// exist (the store's own "does not exist" sentence), so nobody learns that it exists.
extension AppDatabase {
  /// The record of `kind`, if `principal` may see it; else the store's "does not exist".
  public func record(_ kind: ViewKind, _ id: String, for principal: Principal) throws -> ViewRecord {
    try read { _ in
      let record = try show(kind, id)
      guard try isVisible(kind, record, to: principal) else { throw Self.unknown(kind, id) }
      return record
    }
  }

  /// Whether `principal` may see `record`: a regulator everything; an institution its own; a
  /// parent their children's enrollments and what hangs on them; a bank the records of the
  /// institutions whose escrow accounts it holds; an auditor none (the log, not the registry).
  public func isVisible(_ kind: ViewKind, _ record: ViewRecord, to principal: Principal) throws -> Bool {
    switch kind {
    case .lessons, .refunds, .refundRequests:
      guard let enrollment = record.text("enrollment") else { return false }
      return try isVisible(.enrollments, show(.enrollments, enrollment), to: principal)
    case .enrollments:
      return try isEnrollmentVisible(
        institution: record.text("institution"), parent: record.text("parent"), to: principal)
    case .venues, .teachers, .courses, .classes:
      switch principal.role {
      case .regulator: return true
      case .institution: return record.text("institution") == principal.institution
      case .bank: return try record.text("institution").map { try holdsEscrow($0, principal) } ?? false
      case .parent, .auditor: return false
      }
    }
  }

  /// Whether `principal` may see an enrollment of `institution` paid for `parent`'s child.
  func isEnrollmentVisible(institution: String?, parent: String?, to principal: Principal) throws -> Bool {
    switch principal.role {
    case .regulator: return true
    case .institution: return institution == principal.institution
    case .parent: return parent == principal.parent
    case .bank: return try institution.map { try holdsEscrow($0, principal) } ?? false
    case .auditor: return false
    }
  }

  /// The balance of enrollment `id`, if `principal` may see it (else the store's "does not
  /// exist", as `record(.enrollments, id, for:)` says it): the figures of
  /// `balance(.enrollment(id))` from one query of one row, the service's most frequent read.
  public func balance(ofEnrollment id: String, for principal: Principal) throws -> BalanceSummary {
    _ = try Self.validateID(id, field: ViewKind.enrollments.noun, prefix: ViewKind.enrollments.idPrefix)
    return try read { db in
      let statement = try RawStatement(
        """
        SELECT institution, parent, amount_fen, released_fen, refunded_fen, escrow_fen, hours_paid,
          hours_consumed, hours_refunded, hours_pending, hours_reserved
        FROM enrollments WHERE id = ?
        """, db: db)
      let found = try statement.first(.text(id)) { row in
        let institution = row.isNull(0) ? nil : row.text(0)
        let parent = row.isNull(1) ? nil : row.text(1)
        var summary = BalanceSummary()
        summary.enrollments = 1
        summary.paidFen = row.integer(2)
        summary.releasedFen = row.integer(3)
        summary.refundedFen = row.integer(4)
        summary.escrowFen = row.integer(5)
        summary.hoursPaid = row.integer(6)
        summary.hoursConsumed = row.integer(7)
        summary.hoursRefunded = row.integer(8)
        summary.hoursPending = row.integer(9)
        summary.hoursReserved = row.integer(10)
        summary.hoursRemaining = summary.computedHoursRemaining
        return (institution, parent, summary)
      }
      guard let (institution, parent, summary) = found,
        try isEnrollmentVisible(institution: institution, parent: parent, to: principal)
      else { throw Self.unknown(.enrollments, id) }
      return summary
    }
  }

  /// The institution, if `principal` may see it; else the store's "is not registered".
  public func institution(_ uscc: String, for principal: Principal) throws -> InstitutionSummary {
    let summary = try institution(uscc)
    guard Self.isVisible(summary, to: principal) else { throw Self.unknownInstitution(uscc) }
    return summary
  }

  public static func isVisible(_ summary: InstitutionSummary, to principal: Principal) -> Bool {
    switch principal.role {
    case .regulator: true
    case .institution: summary.uscc == principal.institution
    case .bank: summary.escrowBank == principal.bank
    case .parent, .auditor: false
    }
  }

  /// The refusal for a record that does not exist, word for word the store's.
  public static func unknown(_ kind: ViewKind, _ id: String) -> Rejection {
    Rejection(
      "\(kind.noun.replacingOccurrences(of: " ", with: "_"))_unknown",
      "\(kind.noun) \(Rejection.quote(id)) does not exist")
  }

  public static func unknownInstitution(_ uscc: String) -> Rejection {
    Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
  }

  /// The bank principal holds the escrow account of institution `uscc`.
  func holdsEscrow(_ uscc: String, _ principal: Principal) throws -> Bool {
    guard principal.role == .bank, let bank = principal.bank else { return false }
    return try institution(uscc).escrowBank == bank
  }
}

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
      switch principal.role {
      case .regulator: return true
      case .institution: return record.text("institution") == principal.institution
      case .parent: return record.text("parent") == principal.parent
      case .bank: return try record.text("institution").map { try holdsEscrow($0, principal) } ?? false
      case .auditor: return false
      }
    case .venues, .teachers, .courses, .classes:
      switch principal.role {
      case .regulator: return true
      case .institution: return record.text("institution") == principal.institution
      case .bank: return try record.text("institution").map { try holdsEscrow($0, principal) } ?? false
      case .parent, .auditor: return false
      }
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

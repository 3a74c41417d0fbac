import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// Who may see and do what. A record outside the asker's scope is answered exactly as a record
/// that does not exist (the store's own "does not exist" sentence); a route a role may never use
/// is 403.
enum Scope {
  /// 403 unless the principal's role is one of `roles`.
  static func require(_ principal: Principal, _ roles: Set<CredentialRole>, route: String) throws {
    guard roles.contains(principal.role) else {
      throw APIError(
        .forbidden, "role_not_allowed",
        "\(principal.role == .auditor || principal.role == .institution ? "an" : "a") \(principal.role.rawValue) credential may not use \(route)"
      )
    }
  }

  /// The refusal for a record that does not exist, word for word the store's.
  static func unknown(_ kind: ViewKind, _ id: String) -> Rejection {
    Rejection(
      "\(kind.noun.replacingOccurrences(of: " ", with: "_"))_unknown",
      "\(kind.noun) \(Rejection.quote(id)) does not exist")
  }

  static func unknownInstitution(_ uscc: String) -> Rejection {
    Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
  }

  /// The record of `kind`, if the principal may see it; else the store's "does not exist".
  static func record(_ kind: ViewKind, _ id: String, for principal: Principal, in database: AppDatabase)
    throws -> ViewRecord
  {
    let record = try database.show(kind, id)
    guard try visible(kind, record, to: principal, in: database) else { throw unknown(kind, id) }
    return record
  }

  static func visible(
    _ kind: ViewKind, _ record: ViewRecord, to principal: Principal, in database: AppDatabase
  )
    throws -> Bool
  {
    switch kind {
    case .lessons, .refunds, .refundRequests:
      guard let enrollment = record.text("enrollment") else { return false }
      return try visible(.enrollments, database.show(.enrollments, enrollment), to: principal, in: database)
    case .enrollments:
      switch principal.role {
      case .regulator: return true
      case .institution: return record.text("institution") == principal.institution
      case .parent: return record.text("parent") == principal.parent
      case .bank:
        return try record.text("institution").map { try holdsEscrow($0, principal, database) } ?? false
      case .auditor: return false
      }
    case .venues, .teachers, .courses, .classes:
      switch principal.role {
      case .regulator: return true
      case .institution: return record.text("institution") == principal.institution
      case .bank:
        return try record.text("institution").map { try holdsEscrow($0, principal, database) } ?? false
      case .parent, .auditor: return false
      }
    }
  }

  /// The institution, if the principal may see it.
  static func institution(_ uscc: String, for principal: Principal, in database: AppDatabase) throws
    -> InstitutionSummary
  {
    let summary = try database.institution(uscc)
    guard institutionVisible(summary, to: principal) else { throw unknownInstitution(uscc) }
    return summary
  }

  static func institutionVisible(_ summary: InstitutionSummary, to principal: Principal) -> Bool {
    switch principal.role {
    case .regulator: true
    case .institution: summary.uscc == principal.institution
    case .bank: summary.escrowBank == principal.bank
    case .parent, .auditor: false
    }
  }

  /// The bank principal holds the escrow account of institution `uscc`.
  static func holdsEscrow(_ uscc: String, _ principal: Principal, _ database: AppDatabase) throws -> Bool {
    guard principal.role == .bank, let bank = principal.bank else { return false }
    return try database.institution(uscc).escrowBank == bank
  }
}

extension ViewRecord {
  /// A text field of the record.
  func text(_ name: String) -> String? {
    guard let value = fields.first(where: { $0.name == name })?.value, case .string(let text) = value else {
      return nil
    }
    return text
  }
}

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

  static func unknownInstitution(_ uscc: String) -> Rejection { AppDatabase.unknownInstitution(uscc) }

  /// The record of `kind`, if the principal may see it; else the store's "does not exist" (the
  /// store's scope rule, which the web pages' forms apply too).
  static func record(_ kind: ViewKind, _ id: String, for principal: Principal, in database: AppDatabase)
    throws -> ViewRecord
  {
    try database.record(kind, id, for: principal)
  }

  /// The institution, if the principal may see it.
  static func institution(_ uscc: String, for principal: Principal, in database: AppDatabase) throws
    -> InstitutionSummary
  {
    try database.institution(uscc, for: principal)
  }

  static func institutionVisible(_ summary: InstitutionSummary, to principal: Principal) -> Bool {
    AppDatabase.isVisible(summary, to: principal)
  }
}

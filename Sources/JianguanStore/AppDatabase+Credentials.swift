import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// Who a request to the platform service speaks for: a credential that is issued and not revoked.
public struct Principal: Sendable, Equatable {
  /// The credential's id, `C1`.
  public let credential: String
  public let role: CredentialRole
  /// The institution's USCC, when `role` is `.institution`.
  public let institution: String?
  /// The parent's id (`P1`), when `role` is `.parent`.
  public let parent: String?
  /// The escrow bank's name (as institutions name it), when `role` is `.bank`.
  public let bank: String?

  public init(
    credential: String, role: CredentialRole, institution: String? = nil, parent: String? = nil,
    bank: String? = nil
  ) {
    self.credential = credential
    self.role = role
    self.institution = institution
    self.parent = parent
    self.bank = bank
  }
}

/// A credential just issued: its secret token is shown this once and stored nowhere.
public struct IssuedCredential: Sendable {
  public let principal: Principal
  public let token: String
  public let seq: Int64
}

/// A credential as `credential list` shows it (never its token or hash).
public struct CredentialRecord: Sendable, Equatable {
  public let principal: Principal
  public let seq: Int64
  public let revokedSeq: Int64?
  public let revokedReason: String?
}

extension CredentialRecord {
  /// A credential as the log left it (a store without a credentials table reads the replay's).
  public init(_ standing: CredentialStanding) throws {
    guard let role = CredentialRole(rawValue: standing.role) else {
      throw StoreIntegrityError(
        "credential \(standing.id) has unknown role \(standing.role); run `jianguan audit`")
    }
    self.init(
      principal: Principal(
        credential: standing.id, role: role, institution: standing.institution, parent: standing.parent,
        bank: standing.bank),
      seq: standing.seq, revokedSeq: standing.revokedSeq, revokedReason: standing.revokedReason)
  }
}

extension AppDatabase {
  /// The prefix of every token: tells a reader (and a secret scanner) what it is.
  public static let tokenPrefix = CredentialOperation.tokenPrefix

  /// SHA-256 of a token's UTF-8 bytes: what the log and the table keep of it.
  static func tokenHash(_ token: String) -> [UInt8] { CredentialOperation.tokenHash(token) }

  /// Issues a credential for `role`, scoped as the role needs: `institution` (a registered USCC),
  /// `parent` (a registered parent whose data was not erased) or `bank` (a bank that holds some
  /// institution's escrow account). Appends `credential.issued`; the token is returned once.
  public func issueCredential(
    role: CredentialRole, institution: String? = nil, parent: String? = nil, bank: String? = nil
  ) throws -> IssuedCredential {
    try CredentialOperation.checkScope(role: role, institution: institution, parent: parent, bank: bank)
    return try write { db in
      try Self.issueCredential(
        role: role, institution: institution, parent: parent, bank: bank,
        in: SQLTransaction(database: self, db: db))
    }
  }

  /// The same on any store: a new token, then `CredentialOperation`.
  public static func issueCredential(
    role: CredentialRole, institution: String?, parent: String?, bank: String?,
    in transaction: some LedgerTransaction
  ) throws -> IssuedCredential {
    let token = CredentialOperation.newToken()
    let appended = try CredentialOperation.issue(
      role: role, institution: institution, parent: parent, bank: bank, token: token, in: transaction)
    return IssuedCredential(
      principal: Principal(
        credential: appended.id, role: role, institution: institution, parent: parent, bank: bank),
      token: token, seq: appended.seq)
  }

  /// Revokes credential `id` (`C3`): from the `credential.revoked` entry on, its token admits nothing.
  public func revokeCredential(_ id: String, reason: String) throws -> Recorded {
    try write { db in
      Recorded(try Self.revokeCredential(id, reason: reason, in: SQLTransaction(database: self, db: db)))
    }
  }

  /// The same on any store.
  public static func revokeCredential(_ id: String, reason: String, in transaction: some LedgerTransaction)
    throws -> Appended
  {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 200)
    return try CredentialOperation.revoke(id, reason: reasonText, in: transaction)
  }

  /// Every credential, in the order issued.
  public func credentials() throws -> [CredentialRecord] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM credentials ORDER BY rowid").map { row in
        CredentialRecord(
          principal: try Self.principal(row), seq: row["seq"], revokedSeq: row["revoked_seq"],
          revokedReason: row["revoked_reason"])
      }
    }
  }

  /// The principal a bearer token speaks for; nil when the token is malformed, unknown or
  /// revoked, or names a parent whose data was erased. The token is looked up by its hash, so
  /// the time taken says nothing about how close a guess was. A token that admitted someone is
  /// not looked up again until another connection commits (`PrincipalCache`).
  public func principal(bearerToken: String) throws -> Principal? {
    guard bearerToken.utf8.count == Self.tokenPrefix.utf8.count + 64, bearerToken.hasPrefix(Self.tokenPrefix)
    else { return nil }
    return try read { db in
      let version = PrincipalCache.Version(
        dataVersion: try RawStatement("PRAGMA data_version", db: db).first { $0.integer(0) } ?? 0,
        ownChanges: db.totalChangesCount)
      if let known = principals.principal(bearerToken, version: version) { return known }
      let hash = Self.tokenHash(bearerToken)
      guard
        let row = try Row.fetchOne(
          try db.cachedStatement(
            sql: """
              SELECT c.* FROM credentials c
              WHERE c.token_hash = ? AND c.revoked_seq IS NULL
                AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.parent = c.parent)
              """), arguments: [Data(hash)])
      else { return nil }
      let principal = try Self.principal(row)
      principals.store(principal, token: bearerToken, version: version)
      return principal
    }
  }

  static func principal(_ row: Row) throws -> Principal {
    let roleText: String = row["role"]
    guard let role = CredentialRole(rawValue: roleText) else {
      throw StoreIntegrityError(
        "credential \(row["id"] as String) has unknown role \(roleText); run `jianguan audit`")
    }
    return Principal(
      credential: row["id"], role: role, institution: row["institution"], parent: row["parent"],
      bank: row["bank"])
  }
}

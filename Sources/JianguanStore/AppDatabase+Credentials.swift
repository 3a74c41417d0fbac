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

extension AppDatabase {
  /// The prefix of every token: tells a reader (and a secret scanner) what it is.
  public static let tokenPrefix = "jg_"

  /// SHA-256 of a token's UTF-8 bytes: what the log and the table keep of it.
  static func tokenHash(_ token: String) -> [UInt8] { SHA256.hash(Array(token.utf8)) }

  /// Issues a credential for `role`, scoped as the role needs: `institution` (a registered USCC),
  /// `parent` (a registered parent whose data was not erased) or `bank` (a bank that holds some
  /// institution's escrow account). Appends `credential.issued`; the token is returned once.
  public func issueCredential(
    role: CredentialRole, institution: String? = nil, parent: String? = nil, bank: String? = nil
  ) throws -> IssuedCredential {
    let scopes = [("institution", institution), ("parent", parent), ("bank", bank)]
    for (option, value) in scopes where value != nil && option != role.scopeOption {
      throw Rejection(
        "credential_scope_not_for_role",
        "--\(option) \(Rejection.quote(value!)) does not apply to role \(role.rawValue)"
          + (role.scopeOption.map { "; it is scoped by --\($0)" } ?? "; it has no scope"))
    }
    if let option = role.scopeOption, scopes.first(where: { $0.0 == option })?.1 == nil {
      throw Rejection(
        "credential_scope_missing", "role \(role.rawValue) needs --\(option) to say whose records it may use")
    }
    let token = Self.tokenPrefix + Hex.encode(SecureRandom.bytes(32))
    return try write { db in
      if let uscc = institution {
        guard
          try Bool.fetchOne(db, sql: "SELECT 1 FROM institutions WHERE uscc = ?", arguments: [uscc]) == true
        else {
          throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
        }
      }
      if let parent {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM parents WHERE id = ?", arguments: [parent]) == true
        else { throw Rejection("parent_unknown", "parent \(Rejection.quote(parent)) is not registered") }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM erasures WHERE parent = ?", arguments: [parent]) == true
        {
          throw Rejection(
            "parent_erased",
            "parent \(parent)'s personal data was erased; no credential can be issued to them")
        }
      }
      if let bank {
        let banks = try String.fetchAll(
          db,
          sql: "SELECT DISTINCT escrow_bank FROM institutions WHERE escrow_account <> '' ORDER BY escrow_bank"
        )
        guard banks.contains(bank) else {
          let named = banks.prefix(8).map { Rejection.quote($0) }.joined(separator: ", ")
          throw Rejection(
            "bank_holds_no_escrow",
            "bank \(Rejection.quote(bank)) holds no institution's escrow account in this bureau"
              + (banks.isEmpty ? "" : "; the escrow banks are \(named)\(banks.count > 8 ? ", …" : "")"))
        }
      }
      let id = try LedgerWriter.nextID("C", table: "credentials", db: db)
      let issued = CredentialIssued(
        id: id, role: role.rawValue, institution: institution, parent: parent, bank: bank,
        tokenHash: Hex.encode(Self.tokenHash(token)))
      let seq = try appendToLog(.credential(.issued(issued)), db: db)
      return IssuedCredential(
        principal: Principal(
          credential: id, role: role, institution: institution, parent: parent, bank: bank),
        token: token, seq: seq)
    }
  }

  /// Revokes credential `id` (`C3`): from the `credential.revoked` entry on, its token admits nothing.
  public func revokeCredential(_ id: String, reason: String) throws -> Recorded {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 200)
    return try write { db in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT revoked_seq FROM credentials WHERE id = ?", arguments: [id])
      else {
        throw Rejection("credential_unknown", "credential \(Rejection.quote(id)) was never issued")
      }
      if let revoked = row[0] as Int64? {
        throw Rejection("credential_revoked", "credential \(id) was already revoked at seq \(revoked)")
      }
      let seq = try appendToLog(.credential(.revoked(CredentialRevoked(id: id, reason: reasonText))), db: db)
      return Recorded(id: id, seq: seq)
    }
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
        dataVersion: try Int64.fetchOne(try db.cachedStatement(sql: "PRAGMA data_version")) ?? 0,
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

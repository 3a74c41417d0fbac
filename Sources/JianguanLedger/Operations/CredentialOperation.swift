import JianguanCore
import JianguanCrypto

/// A credential as the log left it: its role and scope, and whether it was revoked.
public struct CredentialStanding: Sendable, Equatable {
  public let id: String
  public let role: String
  public let institution: String?
  public let parent: String?
  public let bank: String?
  /// The seq of its `credential.issued` entry.
  public let seq: Int64
  public var revokedSeq: Int64?
  public var revokedReason: String?

  public init(
    id: String, role: String, institution: String?, parent: String?, bank: String?, seq: Int64,
    revokedSeq: Int64?, revokedReason: String?
  ) {
    self.id = id
    self.role = role
    self.institution = institution
    self.parent = parent
    self.bank = bank
    self.seq = seq
    self.revokedSeq = revokedSeq
    self.revokedReason = revokedReason
  }
}

/// The platform service's credentials: the bureau issues one for a role with the scope the role
/// needs, and revokes it. Written against the store interface, with no SQL; the replay checks the
/// same scopes. The token is made by the caller (`newToken`) and only its hash enters the log.
public enum CredentialOperation {
  /// The prefix of every token: tells a reader (and a secret scanner) what it is.
  public static let tokenPrefix = "jg_"

  /// A new secret token: the prefix and 32 random bytes in hex.
  public static func newToken() -> String { tokenPrefix + Hex.encode(SecureRandom.bytes(32)) }

  /// SHA-256 of a token's UTF-8 bytes: what the log and the tables keep of it.
  public static func tokenHash(_ token: String) -> [UInt8] { SHA256.hash(Array(token.utf8)) }

  /// Issues credential `C<n>` for `role`, scoped by `institution` (a registered USCC), `parent` (a
  /// registered parent whose data was not erased) or `bank` (a bank holding some institution's
  /// escrow account), exactly as the role needs; `token` is the secret the caller hands out.
  public static func issue(
    role: CredentialRole, institution: String?, parent: String?, bank: String?, token: String,
    in store: some LedgerTransaction
  ) throws -> Appended {
    try checkScope(role: role, institution: institution, parent: parent, bank: bank)
    if let uscc = institution, try store.registeredInstitution(uscc) == nil {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
    }
    if let parent {
      guard let erased = try store.parentErased(parent) else {
        throw Rejection("parent_unknown", "parent \(Rejection.quote(parent)) is not registered")
      }
      if erased {
        throw Rejection(
          "parent_erased", "parent \(parent)'s personal data was erased; no credential can be issued to them")
      }
    }
    if let bank {
      let banks = try store.escrowBanks()
      guard banks.contains(bank) else {
        let named = banks.prefix(8).map { Rejection.quote($0) }.joined(separator: ", ")
        throw Rejection(
          "bank_holds_no_escrow",
          "bank \(Rejection.quote(bank)) holds no institution's escrow account in this bureau"
            + (banks.isEmpty ? "" : "; the escrow banks are \(named)\(banks.count > 8 ? ", …" : "")"))
      }
    }
    let id = try store.nextID(.credential)
    let issued = CredentialIssued(
      id: id, role: role.rawValue, institution: institution, parent: parent, bank: bank,
      tokenHash: Hex.encode(tokenHash(token)))
    return Appended(id: id, seq: try store.append(.credential(.issued(issued))))
  }

  /// A scope given to a role it does not apply to, or missing where the role needs one.
  public static func checkScope(role: CredentialRole, institution: String?, parent: String?, bank: String?)
    throws
  {
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
  }

  /// Revokes credential `id` (`C3`): from its `credential.revoked` entry on, it admits nothing.
  public static func revoke(_ id: String, reason: String, in store: some LedgerTransaction) throws -> Appended
  {
    guard let credential = try store.credential(id) else {
      throw Rejection("credential_unknown", "credential \(Rejection.quote(id)) was never issued")
    }
    if let revoked = credential.revokedSeq {
      throw Rejection("credential_revoked", "credential \(id) was already revoked at seq \(revoked)")
    }
    return Appended(
      id: id, seq: try store.append(.credential(.revoked(CredentialRevoked(id: id, reason: reason)))))
  }
}

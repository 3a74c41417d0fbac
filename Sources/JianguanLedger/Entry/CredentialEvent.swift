/// Credentials of the platform service: who may call it, in which role and scope. Issuing and
/// revoking one are entries, so the `credentials` table is a projection the audit rebuilds, and a
/// credential added to the file by hand is found.
public enum CredentialEvent: Equatable, Sendable {
  case issued(CredentialIssued)
  case revoked(CredentialRevoked)

  /// Every entry kind of this group.
  public static let kinds: Set<String> = ["credential.issued", "credential.revoked"]

  public var kind: String {
    switch self {
    case .issued: "credential.issued"
    case .revoked: "credential.revoked"
    }
  }

  public var payload: JSONValue {
    switch self {
    case .issued(let body): JSONValueCoder.encode(body)
    case .revoked(let body): JSONValueCoder.encode(body)
    }
  }

  /// Decodes an entry of one of `kinds`; throws for any other kind or a malformed payload.
  public init(kind: String, payload: JSONValue) throws {
    func body<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueCoder.decode(type, from: payload) }
    switch kind {
    case "credential.issued": self = .issued(try body(CredentialIssued.self))
    case "credential.revoked": self = .revoked(try body(CredentialRevoked.self))
    default: throw Entry.FormatError(reason: "unknown entry kind \"\(kind)\"")
    }
  }
}

/// `credential.issued`: credential `id` (`C1`, `C2`, …) for `role`, scoped to one institution
/// (USCC), one parent (`P1`) or one bank (an escrow bank's name) as the role needs. The secret
/// token is never recorded: only `tokenHash`, the SHA-256 of its UTF-8 bytes in lowercase hex.
public struct CredentialIssued: Codable, Equatable, Sendable {
  public let id: String
  public let role: String
  public let institution: String?
  public let parent: String?
  public let bank: String?
  public let tokenHash: String
  public init(
    id: String, role: String, institution: String? = nil, parent: String? = nil, bank: String? = nil,
    tokenHash: String
  ) {
    self.id = id
    self.role = role
    self.institution = institution
    self.parent = parent
    self.bank = bank
    self.tokenHash = tokenHash
  }
}

/// `credential.revoked`: credential `id` no longer admits any request, and why.
public struct CredentialRevoked: Codable, Equatable, Sendable {
  public let id: String
  public let reason: String
  public init(id: String, reason: String) {
    self.id = id
    self.reason = reason
  }
}

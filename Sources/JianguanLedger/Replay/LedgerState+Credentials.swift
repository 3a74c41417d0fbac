import JianguanCore

/// What the replay keeps of the platform's credentials.
public struct CredentialState: Sendable {
  /// Each credential issued, in the order issued, with its revocation.
  public private(set) var issued: [CredentialStanding] = []
  /// The index in `issued` of each credential, by id.
  var index: [String: Int] = [:]
  var tokenHashes: Set<String> = []
  public var count: Int { index.count }

  /// A credential issued, by id.
  public func standing(_ id: String) -> CredentialStanding? { index[id].map { issued[$0] } }

  mutating func note(_ body: CredentialIssued, seq: Int64) {
    index[body.id] = issued.count
    issued.append(
      CredentialStanding(
        id: body.id, role: body.role, institution: body.institution, parent: body.parent, bank: body.bank,
        seq: seq, revokedSeq: nil, revokedReason: nil))
  }

  mutating func noteRevoked(_ body: CredentialRevoked, seq: Int64) {
    guard let position = index[body.id] else { return }
    issued[position].revokedSeq = seq
    issued[position].revokedReason = body.reason
  }
}

extension LedgerState {
  /// `credential.issued`: the next id `C<n>`, a known role with exactly the scope it needs (a
  /// registered institution, a registered parent whose data was not erased, a bank holding some
  /// institution's escrow account), and a token hash (64 lowercase hex digits) used by no other
  /// credential. `credential.revoked`: an issued credential not yet revoked, with a reason.
  mutating func applyCredential(_ event: CredentialEvent, seq: Int64, fault: (String) -> Void) {
    switch event {
    case .issued(let body):
      let expected = "C\(credentials.count + 1)"
      if body.id != expected { fault("credential \(body.id) is issued where \(expected) is next") }
      if credentials.index[body.id] != nil {
        fault("credential \(body.id) is issued twice")
      } else {
        credentials.note(body, seq: seq)
      }
      if !Self.isTokenHash(body.tokenHash) {
        fault("credential \(body.id)'s tokenHash is not 64 lowercase hex digits")
      } else if !credentials.tokenHashes.insert(body.tokenHash).inserted {
        fault("credential \(body.id) has the token hash of an earlier credential")
      }
      guard let role = CredentialRole(rawValue: body.role) else {
        fault("credential \(body.id) has unknown role \(body.role)")
        return
      }
      let given = [
        ("institution", body.institution), ("parent", body.parent), ("bank", body.bank),
      ].filter { $0.1 != nil }.map(\.0)
      if given != (role.scopeOption.map { [$0] } ?? []) {
        fault(
          "credential \(body.id) of role \(role.rawValue) is scoped by [\(given.joined(separator: ", "))]")
      }
      if let uscc = body.institution, institutions[uscc] == nil {
        fault("credential \(body.id) names unknown institution \(uscc)")
      }
      if let parent = body.parent {
        if !isParent(parent) {
          fault("credential \(body.id) names unknown parent \(parent)")
        } else if let erasedSeq = parentFlows.erasedParents[parent] {
          fault("credential \(body.id) names parent \(parent), whose data was erased at seq \(erasedSeq)")
        }
      }
      if let bank = body.bank,
        !parentFlows.institutionTerms.values.contains(where: {
          $0.escrowBank == bank && !$0.escrowAccount.isEmpty
        })
      {
        fault("credential \(body.id) names bank \(bank), which holds no institution's escrow account")
      }
    case .revoked(let body):
      switch credentials.standing(body.id)?.revokedSeq {
      case nil where credentials.index[body.id] == nil: fault("revocation of unknown credential \(body.id)")
      case nil: credentials.noteRevoked(body, seq: seq)
      case .some: fault("credential \(body.id) is revoked twice")
      }
      if body.reason.allSatisfy(\.isWhitespace) { fault("credential \(body.id) is revoked without a reason") }
    }
  }

  static func isTokenHash(_ text: String) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }
}

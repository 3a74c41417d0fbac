import JianguanCore

/// What the replay keeps to re-check the registry's once-only rules and the bureau's
/// jurisdiction, as the write path checks them: a forged ledger, re-hashed end to end, that
/// registers a licence twice is a fault, not a clean audit.
public struct RegistryUniqueness: Sendable {
  /// The genesis region: every institution registered is inside it.
  var bureauRegion: String?
  var licences: [String: String] = [:]
  var escrowAccounts: [String: String] = [:]
  var certificates: [String: String] = [:]
}

extension LedgerState {
  /// A licence number and a supervised escrow account (hyphens aside) belong to one institution,
  /// whose region is inside the bureau's.
  mutating func checkInstitutionOnce(_ body: InstitutionRegistered, fault: (String) -> Void) {
    if let bureau = registry.bureauRegion, !Region.code(body.region, isInside: bureau) {
      fault("institution \(body.uscc) is of region \(body.region), outside the bureau's region \(bureau)")
    }
    if let holder = registry.licences[body.licence] {
      fault("licence \(body.licence) of institution \(body.uscc) is already registered to \(holder)")
    }
    registry.licences[body.licence] = body.uscc
    let account = body.escrowAccount.filter { $0 != "-" }
    if !account.isEmpty {
      if let holder = registry.escrowAccounts[account] {
        fault("escrow account of institution \(body.uscc) is already the account of \(holder)")
      }
      registry.escrowAccounts[account] = body.uscc
    }
  }

  /// One teacher's certificate is one person.
  mutating func checkCertificateOnce(_ body: TeacherAdded, fault: (String) -> Void) {
    if let holder = registry.certificates[body.certificate] {
      fault(
        "certificate \(body.certificate) of teacher \(body.id) is already registered as teacher \(holder)")
    }
    registry.certificates[body.certificate] = body.id
  }
}

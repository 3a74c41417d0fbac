import JianguanCore

/// What the replay keeps to answer the registry's rules (`RegistryEntryRules`) as the write path's
/// tables answer them: a forged ledger, re-hashed end to end, that registers a licence twice or
/// opens a class that clashes with another is a fault, not a clean audit.
public struct RegistryUniqueness: Sendable {
  /// The genesis region: every institution registered is inside it.
  var bureauRegion: String?
  var licences: [String: String] = [:]
  var escrowAccounts: [String: String] = [:]
  var certificates: [String: String] = [:]
  /// The classes each teacher and each venue is in (by `ClassRecord.slot`, oldest first); a
  /// teacher's id and a venue's never coincide (`T…`, `V…`).
  var classesMet: [String: [Int32]] = [:]
}

extension LedgerState {
  /// Notes the licence and the supervised account (hyphens aside) an institution registers; the
  /// rules have checked that neither was registered before.
  mutating func noteInstitutionOnce(_ body: InstitutionRegistered) {
    registry.licences[body.licence] = registry.licences[body.licence] ?? body.uscc
    let account = body.escrowAccount.filter { $0 != "-" }
    if !account.isEmpty {
      registry.escrowAccounts[account] = registry.escrowAccounts[account] ?? body.uscc
    }
  }
}

extension LedgerState: RegistryState {
  public func bureauRegion() throws -> String { registry.bureauRegion ?? "" }

  public func registeredInstitution(_ uscc: String) throws -> RegisteredInstitution? {
    guard let state = institutions[uscc], let terms = parentFlows.institutionTerms[uscc] else { return nil }
    return RegisteredInstitution(
      uscc: uscc, status: state.status, kind: terms.kind, region: state.region, category: terms.category)
  }

  public func licenceHolder(_ licence: String) throws -> String? { registry.licences[licence] }

  public func escrowAccountHolder(digits: String) throws -> String? { registry.escrowAccounts[digits] }

  public func certificateHolder(_ certificate: String) throws -> (teacher: String, institution: String)? {
    guard let teacher = registry.certificates[certificate] else { return nil }
    return (teacher, teachers[teacher] ?? "")
  }

  public func escrowHeld(byInstitution uscc: String) throws -> (count: Int64, fen: Int64) {
    guard let institution = institutionIDs.slot(uscc) else { return (0, 0) }
    var held: (count: Int64, fen: Int64) = (0, 0)
    for slot in enrollmentRecords.indices {
      if slot % 4096 == 0 { scratch?.trimIfOverBudget() }
      let record = enrollmentRecords[slot]
      guard record.exists, record.institution == institution else { continue }
      let fen = escrowFen(Int32(slot))
      if fen > 0 {
        held.count += 1
        held.fen += fen
      }
    }
    return held
  }

  public func owner(ofVenue id: String) throws -> String? { venues[id] }

  public func owner(ofTeacher id: String) throws -> String? { teachers[id] }

  public func registeredCourse(_ id: String) throws -> CourseAdded? { courses[id] }

  public func classes(
    ofTeacher teacher: String, orVenue venue: String, overlapping starts: String, _ ends: String
  )
    throws -> [ScheduledClass]
  {
    let slots = Set((registry.classesMet[teacher] ?? []) + (registry.classesMet[venue] ?? [])).sorted()
    return slots.compactMap { slot in
      let id = classIDs[Int(slot)]
      guard let klass = classes[id], klass.starts <= ends, klass.ends >= starts else { return nil }
      return ScheduledClass(
        id: id, teacher: klass.teacher, venue: klass.venue, starts: klass.starts, ends: klass.ends,
        schedule: klass.schedule)
    }
  }
}

import JianguanCore

/// Closing an institution (注销) in one transaction: its unconfirmed lessons are voided, its open
/// and escalated refund applications agreed and executed, every enrollment's remaining escrow
/// refunded to the parents, and then it is revoked. Written against the store interface, with no
/// SQL; the replay checks each entry.
public enum ClosureOperation {
  /// Closes institution `uscc` for `reason`; `bankRef` gives the bank reference of the refund of
  /// each enrollment (`PREFIX-E12`), checked as the caller checks references.
  public static func close(
    _ uscc: String, reason: String, bankRef: (_ enrollment: String) throws -> String,
    in store: some LedgerTransaction
  ) throws -> [Appended] {
    guard let institution = try store.registeredInstitution(uscc) else {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
    }
    guard institution.status != "revoked" else {
      throw Rejection("institution_already_revoked", "institution \(uscc) is already revoked")
    }
    var appended: [Appended] = []
    for lesson in try store.unconfirmedLessons(ofInstitution: uscc) {
      let event = LessonVoided(
        lesson: lesson, reason: "institution closed before the lesson was confirmed: \(reason)")
      appended.append(Appended(id: lesson, seq: try store.append(.lessonVoided(event))))
    }
    for answered in try RefundRequestOperation.agreeOnClosure(institution: uscc, reason: reason, in: store) {
      appended.append(answered.answer)
      if let refund = answered.refund { appended.append(refund) }
    }
    for enrollment in try store.enrollmentsHoldingEscrow(ofInstitution: uscc) {
      appended.append(
        try RefundOperation.run(
          enrollment: enrollment, hours: nil, reason: reason, bankRef: try bankRef(enrollment), in: store))
    }
    try RegistryEntryRules.requireNoEscrow(uscc, store)
    let event = InstitutionStatusChanged(uscc: uscc, status: .revoked, reason: reason)
    appended.append(Appended(id: uscc, seq: try store.append(.institutionStatusChanged(event))))
    return appended
  }
}

import JianguanCore

/// The questions of refund applications, ratings, credentials, erasure, `settle` and closing an
/// institution, answered from the replay's state as the SQLite store answers them from its tables
/// (in the same order).
extension ReplayedLedger {
  public func paymentBankRef(ofEnrollment id: String) throws -> String? {
    state.enrollmentSlot(id).map { state.bankRef(of: state.enrollmentRecords[Int($0)]) }
  }

  public func refundApplication(_ id: String) throws -> RefundApplication? {
    state.parentFlows.requests[id].map { application(id, $0) }
  }

  public func openRefundApplications(dueBefore day: CalendarDate) throws -> [RefundApplication] {
    let due = day.description
    return state.parentFlows.requests.filter { $0.value.status == "open" && $0.value.answerDue < due }
      .sorted { ($0.value.answerDue, $0.value.lastSeq) < ($1.value.answerDue, $1.value.lastSeq) }
      .map { application($0.key, $0.value) }
  }

  public func undecidedRefundApplications(ofInstitution uscc: String) throws -> [RefundApplication] {
    state.parentFlows.requests.filter { _, request in
      (request.status == "open" || request.status == "escalated")
        && (try? institution(ofEnrollment: request.enrollment)) == uscc
    }
    .sorted { $0.value.lastSeq < $1.value.lastSeq }
    .map { application($0.key, $0.value) }
  }

  private func application(_ id: String, _ request: ParentFlowState.RequestState) -> RefundApplication {
    RefundApplication(
      id: id, enrollment: request.enrollment, hours: request.hours, reason: request.reason,
      requestedOn: request.requestedOn, answerDue: request.answerDue,
      paymentBankRef: (try? paymentBankRef(ofEnrollment: request.enrollment)) ?? "",
      status: request.status, basis: request.basis, answeredOn: request.answeredOn, refund: request.refund,
      seq: request.lastSeq)
  }

  public func pendingLessons(recordedBefore day: CalendarDate) throws -> [PendingLesson] {
    let before = day.daysSinceEpoch
    var pending: [(day: Int32, seq: Int64, lesson: PendingLesson)] = []
    for slot in state.lessonRecords.indices {
      let lesson = state.lessonRecords[slot]
      guard lesson.status == .pending, lesson.recordedDay != Int32.min, Int(lesson.recordedDay) < before,
        let region = state.institutions[
          state.institution(of: state.enrollmentRecords[Int(lesson.enrollment)])]?
          .region
      else { continue }
      let id = state.lessonIDs.id(Int32(slot))
      let recordedOn = CalendarDate(daysSinceEpoch: Int(lesson.recordedDay))
      pending.append(
        (lesson.recordedDay, lesson.lastSeq, PendingLesson(id: id, recordedOn: recordedOn, region: region)))
    }
    return pending.sorted { ($0.day, $0.seq) < ($1.day, $1.seq) }.map(\.lesson)
  }

  public func unconfirmedLessons(ofInstitution uscc: String) throws -> [String] {
    guard let institution = state.institutionIDs.slot(uscc) else { return [] }
    // Lesson slots are taken in the order the lessons were recorded.
    return state.lessonRecords.indices.filter { slot in
      let lesson = state.lessonRecords[slot]
      return (lesson.status == .pending || lesson.status == .disputed)
        && state.enrollmentRecords[Int(lesson.enrollment)].institution == institution
    }.map { state.lessonIDs.id(Int32($0)) }
  }

  public func enrollmentsHoldingEscrow(ofInstitution uscc: String) throws -> [String] {
    guard let institution = state.institutionIDs.slot(uscc) else { return [] }
    // Enrollment slots are taken in the order paid (an id a posting names first has no payment).
    return state.enrollmentRecords.indices.filter { slot in
      let record = state.enrollmentRecords[slot]
      return record.exists && record.institution == institution && state.escrowFen(Int32(slot)) > 0
    }.map { state.enrollmentIDs.id(Int32($0)) }
  }

  public func rating(ofEnrollment id: String) throws -> RatingAdded? { state.parentFlows.ratings[id] }

  public func credential(_ id: String) throws -> CredentialStanding? { state.credentials.standing(id) }

  public func escrowBanks() throws -> [String] {
    Set(state.parentFlows.institutionTerms.values.filter { !$0.escrowAccount.isEmpty }.map(\.escrowBank))
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  public func erasureSeq(ofParent id: String) throws -> Int64? { state.parentFlows.erasedParents[id] }

  public func erasePersonalData(ofParent id: String) throws { try keeper?.erasePersons(ofParent: id) }
}

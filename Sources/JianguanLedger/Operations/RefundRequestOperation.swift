import JianguanCore

/// Refund applications (退费申请): the parent applies, the institution answers by its due day, a
/// refused application may be escalated to the regulator, who decides it; an application left
/// unanswered is deemed agreed (`SettleOperation`), and closing an institution agrees its open
/// ones. An agreement is executed at once by a refund from escrow to the parent. Written against
/// the store interface, with no SQL; the replay checks the same statuses, days and hours.
public enum RefundRequestOperation {
  /// Bank references of refunds the system executes itself start with this; users may not use it.
  public static let systemBankRefPrefix = "jianguan:"

  /// The parent applies for `hours` (nil: all remaining) of an enrollment at `now`. The hours are
  /// reserved at once, so that no lesson or other refund takes them meanwhile.
  public static func apply(
    enrollment: String, hours: Int64?, reason: String, now: LocalDateTime, in store: some LedgerTransaction
  ) throws -> OpenedApplication {
    guard var balance = try store.balance(ofEnrollment: enrollment),
      let uscc = try store.institution(ofEnrollment: enrollment),
      let paymentBankRef = try store.paymentBankRef(ofEnrollment: enrollment)
    else { throw Rejection.enrollmentUnknown(enrollment) }
    let count = hours ?? balance.hoursRemaining
    guard count > 0 else {
      throw Rejection(
        "nothing_to_refund",
        "enrollment \(enrollment) has no unconsumed hours to apply for"
          + (balance.hoursPending > 0 ? " (\(balance.hoursPending) hours are pending confirmation)" : "")
          + (balance.hoursReserved > 0
            ? " (\(balance.hoursReserved) hours are held by an open application)" : ""))
    }
    try balance.reserve(hours: count)
    guard let institution = try store.registeredInstitution(uscc) else {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
    }
    let days = try store.policy(forRegion: institution.region).refundAnswerWorkingDays
    let due = try store.workingDayCalendar().workingDay(
      days, after: now.date, field: "the day of the request")
    let id = try store.nextID(.refundRequest)
    let event = RefundRequestCreated(
      request: id, enrollment: enrollment, hours: count, allRemaining: hours == nil, reason: reason,
      requestedAt: now.description, answerDue: due.description, paymentBankRef: paymentBankRef)
    let appended = Appended(id: id, seq: try store.append(.parentFlow(.refundRequestCreated(event))))
    return OpenedApplication(appended: appended, hours: count, answerDue: due.description)
  }

  /// The institution answers an open application by its due day.
  public static func answer(
    _ request: String, agree: Bool, reason: String, today: CalendarDate, in store: some LedgerTransaction
  ) throws -> AnsweredApplication {
    let application = try require(request, in: store)
    guard application.status == "open" else { throw statusRefusal(application, act: "answered") }
    let due = try CalendarDate.parse(application.answerDue, field: "answer_due")
    guard today <= due else {
      let requested = try CalendarDate.parse(application.requestedOn, field: "requested_at")
      let days = try store.workingDayCalendar().workingDays(after: requested, through: due)
      throw Rejection(
        "refund_request_answer_too_late",
        "refund request \(request) had to be answered by \(due) (\(days) working days after the request on \(requested)); today is \(today), so it is deemed agreed and `jianguan settle` executes it"
      )
    }
    return try conclude(application, agree: agree, basis: .institution, reason: reason, on: today, in: store)
  }

  /// The parent takes an application the institution refused to the regulator, as a complaint.
  /// Its hours are reserved again, so they must still be unconsumed.
  public static func escalate(
    _ request: String, reason: String, today: CalendarDate, in store: some LedgerTransaction
  ) throws -> Appended {
    let application = try require(request, in: store)
    guard application.status == "refused", application.basis == RefundRequestBasis.institution.rawValue else {
      throw statusRefusal(application, act: "escalated")
    }
    guard var balance = try store.balance(ofEnrollment: application.enrollment) else {
      throw Rejection.enrollmentUnknown(application.enrollment)
    }
    guard application.hours <= balance.hoursRemaining else {
      throw Rejection(
        "refund_request_hours_no_longer_available",
        "refund request \(request) cannot be escalated: its \(application.hours) hours are no longer all unconsumed (\(balance.hoursRemaining) remain); apply again for what remains"
      )
    }
    try balance.reserve(hours: application.hours)
    let event = RefundRequestEscalated(request: request, reason: reason, on: today.description)
    return Appended(id: request, seq: try store.append(.parentFlow(.refundRequestEscalated(event))))
  }

  /// The regulator decides an escalated application.
  public static func decide(
    _ request: String, agree: Bool, reason: String, today: CalendarDate, in store: some LedgerTransaction
  ) throws -> AnsweredApplication {
    let application = try require(request, in: store)
    guard application.status == "escalated" else { throw statusRefusal(application, act: "decided") }
    return try conclude(application, agree: agree, basis: .regulator, reason: reason, on: today, in: store)
  }

  /// The open applications whose due day is before `asOf`: deemed agreed and executed.
  public static func agreeOverdue(asOf: CalendarDate, in store: some LedgerTransaction) throws
    -> [AnsweredApplication]
  {
    try store.openRefundApplications(dueBefore: asOf).map { application in
      try conclude(
        application, agree: true, basis: .deemed,
        reason: "not answered by \(application.answerDue): deemed agreed", on: asOf, in: store)
    }
  }

  /// Closing an institution executes its open and escalated applications, on the store's day,
  /// before the rest of each enrollment is refunded.
  public static func agreeOnClosure(
    institution uscc: String, reason: String, in store: some LedgerTransaction
  )
    throws -> [AnsweredApplication]
  {
    let today = store.now().date
    return try store.undecidedRefundApplications(ofInstitution: uscc).map { application in
      try conclude(
        application, agree: true, basis: .closure, reason: "institution closed: \(reason)", on: today,
        in: store)
    }
  }

  /// Appends the agreement or refusal; an agreement is followed at once by the refund that
  /// executes it, by the system's own bank reference.
  static func conclude(
    _ application: RefundApplication, agree: Bool, basis: RefundRequestBasis, reason: String,
    on day: CalendarDate, in store: some LedgerTransaction
  ) throws -> AnsweredApplication {
    let body = RefundRequestAnswer(request: application.id, basis: basis, reason: reason, on: day.description)
    guard agree else {
      let answer = Appended(
        id: application.id, seq: try store.append(.parentFlow(.refundRequestRefused(body))))
      return AnsweredApplication(
        answer: answer, refund: nil, refundedFen: 0, paymentBankRef: application.paymentBankRef)
    }
    let answer = Appended(id: application.id, seq: try store.append(.parentFlow(.refundRequestAgreed(body))))
    let refund = try RefundOperation.execute(
      enrollment: application.enrollment, hours: application.hours,
      reason: "refund request \(application.id): \(application.reason)",
      bankRef: systemBankRefPrefix + application.id, request: application.id, in: store)
    return AnsweredApplication(
      answer: answer, refund: refund.appended, refundedFen: refund.amountFen,
      paymentBankRef: application.paymentBankRef)
  }

  static func require(_ id: String, in store: some LedgerTransaction) throws -> RefundApplication {
    guard let application = try store.refundApplication(id) else {
      throw Rejection("refund_request_unknown", "refund request \(Rejection.quote(id)) does not exist")
    }
    return application
  }

  /// Why an application in its status cannot be `act` (answered, escalated, decided).
  public static func statusRefusal(_ application: RefundApplication, act: String) -> Rejection {
    let (id, status) = (application.id, application.status)
    let code = "refund_request_\(status)_cannot_be_\(act)"
    let answeredOn = application.answeredOn ?? "?"
    switch status {
    case "agreed":
      let by =
        application.basis.map { $0 == "deemed" ? " (deemed: not answered in time)" : " by the \($0)" } ?? ""
      return Rejection(
        code,
        "refund request \(id) is already settled: agreed\(by) on \(answeredOn) and refunded as \(application.refund ?? "?"); it cannot be \(act)"
      )
    case "refused" where application.basis == RefundRequestBasis.institution.rawValue:
      return Rejection(
        code,
        "refund request \(id) was refused by the institution on \(answeredOn); it cannot be \(act), but the parent may escalate it to the regulator"
      )
    case "refused":
      return Rejection(
        code,
        "refund request \(id) was refused by the regulator on \(answeredOn), which is final; it cannot be \(act)"
      )
    case "escalated":
      return Rejection(
        code,
        "refund request \(id) is escalated to the regulator, who decides it (`refund-request decide`); it cannot be \(act)"
      )
    default:
      return Rejection(
        code,
        "refund request \(id) is still open, waiting for the institution's answer (due \(application.answerDue)); it cannot be \(act)"
      )
    }
  }
}

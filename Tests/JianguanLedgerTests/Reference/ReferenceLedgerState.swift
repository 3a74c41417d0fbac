import JianguanCore
import JianguanLedger

// The replay as it was before its state was made compact (dictionaries keyed by `String` ids),
// kept verbatim as the reference that `CompactReplayTests` compares the compact replay with.
// Only the supervision events are left out (the property test does not generate them; the
// supervision replay itself did not change). The payment rules are asked of it through its own
// `PaymentState`, answered by scanning its dictionaries (the places in a class counted afresh
// each time), where the compact replay keeps counts and lists.

/// The state that replaying the log from genesis gives, independently of the projection tables.
/// `apply` checks every invariant an entry must keep and reports each breach as a fault.
struct ReferenceLedgerState: Sendable {
  struct InstitutionState: Equatable, Sendable {
    var status: String
    var region: String
    var hasEscrowAccount: Bool
    /// The seq of the last entry that changed it.
    var lastSeq: Int64
  }

  struct EnrollmentState: Equatable, Sendable {
    var student: String
    var parent: String
    var classID: String
    var institution: String
    var bankRef: String
    var balance: EnrollmentBalance
    var lastSeq: Int64
    /// The payment's `paidAt`.
    var paidAt: String = ""
    var paidOn: String { String(paidAt.prefix(10)) }
    /// False for an enrollment created twice: neither payment counts in places or holdings.
    var counted = true
  }

  struct LessonState: Equatable, Sendable {
    var enrollment: String
    var hours: Int64
    /// pending, disputed, released, voided
    var status: String
    var lastSeq: Int64
  }

  private(set) var institutions: [String: InstitutionState] = [:]
  private(set) var venues: [String: String] = [:]
  private(set) var teachers: [String: String] = [:]
  private(set) var courses: [String: CourseAdded] = [:]
  private(set) var classes: [String: ClassAdded] = [:]
  /// The registry's records in the order the log added them, scanned to answer the registry's
  /// rules (`ReferenceLedgerState+Registry.swift`).
  private(set) var registrations: [InstitutionRegistered] = []
  private(set) var teacherRecords: [TeacherAdded] = []
  private(set) var classRecords: [ClassAdded] = []
  private(set) var genesisRegion = ""
  private(set) var parents: [String: String] = [:]
  private(set) var students: [String: StudentAdded] = [:]
  internal(set) var enrollments: [String: EnrollmentState] = [:]
  private(set) var lessons: [String: LessonState] = [:]
  private(set) var refunds: Set<String> = []
  /// Balance of every account, from the postings.
  private(set) var accounts: [String: Int64] = [:]
  private(set) var bankRefs: Set<String> = []
  private(set) var size: Int64 = 0
  private(set) var policy: LedgerPolicy?
  private(set) var calendarYears: [WorkingDayCalendar.Year] = []
  /// Contracts, refund applications and ratings (see `ReferenceLedgerState+ParentFlows.swift`).
  internal(set) var parentFlows = ReferenceParentFlowState()

  init() {}

  /// Applies the event of entry `seq`; returns the faults it shows (empty when it is sound).
  mutating func apply(_ event: Event, seq: Int64) -> [AuditFault] {
    var faults: [AuditFault] = []
    func fault(_ message: String) { faults.append(AuditFault(seq: seq, message)) }
    size = seq
    defer { parentFlows.previous = event }
    if seq == 1 {
      if case .genesis = event {} else { fault("entry 1 must be the genesis entry") }
    }
    checkPostings(event, fault: fault)
    checkAgreedRefundFollows(event, fault: fault)
    if let problem = RegistryEntryRules.fault(of: event, state: self) { fault(problem) }

    switch event {
    case .genesis(let body):
      if seq != 1 { fault("a genesis entry may only be entry 1") }
      genesisRegion = body.region
    case .calendar(let body):
      if let year = try? body.checked(), !calendarYears.contains(where: { $0.year == year.year }) {
        calendarYears.append(year)
      }
    case .policy(let body):
      if let book = try? PolicyBook.parse(json: Array(body.document.utf8)) { policy = LedgerPolicy(book) }
    case .institutionRegistered(let body):
      registrations.append(body)
      institutions[body.uscc] = InstitutionState(
        status: "active", region: body.region, hasEscrowAccount: !body.escrowAccount.isEmpty, lastSeq: seq)
      parentFlows.institutionTerms[body.uscc] = body
    case .institutionStatusChanged(let body):
      guard var institution = institutions[body.uscc] else { break }
      switch body.status {
      case .suspended: institution.status = "suspended"
      case .reinstated, .active: institution.status = "active"
      case .revoked: institution.status = "revoked"
      }
      institution.lastSeq = seq
      institutions[body.uscc] = institution
    case .venueAdded(let body):
      register(body.id, in: &venues, value: body.institution, what: "venue", fault: fault)
    case .teacherAdded(let body):
      register(body.id, in: &teachers, value: body.institution, what: "teacher", fault: fault)
      teacherRecords.append(body)
    case .courseAdded(let body):
      register(body.id, in: &courses, value: body, what: "course", fault: fault)
    case .classAdded(let body):
      register(body.id, in: &classes, value: body, what: "class", fault: fault)
      classRecords.append(body)
      if courses[body.course]?.institution != body.institution {
        fault("class \(body.id): course of another institution")
      }
    case .parentRegistered(let body):
      register(body.id, in: &parents, value: body.commitment, what: "parent", fault: fault)
    case .studentAdded(let body):
      register(body.id, in: &students, value: body, what: "student", fault: fault)
      if parents[body.parent] == nil { fault("student \(body.id) of unknown parent \(body.parent)") }
      checkNotErased(parent: body.parent, fault: fault)
    case .payment(let body):
      applyPayment(body, seq: seq, fault: fault)
    case .lessonRecorded(let body):
      applyLessonRecorded(body, seq: seq, fault: fault)
    case .lessonReleased(let body):
      applyLessonReleased(body, seq: seq, fault: fault)
    case .lessonDisputed(let body):
      guard let lesson = lessons[body.lesson], lesson.status == "pending" else {
        fault("dispute of lesson \(body.lesson), which is not pending")
        break
      }
      lessons[body.lesson]?.status = "disputed"
      lessons[body.lesson]?.lastSeq = seq
      _ = lesson
    case .lessonVoided(let body):
      guard let lesson = lessons[body.lesson], lesson.status == "pending" || lesson.status == "disputed"
      else {
        fault("void of lesson \(body.lesson), which is not pending or disputed")
        break
      }
      lessons[body.lesson]?.status = "voided"
      lessons[body.lesson]?.lastSeq = seq
      enrollments[lesson.enrollment]?.balance.voidLesson(hours: lesson.hours)
      enrollments[lesson.enrollment]?.lastSeq = seq
    case .refund(let body):
      applyRefund(body, seq: seq, fault: fault)
    case .supervisionAction, .supervisionMeasure, .findingAdded, .findingRectified, .findingVerified,
      .complaintFiled, .complaintResolved:
      break  // not generated by the property test
    case .parentFlow(let flow):
      applyParentFlow(flow, seq: seq, fault: fault)
    case .transparency, .credential:
      break  // checked by the store's audit against the Merkle roots; not part of this oracle
    }
    return faults
  }

  mutating func checkPostings(_ event: Event, fault: (String) -> Void) {
    var sum: Int64 = 0
    for posting in event.postings {
      let (total, overflow) = sum.addingReportingOverflow(posting.amountFen)
      if overflow { fault("postings overflow Int64") }
      sum = total
      let (balance, balanceOverflow) = accounts[posting.account, default: 0].addingReportingOverflow(
        posting.amountFen)
      if balanceOverflow { fault("account \(posting.account) overflows Int64") }
      accounts[posting.account] = balance
    }
    if sum != 0 { fault("postings sum to \(sum) fen, not zero") }
  }

  func register<Value>(
    _ id: String, in table: inout [String: Value], value: Value, what: String, fault: (String) -> Void
  ) {
    if table[id] != nil { fault("\(what) \(id) is created twice") }
    table[id] = value
  }

  mutating func noteBankRef(_ ref: String, fault: (String) -> Void) {
    if !bankRefs.insert(ref).inserted { fault("bank reference \(ref) is used twice") }
  }

  mutating func applyPayment(_ body: Payment, seq: Int64, fault: (String) -> Void) {
    noteBankRef(body.bankRef, fault: fault)
    if enrollments[body.enrollment] != nil { fault("enrollment \(body.enrollment) is created twice") }
    let createdTwice = enrollments[body.enrollment] != nil
    if createdTwice { enrollments[body.enrollment]?.counted = false }
    guard body.hours >= 1, body.amountFen >= 1 else {
      fault("payment of \(body.amountFen) fen for \(body.hours) hours is not positive")
      return
    }
    if let problem = PaymentRules.fault(of: body, entrySeconds: nil, state: self) { fault(problem) }
    if students[body.student]?.parent != body.parent { fault("payment by a parent who is not the student's") }
    if classes[body.classID]?.institution != body.institution {
      fault("payment for a class of another institution")
    }
    let expected = Posting.transfer(
      body.amountFen, from: Posting.parent(body.parent), to: Posting.escrow(body.enrollment))
    if body.postings != expected {
      fault("payment postings do not move \(body.amountFen) fen from parent to escrow")
    }
    enrollments[body.enrollment] = EnrollmentState(
      student: body.student, parent: body.parent, classID: body.classID, institution: body.institution,
      bankRef: body.bankRef, balance: EnrollmentBalance(hoursPaid: body.hours, amountFen: body.amountFen),
      lastSeq: seq, paidAt: body.paidAt,
      counted: !createdTwice && classes[body.classID] != nil
        && (try? LocalDateTime.parse(body.paidAt, field: "paidAt")) != nil)
  }

  mutating func applyLessonRecorded(_ body: LessonRecorded, seq: Int64, fault: (String) -> Void) {
    guard var enrollment = enrollments[body.enrollment] else {
      fault("lesson \(body.lesson) for unknown enrollment \(body.enrollment)")
      return
    }
    if lessons[body.lesson] != nil { fault("lesson \(body.lesson) is created twice") }
    if let problem = LessonRecordingRules.fault(of: body, entrySeconds: nil, state: self) { fault(problem) }
    do { try enrollment.balance.recordLesson(hours: body.hours) } catch {
      fault("lesson \(body.lesson): \(error)")
    }
    enrollment.lastSeq = seq
    enrollments[body.enrollment] = enrollment
    lessons[body.lesson] = LessonState(
      enrollment: body.enrollment, hours: body.hours, status: "pending", lastSeq: seq)
  }

  mutating func applyLessonReleased(_ body: LessonReleased, seq: Int64, fault: (String) -> Void) {
    guard let lesson = lessons[body.lesson], lesson.enrollment == body.enrollment,
      var enrollment = enrollments[body.enrollment]
    else {
      fault("release of unknown lesson \(body.lesson)")
      return
    }
    let allowed = body.basis == .resolved ? lesson.status == "disputed" : lesson.status == "pending"
    guard allowed else {
      fault("release (\(body.basis.rawValue)) of lesson \(body.lesson), which is \(lesson.status)")
      return
    }
    let amount = enrollment.balance.releaseLesson(hours: lesson.hours)
    if amount != body.amountFen {
      fault("lesson \(body.lesson) releases \(body.amountFen) fen; the rule gives \(amount)")
    }
    let expected = Posting.transfer(
      body.amountFen, from: Posting.escrow(body.enrollment), to: Posting.institution(enrollment.institution))
    if body.postings != expected {
      fault("release postings do not move \(body.amountFen) fen from escrow to institution")
    }
    if enrollment.balance.escrowFen < 0 { fault("escrow of \(body.enrollment) goes negative") }
    enrollment.lastSeq = seq
    enrollments[body.enrollment] = enrollment
    lessons[body.lesson]?.status = "released"
    lessons[body.lesson]?.lastSeq = seq
  }

  mutating func applyRefund(_ body: Refund, seq: Int64, fault: (String) -> Void) {
    noteBankRef(body.bankRef, fault: fault)
    if !refunds.insert(body.refund).inserted { fault("refund \(body.refund) is created twice") }
    guard var enrollment = enrollments[body.enrollment] else {
      fault("refund for unknown enrollment \(body.enrollment)")
      return
    }
    do {
      let amount = try enrollment.balance.refund(hours: body.hours)
      if amount != body.amountFen {
        fault("refund \(body.refund) returns \(body.amountFen) fen; the rule gives \(amount)")
      }
    } catch {
      fault("refund \(body.refund): \(error)")
    }
    let expected = Posting.transfer(
      body.amountFen, from: Posting.escrow(body.enrollment), to: Posting.parent(enrollment.parent))
    if body.postings != expected {
      fault("refund postings do not move \(body.amountFen) fen from escrow to parent")
    }
    if enrollment.balance.escrowFen < 0 { fault("escrow of \(body.enrollment) goes negative") }
    enrollment.lastSeq = seq
    enrollments[body.enrollment] = enrollment
    if let request = body.request { noteRequestExecuted(request, by: body, seq: seq, fault: fault) }
  }

  /// The invariants over the whole state: per enrollment paid = released + refunded + escrow, hours
  /// likewise, escrow accounts equal to the enrollments' escrow, no negative escrow.
  func finalFaults() -> [AuditFault] {
    var faults = parentFlowFinalFaults()
    for (id, enrollment) in enrollments.sorted(by: { $0.key < $1.key }) {
      let balance = enrollment.balance
      if balance.escrowFen < 0 { faults.append(AuditFault(seq: 0, "enrollment \(id): escrow is negative")) }
      if balance.hoursRemaining < 0 {
        faults.append(AuditFault(seq: 0, "enrollment \(id): hours remaining negative"))
      }
      if accounts[Posting.escrow(id), default: 0] != balance.escrowFen {
        faults.append(
          AuditFault(
            seq: 0,
            "enrollment \(id): escrow account holds \(accounts[Posting.escrow(id), default: 0]) fen, balance says \(balance.escrowFen)"
          ))
      }
    }
    return faults
  }
}

/// What the replay knows of contracts, refund applications and ratings.
struct ReferenceParentFlowState: Sendable {
  struct RequestState: Equatable, Sendable {
    var enrollment: String
    var hours: Int64
    var requestedOn: String
    var answerDue: String
    /// open, agreed, refused, escalated
    var status: String
    /// Who agreed or refused it last (`RefundRequestBasis`), nil while open.
    var basis: String?
    /// The refund that executed it, once agreed.
    var refund: String?
    var lastSeq: Int64
  }

  /// The enrollments with a contract.
  internal(set) var contracts: Set<String> = []
  internal(set) var requests: [String: RequestState] = [:]
  /// Ratings by enrollment.
  internal(set) var ratings: [String: RatingAdded] = [:]
  /// The registration of each institution, for checking the terms a contract quotes.
  var institutionTerms: [String: InstitutionRegistered] = [:]
  /// Parents whose personal data was erased, with the seq of the `parent.erased` entry.
  internal(set) var erasedParents: [String: Int64] = [:]
  /// The event of the entry before the one being applied.
  var previous: Event?

  init() {}
}

extension ReferenceLedgerState {
  /// An agreed application is executed by the very next entry: its refund. A contract follows its
  /// payment in the same way.
  func checkAgreedRefundFollows(_ event: Event, fault: (String) -> Void) {
    if case .parentFlow(.refundRequestAgreed(let agreed)) = parentFlows.previous {
      if case .refund(let refund) = event, refund.request == agreed.request {
      } else {
        fault("refund request \(agreed.request) was agreed but the next entry is not its refund")
      }
    }
  }

  mutating func applyParentFlow(_ flow: ParentFlowEvent, seq: Int64, fault: (String) -> Void) {
    switch flow {
    case .contractIssued(let body): applyContract(body, seq: seq, fault: fault)
    case .refundRequestCreated(let body): applyRequestCreated(body, seq: seq, fault: fault)
    case .refundRequestAgreed(let body):
      applyRequestAnswer(
        body.request, basis: body.basis, agreed: true, on: body.on, seq: seq, fault: fault)
    case .refundRequestRefused(let body):
      applyRequestAnswer(
        body.request, basis: body.basis, agreed: false, on: body.on, seq: seq, fault: fault)
    case .refundRequestEscalated(let body): applyRequestEscalated(body, seq: seq, fault: fault)
    case .ratingAdded(let body): applyRating(body, seq: seq, fault: fault)
    case .parentErased(let body): applyParentErased(body, seq: seq, fault: fault)
    }
  }

  mutating func applyContract(_ body: ContractIssued, seq: Int64, fault: (String) -> Void) {
    guard case .payment(let payment) = parentFlows.previous, payment.enrollment == body.enrollment else {
      fault("contract of \(body.enrollment) does not immediately follow its payment")
      return
    }
    if parentFlows.contracts.contains(body.enrollment) {
      fault("contract of \(body.enrollment) is issued twice")
    }
    parentFlows.contracts.insert(body.enrollment)
    var differing: [String] = []
    if body.template != "GF-2021-2604" { differing.append("template") }
    if let region = parentFlows.institutionTerms[payment.institution]?.region,
      let policy = try? policy(forRegion: region)
    {
      if body.confirmationWindowWorkingDays != Int64(policy.confirmationWindowWorkingDays) {
        differing.append("confirmationWindowWorkingDays")
      }
      if body.refundAnswerWorkingDays != Int64(policy.refundAnswerWorkingDays) {
        differing.append("refundAnswerWorkingDays")
      }
    }
    if !differing.isEmpty {
      fault(
        "contract of \(body.enrollment) differs from the model contract or the policy in force in: "
          + differing.joined(separator: ", "))
    }
  }

  mutating func applyRequestCreated(_ body: RefundRequestCreated, seq: Int64, fault: (String) -> Void) {
    if parentFlows.requests[body.request] != nil { fault("refund request \(body.request) is created twice") }
    guard var enrollment = enrollments[body.enrollment] else {
      fault("refund request \(body.request) for unknown enrollment \(body.enrollment)")
      return
    }
    if body.paymentBankRef != enrollment.bankRef {
      fault("refund request \(body.request) names payment \(body.paymentBankRef), not \(enrollment.bankRef)")
    }
    if body.allRemaining && body.hours != enrollment.balance.hoursRemaining {
      fault(
        "refund request \(body.request) is for all remaining hours but says \(body.hours), not \(enrollment.balance.hoursRemaining)"
      )
    }
    do { try enrollment.balance.reserve(hours: body.hours) } catch {
      fault("refund request \(body.request): \(error)")
    }
    let requestedOn = String(body.requestedAt.prefix(10))
    if body.answerDue <= requestedOn {
      fault("refund request \(body.request) is due \(body.answerDue), not after its day \(requestedOn)")
    }
    enrollment.lastSeq = seq
    enrollments[body.enrollment] = enrollment
    parentFlows.requests[body.request] = ReferenceParentFlowState.RequestState(
      enrollment: body.enrollment, hours: body.hours, requestedOn: requestedOn, answerDue: body.answerDue,
      status: "open", basis: nil, refund: nil, lastSeq: seq)
  }

  /// Which answers may follow which state: the institution and a deemed agreement answer an open
  /// application; the regulator decides an escalated one; a closure agrees either.
  mutating func applyRequestAnswer(
    _ id: String, basis: RefundRequestBasis, agreed: Bool, on: String, seq: Int64, fault: (String) -> Void
  ) {
    let act = agreed ? "agreement" : "refusal"
    guard var request = parentFlows.requests[id] else {
      fault("\(act) of unknown refund request \(id)")
      return
    }
    // A closure executes escalated applications too (README: "Closing an institution executes its
    // open and escalated applications first").
    let allowed: Set<String> =
      basis == .regulator ? ["escalated"] : basis == .closure ? ["open", "escalated"] : ["open"]
    guard allowed.contains(request.status), agreed || (basis != .deemed && basis != .closure) else {
      fault("\(act) (\(basis.rawValue)) of refund request \(id), which is \(request.status)")
      return
    }
    if basis == .institution && (on > request.answerDue || on < request.requestedOn) {
      fault(
        "refund request \(id) answered by the institution on \(on), outside \(request.requestedOn)…\(request.answerDue)"
      )
    }
    if basis == .deemed && on <= request.answerDue {
      fault("refund request \(id) deemed agreed on \(on), before its answer was due (\(request.answerDue))")
    }
    if var enrollment = enrollments[request.enrollment], enrollment.balance.hoursReserved >= request.hours {
      enrollment.balance.unreserve(hours: request.hours)
      enrollment.lastSeq = seq
      enrollments[request.enrollment] = enrollment
    } else {
      fault("refund request \(id): its \(request.hours) hours are not reserved")
    }
    request.status = agreed ? "agreed" : "refused"
    request.basis = basis.rawValue
    request.lastSeq = seq
    parentFlows.requests[id] = request
  }

  mutating func applyRequestEscalated(_ body: RefundRequestEscalated, seq: Int64, fault: (String) -> Void) {
    guard var request = parentFlows.requests[body.request] else {
      fault("escalation of unknown refund request \(body.request)")
      return
    }
    guard request.status == "refused", request.basis == RefundRequestBasis.institution.rawValue else {
      fault("escalation of refund request \(body.request), which is not refused by the institution")
      return
    }
    if var enrollment = enrollments[request.enrollment] {
      do { try enrollment.balance.reserve(hours: request.hours) } catch {
        fault("escalation of refund request \(body.request): \(error)")
      }
      enrollment.lastSeq = seq
      enrollments[request.enrollment] = enrollment
    }
    request.status = "escalated"
    request.lastSeq = seq
    parentFlows.requests[body.request] = request
  }

  /// A refund naming a request must execute exactly that agreed request, for its hours.
  mutating func noteRequestExecuted(_ id: String, by refund: Refund, seq: Int64, fault: (String) -> Void) {
    guard var request = parentFlows.requests[id], request.status == "agreed", request.refund == nil else {
      fault("refund \(refund.refund) executes refund request \(id), which is not agreed and unexecuted")
      return
    }
    if request.enrollment != refund.enrollment || request.hours != refund.hours {
      fault(
        "refund \(refund.refund) does not refund the \(request.hours) hours of \(request.enrollment) that \(id) asked for"
      )
    }
    request.refund = refund.refund
    request.lastSeq = seq
    parentFlows.requests[id] = request
  }

  mutating func applyRating(_ body: RatingAdded, seq: Int64, fault: (String) -> Void) {
    guard let enrollment = enrollments[body.enrollment] else {
      fault("rating of unknown enrollment \(body.enrollment)")
      return
    }
    if parentFlows.ratings[body.enrollment] != nil { fault("enrollment \(body.enrollment) is rated twice") }
    if enrollment.institution != body.institution {
      fault(
        "rating of \(body.enrollment) names institution \(body.institution), not \(enrollment.institution)")
    }
    if !(1...5).contains(body.score) {
      fault("rating of \(body.enrollment) has score \(body.score), not 1 to 5")
    }
    if enrollment.balance.hoursConsumed == 0 {
      fault("rating of \(body.enrollment) before any of its lessons was confirmed")
    }
    parentFlows.ratings[body.enrollment] = body
  }

  func parentFlowFinalFaults() -> [AuditFault] {
    if case .parentFlow(.refundRequestAgreed(let agreed)) = parentFlows.previous {
      return [
        AuditFault(
          seq: size, "refund request \(agreed.request) was agreed but the log ends before its refund")
      ]
    }
    return []
  }
}
extension ReferenceLedgerState {
  /// `parent.erased`: the parent is registered and not erased before.
  mutating func applyParentErased(_ body: ParentErased, seq: Int64, fault: (String) -> Void) {
    if parents[body.parent] == nil {
      fault("erasure of unknown parent \(body.parent)")
      return
    }
    if let earlier = parentFlows.erasedParents[body.parent] {
      fault("parent \(body.parent) is erased twice (first at seq \(earlier))")
      return
    }
    parentFlows.erasedParents[body.parent] = seq
  }

  /// A student can no longer be added to an erased parent: there is no personal data to join.
  func checkNotErased(parent: String, fault: (String) -> Void) {
    if let erasedSeq = parentFlows.erasedParents[parent] {
      fault("student of parent \(parent), whose personal data was erased at seq \(erasedSeq)")
    }
  }
}

extension ReferenceLedgerState: PaymentState {
  func parent(ofStudent student: String) throws -> String? { students[student]?.parent }

  func paymentClass(_ id: String) throws -> PaymentClass? {
    guard let klass = classes[id], let course = courses[klass.course] else { return nil }
    let terms = parentFlows.institutionTerms[klass.institution]
    let places = Set(
      enrollments.values.filter { $0.counted && $0.classID == id && holds($0.balance) }.map(\.student))
    return PaymentClass(
      uscc: klass.institution, capacity: klass.capacity, placesTaken: Int64(places.count),
      starts: klass.starts,
      ends: klass.ends, course: klass.course, courseName: course.name, courseHours: course.hours,
      delivery: course.delivery, lessonMinutes: course.lessonMinutes, pricePerHourFen: course.pricePerHourFen,
      institution: institutions[klass.institution].map {
        PaymentInstitution(
          uscc: klass.institution, status: $0.status, kind: terms?.kind ?? "", region: $0.region,
          escrowAccount: terms?.escrowAccount ?? "")
      },
      institutionName: terms?.name ?? "", licence: terms?.licence ?? "", mode: terms?.mode ?? "",
      escrowBank: terms?.escrowBank ?? "", schedule: klass.schedule)
  }

  func policy(forRegion region: String) throws -> Policy {
    guard let policy else { throw LedgerPolicy.notLoaded }
    return policy.policy(for: region)
  }

  func holdsPlace(student: String, classID: String) throws -> Bool {
    enrollments.values.contains {
      $0.counted && $0.classID == classID && $0.student == student && holds($0.balance)
    }
  }

  func holdings(student: String, classID: String) throws -> [ClassHolding] {
    enrollments.values.filter {
      $0.counted && $0.classID == classID && $0.student == student && holds($0.balance)
    }.map {
      ClassHolding(
        unconsumedHours: $0.balance.hoursPaid - $0.balance.hoursConsumed - $0.balance.hoursRefunded
          - $0.balance.hoursPending, paidOn: $0.paidOn)
    }
  }

  func schedule(_ text: String) throws -> Schedule { try Schedule.parse(text, field: "schedule") }

  private func holds(_ balance: EnrollmentBalance) -> Bool {
    balance.hoursPaid > balance.hoursConsumed + balance.hoursRefunded
  }
}

extension ReferenceLedgerState: LessonState {
  func lessonEnrollment(_ id: String) throws -> LessonEnrollment? {
    guard let enrollment = enrollments[id], enrollment.counted, let klass = classes[enrollment.classID],
      let course = courses[klass.course]
    else { return nil }
    let institution = institutions[enrollment.institution]
    return LessonEnrollment(
      institution: enrollment.institution, institutionStatus: institution?.status,
      region: institution?.region ?? "",
      terms: LessonRules.ClassTerms(
        schedule: try Schedule.parse(klass.schedule, field: "schedule"),
        starts: try CalendarDate.parse(klass.starts, field: "starts"),
        ends: try CalendarDate.parse(klass.ends, field: "ends"),
        delivery: try Delivery.parse(course.delivery, field: "delivery"), isSubject: course.subject != nil,
        lessonMinutes: Int(course.lessonMinutes)),
      paidAt: try LocalDateTime.parse(enrollment.paidAt, field: "paidAt"))
  }

  func workingDayCalendar() throws -> WorkingDayCalendar { try WorkingDayCalendar(years: calendarYears) }
}

import JianguanCore

/// A fault found by an audit: where (the seq, 0 when not tied to one entry) and what is wrong.
public struct AuditFault: Equatable, Sendable, CustomStringConvertible {
  public let seq: Int64
  public let message: String
  public init(seq: Int64, _ message: String) {
    self.seq = seq
    self.message = message
  }
  public var description: String { seq > 0 ? "seq \(seq): \(message)" : message }
}

/// The state that replaying the log from genesis gives, independently of the projection tables.
/// `apply` checks every invariant an entry must keep and reports each breach as a fault.
public struct LedgerState: Sendable {
  public struct InstitutionState: Equatable, Sendable {
    public var status: String
    public var region: String
    public var hasEscrowAccount: Bool
    /// The seq of the last entry that changed it.
    public var lastSeq: Int64
  }

  public struct EnrollmentState: Equatable, Sendable {
    public var student: String
    public var parent: String
    public var classID: String
    public var institution: String
    public var bankRef: String
    public var balance: EnrollmentBalance
    public var lastSeq: Int64
  }

  public struct LessonState: Equatable, Sendable {
    public var enrollment: String
    public var hours: Int64
    /// pending, disputed, released, voided
    public var status: String
    public var lastSeq: Int64
  }

  public private(set) var institutions: [String: InstitutionState] = [:]
  public private(set) var venues: [String: String] = [:]
  public private(set) var teachers: [String: String] = [:]
  public private(set) var courses: [String: CourseAdded] = [:]
  public private(set) var classes: [String: ClassAdded] = [:]
  public private(set) var parents: [String: String] = [:]
  public private(set) var students: [String: StudentAdded] = [:]
  public internal(set) var enrollments: [String: EnrollmentState] = [:]
  public private(set) var lessons: [String: LessonState] = [:]
  public private(set) var refunds: Set<String> = []
  /// Balance of every account, from the postings.
  public private(set) var accounts: [String: Int64] = [:]
  public private(set) var bankRefs: Set<String> = []
  public private(set) var size: Int64 = 0
  /// Supervision actions, measures, findings and complaints.
  public private(set) var supervision = SupervisionReplay()
  /// Contracts, refund applications and ratings (see `LedgerState+ParentFlows.swift`).
  public internal(set) var parentFlows = ParentFlowState()

  public init() {}

  /// Applies the event of entry `seq`; returns the faults it shows (empty when it is sound).
  public mutating func apply(_ event: Event, seq: Int64) -> [AuditFault] {
    var faults: [AuditFault] = []
    func fault(_ message: String) { faults.append(AuditFault(seq: seq, message)) }
    size = seq
    defer { parentFlows.previous = event }
    if seq == 1 {
      if case .genesis = event {} else { fault("entry 1 must be the genesis entry") }
    }
    checkPostings(event, fault: fault)
    checkAgreedRefundFollows(event, fault: fault)

    switch event {
    case .genesis:
      if seq != 1 { fault("a genesis entry may only be entry 1") }
    case .institutionRegistered(let body):
      if institutions[body.uscc] != nil { fault("institution \(body.uscc) is registered twice") }
      institutions[body.uscc] = InstitutionState(
        status: "active", region: body.region, hasEscrowAccount: !body.escrowAccount.isEmpty, lastSeq: seq)
      parentFlows.institutionTerms[body.uscc] = body
    case .institutionStatusChanged(let body):
      guard var institution = institutions[body.uscc] else {
        fault("status change for unknown institution \(body.uscc)")
        break
      }
      switch body.status {
      case .suspended: institution.status = "suspended"
      case .reinstated, .active: institution.status = "active"
      case .revoked:
        institution.status = "revoked"
        let held = enrollments.values.filter { $0.institution == body.uscc && $0.balance.escrowFen != 0 }
        if !held.isEmpty {
          fault("institution \(body.uscc) revoked while \(held.count) enrollments hold escrow")
        }
      }
      institution.lastSeq = seq
      institutions[body.uscc] = institution
    case .venueAdded(let body):
      register(body.id, in: &venues, value: body.institution, what: "venue", fault: fault)
      requireInstitution(body.institution, fault: fault)
    case .teacherAdded(let body):
      register(body.id, in: &teachers, value: body.institution, what: "teacher", fault: fault)
      requireInstitution(body.institution, fault: fault)
    case .courseAdded(let body):
      register(body.id, in: &courses, value: body, what: "course", fault: fault)
      requireInstitution(body.institution, fault: fault)
    case .classAdded(let body):
      register(body.id, in: &classes, value: body, what: "class", fault: fault)
      if courses[body.course]?.institution != body.institution {
        fault("class \(body.id): course of another institution")
      }
      if venues[body.venue] != body.institution { fault("class \(body.id): venue of another institution") }
      if teachers[body.teacher] != body.institution {
        fault("class \(body.id): teacher of another institution")
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
      let (registered, parents) = (institutions, parents)
      supervision.apply(
        event, seq: seq, isInstitution: { registered[$0] != nil }, isParent: { parents[$0] != nil },
        fault: fault)
    case .parentFlow(let flow):
      applyParentFlow(flow, seq: seq, fault: fault)
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

  func requireInstitution(_ uscc: String, fault: (String) -> Void) {
    if institutions[uscc] == nil { fault("unknown institution \(uscc)") }
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
    guard body.hours >= 1, body.amountFen >= 1 else {
      fault("payment of \(body.amountFen) fen for \(body.hours) hours is not positive")
      return
    }
    if students[body.student]?.parent != body.parent { fault("payment by a parent who is not the student's") }
    if classes[body.classID]?.institution != body.institution {
      fault("payment for a class of another institution")
    }
    if institutions[body.institution]?.status != "active" {
      fault("payment to an institution that is not active")
    }
    let expected = Posting.transfer(
      body.amountFen, from: Posting.parent(body.parent), to: Posting.escrow(body.enrollment))
    if body.postings != expected {
      fault("payment postings do not move \(body.amountFen) fen from parent to escrow")
    }
    enrollments[body.enrollment] = EnrollmentState(
      student: body.student, parent: body.parent, classID: body.classID, institution: body.institution,
      bankRef: body.bankRef, balance: EnrollmentBalance(hoursPaid: body.hours, amountFen: body.amountFen),
      lastSeq: seq)
  }

  mutating func applyLessonRecorded(_ body: LessonRecorded, seq: Int64, fault: (String) -> Void) {
    guard var enrollment = enrollments[body.enrollment] else {
      fault("lesson \(body.lesson) for unknown enrollment \(body.enrollment)")
      return
    }
    if lessons[body.lesson] != nil { fault("lesson \(body.lesson) is created twice") }
    if institutions[enrollment.institution]?.status != "active" {
      fault("lesson for an institution that is not active")
    }
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
  public func finalFaults() -> [AuditFault] {
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

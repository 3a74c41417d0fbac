import JianguanCore
import JianguanCrypto

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
///
/// The state is compact: ids of enrollments, lessons, students, parents and refunds are interned
/// to dense slots (`IDTable`), and what the replay keeps per slot sits in flat arrays of plain
/// structs, so a city's million enrollments cost tens of bytes each, not a kilobyte of
/// dictionaries keyed by `String`.
public struct LedgerState: Sendable {
  public struct InstitutionState: Equatable, Sendable {
    public var status: String
    public var region: String
    public var hasEscrowAccount: Bool
    /// The seq of the last entry that changed it.
    public var lastSeq: Int64
    /// The seq of its registration, and the reason of its last change of status.
    public var registeredSeq: Int64 = 0
    public var statusReason: String?
  }

  /// What the replay keeps of one enrollment, in 72 bytes of plain values: the balance's fen as
  /// Int64 and its hours as Int32 (a balance whose hours do not fit is kept whole in
  /// `wideBalances`, `wide` set), ids as slots.
  public struct EnrollmentRecord: Sendable, BitwiseCopyable {
    var amountFen: Int64
    var releasedFen: Int64
    var refundedFen: Int64
    var hoursPaid: Int32
    var hoursConsumed: Int32
    var hoursRefunded: Int32
    var hoursPending: Int32
    var hoursReserved: Int32
    /// Slot in `bankRefs` of the payment's bank reference.
    public var bankRef: Int32
    public var lastSeq: Int64
    /// Slots in `studentIDs`, `parentIDs` and `institutionIDs`.
    public var student: Int32
    public var parent: Int32
    public var institution: Int32
    /// False for a slot only named by a posting (`escrow:E…`) whose enrollment no payment created.
    public var exists: Bool
    /// Whether a `contract.issued` entry was accepted for it.
    public var hasContract: Bool
    /// Whether the balance is in `wideBalances` (an hours figure beyond Int32: a forged ledger).
    var wide: Bool

    init(
      lastSeq: Int64, bankRef: Int32, student: Int32, parent: Int32, institution: Int32, exists: Bool,
      hasContract: Bool
    ) {
      (amountFen, releasedFen, refundedFen) = (0, 0, 0)
      (hoursPaid, hoursConsumed, hoursRefunded, hoursPending, hoursReserved) = (1, 0, 0, 0, 0)
      self.bankRef = bankRef
      self.lastSeq = lastSeq
      self.student = student
      self.parent = parent
      self.institution = institution
      self.exists = exists
      self.hasContract = hasContract
      wide = false
    }

    /// The balance, unless it is wide.
    var packedBalance: EnrollmentBalance {
      var balance = EnrollmentBalance(hoursPaid: Int64(hoursPaid), amountFen: amountFen)
      balance.releasedFen = releasedFen
      balance.refundedFen = refundedFen
      balance.hoursConsumed = Int64(hoursConsumed)
      balance.hoursRefunded = Int64(hoursRefunded)
      balance.hoursPending = Int64(hoursPending)
      balance.hoursReserved = Int64(hoursReserved)
      return balance
    }

    /// Packs `balance`; false (and nothing changed) when an hours figure does not fit.
    mutating func pack(_ balance: EnrollmentBalance) -> Bool {
      guard let paid = Int32(exactly: balance.hoursPaid),
        let consumed = Int32(exactly: balance.hoursConsumed),
        let refunded = Int32(exactly: balance.hoursRefunded),
        let pending = Int32(exactly: balance.hoursPending),
        let reserved = Int32(exactly: balance.hoursReserved)
      else { return false }
      (amountFen, releasedFen, refundedFen) = (balance.amountFen, balance.releasedFen, balance.refundedFen)
      (hoursPaid, hoursConsumed, hoursRefunded, hoursPending, hoursReserved) = (
        paid, consumed, refunded, pending, reserved
      )
      return true
    }

    static let placeholder = EnrollmentRecord(
      lastSeq: 0, bankRef: -1, student: -1, parent: -1, institution: -1, exists: false, hasContract: false)
  }

  /// An enrollment's record and balance, to change together (`store`).
  struct EnrollmentView {
    var record: EnrollmentRecord
    var balance: EnrollmentBalance
    var lastSeq: Int64 {
      get { record.lastSeq }
      set { record.lastSeq = newValue }
    }
    var institution: Int32 { record.institution }
    var parent: Int32 { record.parent }
  }

  func view(_ slot: Int32) -> EnrollmentView {
    EnrollmentView(record: enrollmentRecords[Int(slot)], balance: balance(slot))
  }

  mutating func store(_ slot: Int32, _ view: EnrollmentView) {
    enrollmentRecords[Int(slot)] = view.record
    setBalance(slot, view.balance)
  }

  /// The balance of the enrollment in `slot`.
  public func balance(_ slot: Int32) -> EnrollmentBalance {
    let record = enrollmentRecords[Int(slot)]
    return record.wide ? wideBalances[slot]! : record.packedBalance
  }

  /// What the enrollment in `slot` still holds in escrow.
  public func escrowFen(_ slot: Int32) -> Int64 {
    let record = enrollmentRecords[Int(slot)]
    if record.wide { return wideBalances[slot]!.escrowFen }
    return record.amountFen - record.releasedFen - record.refundedFen
  }

  mutating func setBalance(_ slot: Int32, _ balance: EnrollmentBalance) {
    placeMayChange(slot, to: balance)
    var record = enrollmentRecords[Int(slot)]
    if record.pack(balance) {
      if record.wide { wideBalances[slot] = nil }
      record.wide = false
    } else {
      record.wide = true
      wideBalances[slot] = balance
    }
    enrollmentRecords[Int(slot)] = record
  }

  public enum LessonStatus: UInt8, Sendable, BitwiseCopyable {
    case pending, disputed, released, voided
    public var name: String {
      switch self {
      case .pending: "pending"
      case .disputed: "disputed"
      case .released: "released"
      case .voided: "voided"
      }
    }
  }

  public struct LessonRecord: Sendable, BitwiseCopyable {
    /// Slot in `enrollmentIDs`.
    public var enrollment: Int32
    public var status: LessonStatus
    public var hours: Int64
    public var lastSeq: Int64
    /// The China day (days since 1970-01-01) its `lesson.recorded` entry is dated; `Int32.min`
    /// when the replay was given no time.
    public var recordedDay: Int32 = Int32.min
  }

  public private(set) var institutions: [String: InstitutionState] = [:]
  /// Every institution named by an enrollment, registered or not.
  public private(set) var institutionIDs = IDTable(prefix: nil)
  public private(set) var venues: [String: String] = [:]
  public private(set) var teachers: [String: String] = [:]
  public private(set) var courses: [String: CourseAdded] = [:]
  /// What the replay needs of each class: a city registers tens of thousands, so its schedule,
  /// venue and teacher (checked once, when it is added) are not kept.
  public private(set) var classes: [String: ClassRecord] = [:]

  public struct ClassRecord: Sendable, Equatable {
    public var course: String
    public var institution: String
    public var starts: String
    public var ends: String
    public var capacity: Int64
    public var schedule: String
    public var teacher: String
    public var venue: String
    /// Its index in `classPlacesTaken`, and what enrollments name it by.
    var slot: Int32
  }

  /// The seq of each course's entry, and of each class's (by `ClassRecord.slot`).
  public private(set) var courseSeqs: [String: Int64] = [:]
  public private(set) var classSeqs: [Int64] = []
  /// The id of each class, by `ClassRecord.slot`.
  var classIDs: [String] = []
  /// The places taken in each class (by `ClassRecord.slot`): the distinct students holding hours
  /// there, kept as the store keeps `classes.places_taken` (see `LedgerState+Payments.swift`).
  public internal(set) var classPlacesTaken: [Int64] = []
  /// Each enrollment's class, payment day and the same student's enrollment before it.
  var holderLinks: FlatArray<HolderLink>
  /// The last enrollment of each student (by student slot), −1 for none.
  var studentLastEnrollment: FlatArray<Int32>
  /// Per student, a bit for each class slot modulo 64 the student has an enrollment in: most
  /// payments are a student's first in their class, and the bit says so without walking the
  /// student's enrollments (random reads of spilled pages, which made the audit a third slower).
  var studentClassBits: FlatArray<UInt64>
  /// The schedules of the classes, parsed once each.
  var schedules: [String: Schedule] = [:]
  /// The policy book of the last `policy` entry.
  var policyInForce: LedgerPolicy?

  /// Every parent named by a registration, a student, a payment or an account.
  public private(set) var parentIDs: IDTable
  var parentRegistered: FlatArray<Bool>
  var parentAccounts: FlatArray<Int64>
  public private(set) var parentCount = 0

  /// Every student named by a registration or a payment; the parent slot of registered ones.
  public private(set) var studentIDs: IDTable
  /// The parent slot of each registered student; −1 for a student only named by a payment.
  var studentParent: FlatArray<Int32>
  public private(set) var studentCount = 0

  /// Every enrollment created by a payment or named by an escrow posting.
  /// Where the big arrays are spilled, if anywhere.
  public let scratch: ScratchSpace?
  public private(set) var enrollmentIDs: IDTable
  public internal(set) var enrollmentRecords: FlatArray<EnrollmentRecord>
  /// The balances whose hours do not fit a record, by slot.
  var wideBalances: [Int32: EnrollmentBalance] = [:]
  /// The balance of each `escrow:` account, by enrollment slot.
  public private(set) var escrowAccounts: FlatArray<Int64>
  public private(set) var enrollmentCount = 0

  public private(set) var lessonIDs: IDTable
  public private(set) var lessonRecords: FlatArray<LessonRecord>
  public private(set) var refundIDs: IDTable

  /// Balances of the accounts that are neither `parent:` nor `escrow:` (institutions, and any
  /// other account a posting names).
  public private(set) var otherAccounts: [String: Int64] = [:]
  public private(set) var bankRefs: BankRefSet
  public private(set) var size: Int64 = 0
  /// Supervision actions, measures, findings and complaints.
  public private(set) var supervision = SupervisionReplay()
  /// Contracts, refund applications and ratings (see `LedgerState+ParentFlows.swift`).
  public internal(set) var parentFlows = ParentFlowState()
  public internal(set) var transparency = TransparencyState()
  public internal(set) var credentials = CredentialState()
  var registry = RegistryUniqueness()
  /// The calendar and entry times (see `LedgerState+Timing.swift`).
  public var timing = TimingState()

  /// An empty state; with `scratch`, the arrays that grow with the enrollments and lessons are
  /// kept in its scratch files, so that resident memory stays within its budget. With
  /// `deferringBankRefDuplicates` (the audit's scan), a bank reference used twice is found by
  /// `resolveDeferredChecks` at the end, not when the second use is applied.
  public init(scratch: ScratchSpace? = nil, deferringBankRefDuplicates: Bool = false) {
    self.scratch = scratch
    enrollmentIDs = IDTable(prefix: "E", scratch: scratch)
    enrollmentRecords = FlatArray(in: scratch)
    escrowAccounts = FlatArray(in: scratch)
    lessonIDs = IDTable(prefix: "L", scratch: scratch)
    lessonRecords = FlatArray(in: scratch)
    bankRefs = BankRefSet(scratch: scratch, deferringDuplicates: deferringBankRefDuplicates)
    // Payments name students and parents anywhere, enrollments mostly the newest.
    parentIDs = IDTable(prefix: "P", scratch: scratch, access: .anywhere)
    parentRegistered = FlatArray(in: scratch, access: .anywhere)
    parentAccounts = FlatArray(in: scratch, access: .anywhere)
    studentIDs = IDTable(prefix: "S", scratch: scratch, access: .anywhere)
    studentParent = FlatArray(in: scratch, access: .anywhere)
    holderLinks = FlatArray(in: scratch)
    studentLastEnrollment = FlatArray(in: scratch, access: .anywhere)
    studentClassBits = FlatArray(in: scratch, access: .anywhere)
    refundIDs = IDTable(prefix: "R", scratch: scratch)
  }

  /// Reserves room for about this many enrollments and lessons (a hint, e.g. from the projection
  /// tables: a wrong one costs time, never correctness). Growing the arrays by doubling held the
  /// old and the new copy at once, and left freed memory behind.
  public mutating func reserveCapacity(enrollments: Int, lessons: Int, bankRefs refs: Int) {
    let enrollments = min(max(enrollments, 0), 50_000_000)
    let lessons = min(max(lessons, 0), 50_000_000)
    bankRefs.reserveCapacity(min(max(refs, 0), 50_000_000))
    enrollmentRecords.reserveCapacity(enrollments)
    escrowAccounts.reserveCapacity(enrollments)
    holderLinks.reserveCapacity(enrollments)
    enrollmentIDs.reserveCapacity(enrollments)
    lessonRecords.reserveCapacity(lessons)
    lessonIDs.reserveCapacity(lessons)
  }

  /// Applies the event of entry `seq`; returns the faults it shows (empty when it is sound).
  public mutating func apply(_ event: Event, seq: Int64) -> [AuditFault] {
    var faults: [AuditFault] = []
    apply(event, seq: seq, faults: &faults)
    return faults
  }

  /// Applies the event of entry `seq`, appending its faults to `faults`.
  public mutating func apply(_ event: Event, seq: Int64, faults: inout [AuditFault]) {
    func fault(_ message: String) { faults.append(AuditFault(seq: seq, message)) }
    size = seq
    defer {
      switch event {
      case .payment(let body):
        parentFlows.previousPayment = body
        parentFlows.previousAgreedRequest = nil
      case .parentFlow(.refundRequestAgreed(let agreed)):
        parentFlows.previousPayment = nil
        parentFlows.previousAgreedRequest = agreed.request
      default:
        parentFlows.previousPayment = nil
        parentFlows.previousAgreedRequest = nil
      }
    }
    if seq == 1 {
      if case .genesis = event {} else { fault("entry 1 must be the genesis entry") }
    }
    checkPostings(event, fault: fault)
    checkAgreedRefundFollows(event, fault: fault)
    switch event {
    case .institutionRegistered, .institutionStatusChanged, .venueAdded, .teacherAdded, .courseAdded,
      .classAdded:
      // The registry's rules, as the write path checked them, against the state before the entry.
      if let problem = RegistryEntryRules.fault(of: event, state: self) { fault(problem) }
    default: break
    }

    switch event {
    case .genesis(let body):
      if seq != 1 { fault("a genesis entry may only be entry 1") }
      if let problem = body.continuityProblem { fault(problem) }
      transparency.origin = body.origin
      registry.bureauRegion = body.region
    case .policy(let body):
      applyPolicy(body, fault: fault)
    case .calendar(let body):
      applyCalendar(body, fault: fault)
    case .institutionRegistered(let body):
      noteInstitutionOnce(body)
      institutions[body.uscc] = InstitutionState(
        status: "active", region: body.region, hasEscrowAccount: !body.escrowAccount.isEmpty, lastSeq: seq,
        registeredSeq: seq)
      parentFlows.institutionTerms[body.uscc] = body
    case .institutionStatusChanged(let body):
      // An unknown institution is the rules' fault (institution_unknown).
      guard var institution = institutions[body.uscc] else { break }
      switch body.status {
      case .suspended: institution.status = "suspended"
      case .reinstated, .active: institution.status = "active"
      case .revoked: institution.status = "revoked"
      }
      institution.lastSeq = seq
      institution.statusReason = body.reason
      institutions[body.uscc] = institution
    case .venueAdded(let body):
      register(body.id, in: &venues, value: body.institution, what: "venue", fault: fault)
    case .teacherAdded(let body):
      register(body.id, in: &teachers, value: body.institution, what: "teacher", fault: fault)
      registry.certificates[body.certificate] = body.id
    case .courseAdded(let body):
      register(body.id, in: &courses, value: body, what: "course", fault: fault)
      if courseSeqs[body.id] == nil { courseSeqs[body.id] = seq }
    case .classAdded(let body):
      // The institution's key string is shared rather than kept once more per class (an USCC is too
      // long to be stored inline in a `String`); it compares equal to the class's own.
      let institution = institutions.index(forKey: body.institution).map { institutions[$0].key }
      register(
        body.id, in: &classes,
        value: ClassRecord(
          course: body.course, institution: institution ?? body.institution, starts: body.starts,
          ends: body.ends, capacity: body.capacity, schedule: body.schedule, teacher: body.teacher,
          venue: body.venue, slot: classes[body.id]?.slot ?? Int32(classPlacesTaken.count)),
        what: "class", fault: fault)
      if classes[body.id]?.slot == Int32(classPlacesTaken.count) {
        registry.classesMet[body.teacher, default: []].append(Int32(classPlacesTaken.count))
        registry.classesMet[body.venue, default: []].append(Int32(classPlacesTaken.count))
        classPlacesTaken.append(0)
        classIDs.append(body.id)
        classSeqs.append(seq)
      }
      if schedules[body.schedule] == nil, let schedule = try? Schedule.parse(body.schedule, field: "schedule")
      {
        schedules[body.schedule] = schedule
      }
      if courses[body.course]?.institution != body.institution {
        fault("class \(body.id): course of another institution")
      }
    case .parentRegistered(let body):
      let slot = parentSlotInserting(body.id)
      if parentRegistered[Int(slot)] {
        fault("parent \(body.id) is created twice")
      } else {
        parentRegistered[Int(slot)] = true
        parentCount += 1
      }
    case .studentAdded(let body):
      let slot = studentSlotInserting(body.id)
      if studentParent[Int(slot)] >= 0 {
        fault("student \(body.id) is created twice")
      } else {
        studentCount += 1
      }
      studentParent[Int(slot)] = parentSlotInserting(body.parent)
      if !isParent(body.parent) { fault("student \(body.id) of unknown parent \(body.parent)") }
      checkNotErased(parent: body.parent, fault: fault)
    case .payment(let body):
      applyPayment(body, seq: seq, fault: fault)
    case .lessonRecorded(let body):
      applyLessonRecorded(body, seq: seq, fault: fault)
    case .lessonReleased(let body):
      applyLessonReleased(body, seq: seq, fault: fault)
    case .lessonDisputed(let body):
      guard let slot = lessonIDs.slot(body.lesson), lessonRecords[Int(slot)].status == .pending else {
        fault("dispute of lesson \(body.lesson), which is not pending")
        break
      }
      lessonRecords[Int(slot)].status = .disputed
      lessonRecords[Int(slot)].lastSeq = seq
    case .lessonVoided(let body):
      guard let slot = lessonIDs.slot(body.lesson),
        lessonRecords[Int(slot)].status == .pending || lessonRecords[Int(slot)].status == .disputed
      else {
        fault("void of lesson \(body.lesson), which is not pending or disputed")
        break
      }
      lessonRecords[Int(slot)].status = .voided
      lessonRecords[Int(slot)].lastSeq = seq
      let lesson = lessonRecords[Int(slot)]
      if enrollmentRecords[Int(lesson.enrollment)].exists {
        var balance = balance(lesson.enrollment)
        // A recording the rules refused may have left hours that are not pending: a fault, not a crash.
        guard lesson.hours >= 1, lesson.hours <= balance.hoursPending else {
          fault(
            "void of lesson \(body.lesson): its \(lesson.hours) hours are not pending on its enrollment (\(balance.hoursPending) are)"
          )
          break
        }
        balance.voidLesson(hours: lesson.hours)
        setBalance(lesson.enrollment, balance)
        enrollmentRecords[Int(lesson.enrollment)].lastSeq = seq
      }
    case .refund(let body):
      applyRefund(body, seq: seq, fault: fault)
    case .supervisionAction, .supervisionMeasure, .findingAdded, .findingRectified, .findingVerified,
      .complaintFiled, .complaintResolved:
      let registered = institutions
      let (parentIDs, parentRegistered) = (parentIDs, parentRegistered)
      supervision.apply(
        event, seq: seq, isInstitution: { registered[$0] != nil },
        isParent: { id in parentIDs.slot(id).map { parentRegistered[Int($0)] } ?? false },
        fault: fault)
    case .parentFlow(let flow):
      applyParentFlow(flow, seq: seq, fault: fault)
    case .transparency(let event):
      applyTransparency(event, seq: seq, fault: fault)
    case .credential(let event):
      applyCredential(event, seq: seq, fault: fault)
    }
  }

  // MARK: Slots

  mutating func parentSlotInserting(_ id: String) -> Int32 {
    let (slot, inserted) = parentIDs.insert(id)
    if inserted {
      parentRegistered.append(false)
      parentAccounts.append(0)
    }
    return slot
  }

  /// Whether a `parent.registered` entry created `id`.
  public func isParent(_ id: String) -> Bool {
    guard let slot = parentIDs.slot(id) else { return false }
    return parentRegistered[Int(slot)]
  }

  mutating func studentSlotInserting(_ id: String) -> Int32 {
    let (slot, inserted) = studentIDs.insert(id)
    if inserted {
      studentParent.append(-1)
      studentLastEnrollment.append(-1)
      studentClassBits.append(0)
    }
    return slot
  }

  mutating func enrollmentSlotInserting(_ id: String) -> Int32 {
    let (slot, inserted) = enrollmentIDs.insert(id)
    if inserted {
      enrollmentRecords.append(EnrollmentRecord.placeholder)
      escrowAccounts.append(0)
      holderLinks.append(.unlinked)
    }
    return slot
  }

  /// The slot of an enrollment a payment created, or nil.
  public func enrollmentSlot(_ id: String) -> Int32? {
    guard let slot = enrollmentIDs.slot(id), enrollmentRecords[Int(slot)].exists else { return nil }
    return slot
  }

  /// The institution (USCC) of an enrollment record.
  public func institution(of record: EnrollmentRecord) -> String { institutionIDs.id(record.institution) }

  /// The id of the student of an enrollment record.
  public func student(of record: EnrollmentRecord) -> String { studentIDs.id(record.student) }

  /// The slot of a lesson, or nil.
  public func lessonSlot(_ id: String) -> Int32? { lessonIDs.slot(id) }

  /// The number of lessons recorded (each lesson id once).
  public var lessonCount: Int { lessonRecords.count }
  public var refundCount: Int { refundIDs.count }

  // MARK: Money

  mutating func checkPostings(_ event: Event, fault: (String) -> Void) {
    let postings: [Posting]
    switch event {
    case .payment(let body): postings = body.postings
    case .lessonReleased(let body): postings = body.postings
    case .refund(let body): postings = body.postings
    default: return
    }
    var sum: Int64 = 0
    for posting in postings {
      let (total, overflow) = sum.addingReportingOverflow(posting.amountFen)
      if overflow { fault("postings overflow Int64") }
      sum = total
      let overflowed = credit(posting.account, posting.amountFen)
      if overflowed { fault("account \(posting.account) overflows Int64") }
    }
    if sum != 0 { fault("postings sum to \(sum) fen, not zero") }
  }

  /// Adds `amount` to the balance of `account` (wrapping, as the dictionary it replaces kept the
  /// wrapped sum); returns whether it overflowed.
  mutating func credit(_ account: String, _ amount: Int64) -> Bool {
    if let rest = LedgerState.suffix(of: account, after: "escrow:") {
      let slot = Int(enrollmentSlotInserting(rest))
      let (balance, overflow) = escrowAccounts[slot].addingReportingOverflow(amount)
      escrowAccounts[slot] = balance
      return overflow
    }
    if let rest = LedgerState.suffix(of: account, after: "parent:") {
      let slot = Int(parentSlotInserting(rest))
      let (balance, overflow) = parentAccounts[slot].addingReportingOverflow(amount)
      parentAccounts[slot] = balance
      return overflow
    }
    let (balance, overflow) = otherAccounts[account, default: 0].addingReportingOverflow(amount)
    otherAccounts[account] = balance
    return overflow
  }

  /// What follows `prefix` (ASCII) in `account`, when it starts with those bytes. Splitting there
  /// keeps string equality: `prefix + a == prefix + b` exactly when `a == b`, the prefix ending in
  /// a `:` that composes with nothing.
  static func suffix(of account: String, after prefix: StaticString) -> String? {
    let utf8 = account.utf8
    let length = prefix.utf8CodeUnitCount
    guard utf8.count >= length else { return nil }
    var index = utf8.startIndex
    for offset in 0..<length {
      if utf8[index] != prefix.utf8Start[offset] { return nil }
      index = utf8.index(after: index)
    }
    // Sliced by its UTF-8 bytes: a `String` subscript would round to a character boundary.
    return String(decoding: utf8[index...], as: UTF8.self)
  }

  /// The balance of an account, as the postings left it.
  public func accountBalance(_ account: String) -> Int64 {
    if let rest = LedgerState.suffix(of: account, after: "escrow:") {
      return enrollmentIDs.slot(rest).map { escrowAccounts[Int($0)] } ?? 0
    }
    if let rest = LedgerState.suffix(of: account, after: "parent:") {
      return parentIDs.slot(rest).map { parentAccounts[Int($0)] } ?? 0
    }
    return otherAccounts[account, default: 0]
  }

  func register<Value>(
    _ id: String, in table: inout [String: Value], value: Value, what: String, fault: (String) -> Void
  ) {
    if table[id] != nil { fault("\(what) \(id) is created twice") }
    table[id] = value
  }

  mutating func noteBankRef(_ ref: String, seq: Int64, fault: (String) -> Void) {
    _ = noteBankRefIndex(ref, seq: seq, fault: fault)
  }

  /// Notes a bank reference used by entry `seq`; returns the index that names it.
  mutating func noteBankRefIndex(_ ref: String, seq: Int64, fault: (String) -> Void) -> Int32 {
    let (inserted, index) = bankRefs.insert(ref, seq: seq)
    if !inserted { fault(Self.usedTwice(ref)) }
    return index
  }

  /// The faults the replay deferred to the end of the entries (a bank reference used twice), in
  /// the order of their seqs, worded as `apply` words them.
  public mutating func resolveDeferredChecks() -> [AuditFault] {
    var faults: [AuditFault] = []
    bankRefs.resolveDuplicates { faults.append(AuditFault(seq: $0, Self.usedTwice($1))) }
    return faults
  }

  /// The fault of a bank reference used a second time, found at once or after the scan.
  static func usedTwice(_ ref: String) -> String { "bank reference \(ref) is used twice" }

  /// The bank reference of an enrollment's payment.
  public func bankRef(of record: EnrollmentRecord) -> String { bankRefs.string(record.bankRef) }

  mutating func applyPayment(_ body: Payment, seq: Int64, fault: (String) -> Void) {
    let bankRef = noteBankRefIndex(body.bankRef, seq: seq, fault: fault)
    let slot = Int(enrollmentSlotInserting(body.enrollment))
    if enrollmentRecords[slot].exists {
      fault("enrollment \(body.enrollment) is created twice")
      dropHolder(Int32(slot))
    }
    guard body.hours >= 1, body.amountFen >= 1 else {
      fault("payment of \(body.amountFen) fen for \(body.hours) hours is not positive")
      return
    }
    // Read once, for the rules and for the holder link.
    let paidAt = try? LocalDateTime.parse(body.paidAt, field: "paidAt")
    checkPaymentRules(body, paidAt: paidAt, fault: fault)
    let student = studentSlotInserting(body.student)
    let parent = parentSlotInserting(body.parent)
    if studentParent[Int(student)] != parent { fault("payment by a parent who is not the student's") }
    if classes[body.classID]?.institution != body.institution {
      fault("payment for a class of another institution")
    }
    if !LedgerState.isTransfer(
      body.postings, body.amountFen, from: "parent:", body.parent, to: "escrow:", body.enrollment)
    {
      fault("payment postings do not move \(body.amountFen) fen from parent to escrow")
    }
    if !enrollmentRecords[slot].exists { enrollmentCount += 1 }
    var record = EnrollmentRecord(
      lastSeq: seq, bankRef: bankRef, student: student, parent: parent,
      institution: institutionIDs.insert(body.institution).slot, exists: true,
      hasContract: enrollmentRecords[slot].hasContract)
    record.wide = enrollmentRecords[slot].wide
    enrollmentRecords[slot] = record
    setBalance(Int32(slot), EnrollmentBalance(hoursPaid: body.hours, amountFen: body.amountFen))
    linkHolder(Int32(slot), payment: body, paidAt: paidAt)
  }

  /// Whether `postings` are exactly `Posting.transfer(amount, from: fromPrefix + from, to: toPrefix + to)`,
  /// compared without building the two account strings.
  static func isTransfer(
    _ postings: [Posting], _ amount: Int64, from fromPrefix: StaticString, _ from: String,
    to toPrefix: StaticString, _ to: String
  ) -> Bool {
    guard postings.count == 2, postings[0].amountFen == 0 &- amount, postings[1].amountFen == amount,
      let source = suffix(of: postings[0].account, after: fromPrefix),
      let target = suffix(of: postings[1].account, after: toPrefix)
    else { return false }
    return source == from && target == to
  }

  mutating func applyLessonRecorded(_ body: LessonRecorded, seq: Int64, fault: (String) -> Void) {
    guard let slot = enrollmentSlot(body.enrollment) else {
      fault("lesson \(body.lesson) for unknown enrollment \(body.enrollment)")
      return
    }
    var enrollment = view(slot)
    let (lesson, inserted) = lessonIDs.insert(body.lesson)
    if !inserted { fault("lesson \(body.lesson) is created twice") }
    checkLessonRules(body, fault: fault)
    do { try enrollment.balance.recordLesson(hours: body.hours) } catch {
      fault("lesson \(body.lesson): \(error)")
    }
    enrollment.lastSeq = seq
    store(slot, enrollment)
    var record = LessonRecord(enrollment: slot, status: .pending, hours: body.hours, lastSeq: seq)
    if let day = entryDay { record.recordedDay = Int32(clamping: day.daysSinceEpoch) }
    if inserted { lessonRecords.append(record) } else { lessonRecords[Int(lesson)] = record }
  }

  mutating func applyLessonReleased(_ body: LessonReleased, seq: Int64, fault: (String) -> Void) {
    guard let lessonSlot = lessonIDs.slot(body.lesson), let slot = enrollmentSlot(body.enrollment),
      lessonRecords[Int(lessonSlot)].enrollment == slot
    else {
      fault("release of unknown lesson \(body.lesson)")
      return
    }
    let lesson = lessonRecords[Int(lessonSlot)]
    var enrollment = view(slot)
    let allowed = body.basis == .resolved ? lesson.status == .disputed : lesson.status == .pending
    guard allowed else {
      fault("release (\(body.basis.rawValue)) of lesson \(body.lesson), which is \(lesson.status.name)")
      return
    }
    guard lesson.hours >= 1, lesson.hours <= enrollment.balance.hoursPending else {
      fault(
        "release of lesson \(body.lesson): its \(lesson.hours) hours are not pending on \(body.enrollment) (\(enrollment.balance.hoursPending) are)"
      )
      return
    }
    if body.basis == .deemed {
      checkDeemedRelease(
        lesson, id: body.lesson, region: institutions[institution(of: enrollment.record)]?.region,
        fault: fault)
    }
    let amount = enrollment.balance.releaseLesson(hours: lesson.hours)
    if amount != body.amountFen {
      fault("lesson \(body.lesson) releases \(body.amountFen) fen; the rule gives \(amount)")
    }
    if !LedgerState.isTransfer(
      body.postings, body.amountFen, from: "escrow:", body.enrollment, to: "institution:",
      institution(of: enrollment.record))
    {
      fault("release postings do not move \(body.amountFen) fen from escrow to institution")
    }
    if enrollment.balance.escrowFen < 0 { fault("escrow of \(body.enrollment) goes negative") }
    enrollment.lastSeq = seq
    store(slot, enrollment)
    lessonRecords[Int(lessonSlot)].status = .released
    lessonRecords[Int(lessonSlot)].lastSeq = seq
  }

  mutating func applyRefund(_ body: Refund, seq: Int64, fault: (String) -> Void) {
    noteBankRef(body.bankRef, seq: seq, fault: fault)
    if !refundIDs.insert(body.refund).inserted { fault("refund \(body.refund) is created twice") }
    guard let slot = enrollmentSlot(body.enrollment) else {
      fault("refund for unknown enrollment \(body.enrollment)")
      return
    }
    var enrollment = view(slot)
    do {
      let amount = try enrollment.balance.refund(hours: body.hours)
      if amount != body.amountFen {
        fault("refund \(body.refund) returns \(body.amountFen) fen; the rule gives \(amount)")
      }
    } catch {
      fault("refund \(body.refund): \(error)")
    }
    if !LedgerState.isTransfer(
      body.postings, body.amountFen, from: "escrow:", body.enrollment, to: "parent:",
      parentIDs.id(enrollment.parent))
    {
      fault("refund postings do not move \(body.amountFen) fen from escrow to parent")
    }
    if enrollment.balance.escrowFen < 0 { fault("escrow of \(body.enrollment) goes negative") }
    enrollment.lastSeq = seq
    store(slot, enrollment)
    if let request = body.request { noteRequestExecuted(request, by: body, seq: seq, fault: fault) }
  }

  /// The invariants over the whole state: per enrollment paid = released + refunded + escrow, hours
  /// likewise, escrow accounts equal to the enrollments' escrow, no negative escrow.
  public func finalFaults() -> [AuditFault] {
    var faults = parentFlowFinalFaults()
    // Only the enrollments with a fault are sorted by id, to name them in the order of before.
    var faulty: [(String, [AuditFault])] = []
    for slot in enrollmentRecords.indices {
      if slot % 4096 == 0 { scratch?.trimIfOverBudget() }
      guard enrollmentRecords[slot].exists else { continue }
      let balance = balance(Int32(slot))
      let account = escrowAccounts[slot]
      guard balance.escrowFen < 0 || balance.hoursRemaining < 0 || account != balance.escrowFen else {
        continue
      }
      let id = enrollmentIDs.id(Int32(slot))
      var found: [AuditFault] = []
      if balance.escrowFen < 0 { found.append(AuditFault(seq: 0, "enrollment \(id): escrow is negative")) }
      if balance.hoursRemaining < 0 {
        found.append(AuditFault(seq: 0, "enrollment \(id): hours remaining negative"))
      }
      if account != balance.escrowFen {
        found.append(
          AuditFault(
            seq: 0, "enrollment \(id): escrow account holds \(account) fen, balance says \(balance.escrowFen)"
          ))
      }
      faulty.append((id, found))
    }
    for (_, found) in faulty.sorted(by: { $0.0 < $1.0 }) { faults += found }
    return faults
  }
}

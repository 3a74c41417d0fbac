import JianguanCore
import JianguanCrypto

/// What a store keeps for a `ReplayedLedger`: the entries (with whatever projections it has) and
/// the sealed personal data, and the answers the replay's state does not keep (which entry used a
/// bank reference, the lesson at a time, the person under a commitment), and the deletion of a
/// family's sealed personal data on erasure.
public protocol EntryKeeper: AnyObject {
  /// Keeps entry `seq`, `event` encoded as `bytes` and dated `time`, inside the store's
  /// transaction. The replay has accepted it and its chain link is `bytes`' own.
  func keep(_ event: Event, seq: Int64, time: String, bytes: [UInt8]) throws
  /// The seq of the entry that used `bankRef` (only asked about a reference the log has used).
  func seq(ofBankRef bankRef: String) throws -> Int64?
  /// The event of entry `seq`.
  func event(atSeq seq: Int64) throws -> Event?
  /// The lesson recorded for `enrollment` taught at `taught`, if any.
  func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson?
  /// The person registered under a commitment, from the store's sealed personal data.
  func person(commitment: String) throws -> RegisteredPerson?
  /// Keeps a person's sealed personal data, outside the log, inside the store's transaction.
  func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws
  /// Deletes the sealed personal data of a parent and of their children (the `parent.erased`
  /// entry is kept); the commitments stay, marked erased.
  func erasePersons(ofParent parent: String) throws
}

/// A store's transaction whose rules are answered by the audit's own replay state
/// (`LedgerState`), kept in memory and brought up to the log's head, rather than by the store's
/// tables: an operation checks its request against the state, and every entry it appends is run
/// through the replay, which must accept it, before the store keeps it. A store implements only
/// `EntryKeeper`; no rule is written twice.
///
/// After anything is thrown from an append, the state may be ahead of what the store keeps (the
/// caller rolls its transaction back): `isCurrent` is then false and the caller loads a new one.
public final class ReplayedLedger: LedgerTransaction {
  public private(set) var state: LedgerState
  /// The last entry: its seq, hash and `YYYY-MM-DDTHH:MM:SSZ` time ((0, zeros, "") when empty).
  public private(set) var head: (seq: Int64, hash: [UInt8], time: String) = (0, Entry.genesisPrevious, "")
  /// False once an append threw: the state may hold what the store did not keep.
  public private(set) var isCurrent = true
  public var clock: LocalDateTime
  public var keeper: (any EntryKeeper)?

  public init(clock: LocalDateTime, keeper: (any EntryKeeper)? = nil, scratch: ScratchSpace? = nil) {
    self.clock = clock
    self.keeper = keeper
    self.state = LedgerState(scratch: scratch)
  }

  /// The replay refused an entry: a store never keeps what its audit rejects.
  public struct Refused: Error, CustomStringConvertible {
    public let faults: [AuditFault]
    public var description: String {
      "the replay refuses the entry: " + faults.map(\.description).joined(separator: "; ")
    }
  }

  /// Brings the state past one entry the store already holds (`bytes` as stored), checking its
  /// seq and chain link, and returns its event. Nothing is kept: this is how a store loads the
  /// state (and learns, from the events, what its `EntryKeeper` answers).
  @discardableResult
  public func load(entryBytes bytes: [UInt8]) throws -> Event {
    // The audit's fast path for the hot kinds (it gives nil for anything it is not sure of), else
    // the generic one: the same fields and the same event either way (`EntryDecodingTests`).
    let seq: Int64
    let previousHash: [UInt8]
    let time: String
    let event: Event
    if let decoded = bytes.withUnsafeBufferPointer({ EntryDecoding.decode($0) }) {
      (seq, previousHash, event) = (decoded.seq, decoded.previousHash.bytes, decoded.event)
      time = String(decoding: bytes[decoded.timeRange], as: UTF8.self)
    } else {
      let entry = try Entry.parse(bytes)
      (seq, previousHash, time) = (entry.seq, entry.previousHash, entry.time)
      event = try Event(kind: entry.kind, payload: entry.payload)
    }
    guard seq == head.seq + 1, previousHash == head.hash else {
      throw Refused(faults: [
        AuditFault(seq: seq, "the entry does not follow entry \(head.seq) in the chain; run `jianguan audit`")
      ])
    }
    try apply(event, seq: seq, time: time)
    head = (seq, SHA256.hash(bytes), time)
    return event
  }

  private func apply(_ event: Event, seq: Int64, time: String) throws {
    var faults: [AuditFault] = []
    Array(time.utf8).withUnsafeBufferPointer { state.noteEntryTime($0, seq: seq, faults: &faults) }
    state.apply(event, seq: seq, faults: &faults)
    guard faults.isEmpty else {
      isCurrent = false
      throw Refused(faults: faults)
    }
  }

  public func now() -> LocalDateTime { clock }

  public func append(_ event: Event) throws -> Int64 {
    guard isCurrent else { throw Refused(faults: [AuditFault(seq: 0, "the state is behind the store")]) }
    let seq = head.seq + 1
    let time = LocalDateTime.utcTimestamp(unixSeconds: clock.unixSeconds)
    guard time >= head.time else {
      throw Rejection.clockBeforeLastEntry(clock, headSeq: head.seq, headTime: head.time)
    }
    let bytes = Entry.encode(
      seq: seq, time: time, kind: event.kind, payloadBytes: event.payloadBytes, previousHash: head.hash)
    do {
      try apply(event, seq: seq, time: time)
      try keeper?.keep(event, seq: seq, time: time, bytes: bytes)
    } catch {
      isCurrent = false
      throw error
    }
    head = (seq, SHA256.hash(bytes), time)
    return seq
  }

  public func nextID(_ kind: NumberedRecord) throws -> String {
    switch kind {
    case .enrollment: "E\(state.enrollmentCount + 1)"
    case .lesson: "L\(state.lessonCount + 1)"
    case .refund: "R\(state.refundCount + 1)"
    case .venue: "V\(state.venues.count + 1)"
    case .teacher: "T\(state.teachers.count + 1)"
    case .course: "C\(state.courses.count + 1)"
    case .klass: "B\(state.classes.count + 1)"
    case .parent: "P\(state.parentCount + 1)"
    case .student: "S\(state.studentCount + 1)"
    case .refundRequest: "RA\(state.parentFlows.requests.count + 1)"
    case .credential: "C\(state.credentials.count + 1)"
    }
  }

  public func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson? {
    // An enrollment no payment created has no lessons: no need to ask the store.
    guard state.enrollmentSlot(enrollment) != nil else { return nil }
    return try keeper?.earlierLesson(enrollment: enrollment, taught: taught)
  }

  public func balance(ofEnrollment id: String) throws -> EnrollmentBalance? {
    state.enrollmentSlot(id).map { state.balance($0) }
  }

  public func parent(ofEnrollment id: String) throws -> String? {
    state.enrollmentSlot(id).map { state.parentIDs.id(state.enrollmentRecords[Int($0)].parent) }
  }

  public func institution(ofEnrollment id: String) throws -> String? {
    state.enrollmentSlot(id).map { state.institution(of: state.enrollmentRecords[Int($0)]) }
  }

  public func recordedLesson(_ id: String) throws -> RecordedLesson? {
    guard let slot = state.lessonSlot(id) else { return nil }
    let lesson = state.lessonRecords[Int(slot)]
    return RecordedLesson(
      enrollment: state.enrollmentIDs.id(lesson.enrollment), hours: lesson.hours, status: lesson.status.name)
  }

  public func person(commitment: String) throws -> RegisteredPerson? {
    try keeper?.person(commitment: commitment)
  }

  public func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws {
    guard let keeper else {
      throw Rejection(
        "personal_data_not_kept", "this store keeps no personal data; a person cannot be registered")
    }
    try keeper.keepPerson(commitment: commitment, role: role, maskedID: maskedID, sealed: sealed)
  }

  public func parentErased(_ id: String) throws -> Bool? {
    state.isParent(id) ? state.parentFlows.erasedParents[id] != nil : nil
  }

  public func earlierUse(ofBankRef bankRef: String) throws -> BankRefUse? {
    // Most references are new: the state's set says so without asking the store.
    guard state.bankRefs.contains(bankRef), let keeper, let seq = try keeper.seq(ofBankRef: bankRef) else {
      return nil
    }
    guard let event = try keeper.event(atSeq: seq), let use = BankRefUse(seq: seq, event: event) else {
      throw Refused(faults: [
        AuditFault(
          seq: seq,
          "bank reference \(Rejection.quote(bankRef)) names an entry that is not a payment or a refund")
      ])
    }
    return use
  }

  public func parent(ofStudent student: String) throws -> String? { try state.parent(ofStudent: student) }
  public func paymentClass(_ id: String) throws -> PaymentClass? { try state.paymentClass(id) }
  public func policy(forRegion region: String) throws -> Policy { try state.policy(forRegion: region) }
  public func holdsPlace(student: String, classID: String) throws -> Bool {
    try state.holdsPlace(student: student, classID: classID)
  }
  public func holdings(student: String, classID: String) throws -> [ClassHolding] {
    try state.holdings(student: student, classID: classID)
  }
  public func schedule(_ text: String) throws -> Schedule { try state.schedule(text) }
  public func lessonEnrollment(_ id: String) throws -> LessonEnrollment? { try state.lessonEnrollment(id) }
  public func workingDayCalendar() throws -> WorkingDayCalendar { try state.workingDayCalendar() }

  public func bureauRegion() throws -> String { try state.bureauRegion() }
  public func registeredInstitution(_ uscc: String) throws -> RegisteredInstitution? {
    try state.registeredInstitution(uscc)
  }
  public func licenceHolder(_ licence: String) throws -> String? { try state.licenceHolder(licence) }
  public func escrowAccountHolder(digits: String) throws -> String? {
    try state.escrowAccountHolder(digits: digits)
  }
  public func certificateHolder(_ certificate: String) throws -> (teacher: String, institution: String)? {
    try state.certificateHolder(certificate)
  }
  public func escrowHeld(byInstitution uscc: String) throws -> (count: Int64, fen: Int64) {
    try state.escrowHeld(byInstitution: uscc)
  }
  public func owner(ofVenue id: String) throws -> String? { try state.owner(ofVenue: id) }
  public func owner(ofTeacher id: String) throws -> String? { try state.owner(ofTeacher: id) }
  public func registeredCourse(_ id: String) throws -> CourseAdded? { try state.registeredCourse(id) }
  public func classes(
    ofTeacher teacher: String, orVenue venue: String, overlapping starts: String, _ ends: String
  )
    throws -> [ScheduledClass]
  { try state.classes(ofTeacher: teacher, orVenue: venue, overlapping: starts, ends) }
}

extension Rejection {
  /// An entry would be dated before the log's last one: entry times never go backwards.
  public static func clockBeforeLastEntry(_ clock: LocalDateTime, headSeq: Int64, headTime: String)
    -> Rejection
  {
    Rejection(
      "clock_before_last_entry",
      "the clock says \(clock), before the last entry (seq \(headSeq), dated \(headTime)): entry times never go backwards; set the computer's clock (or JIANGUAN_NOW) to the present"
    )
  }
}

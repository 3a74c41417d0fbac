import JianguanCore

/// What the replay keeps of an enrollment for the payment and lesson rules: its class, when it was
/// paid, and the same student's enrollment before it (a list per student, walked to find what a
/// student holds in a class). Sixteen bytes in a flat array, spilled with the others.
struct HolderLink: Sendable, BitwiseCopyable {
  /// `ClassRecord.slot`; −1 when the enrollment names no known class (or no payment made it),
  /// −2 when it was created twice (then neither of its payments counts in places or holdings).
  var klass: Int32
  /// Days since 1970-01-01 of the payment, in China, and its second of that day.
  var paidDay: Int32
  var paidSecond: Int32
  /// The student's enrollment before this one, −1 for none.
  var previous: Int32

  static let unlinked = HolderLink(klass: -1, paidDay: 0, paidSecond: 0, previous: -1)

  var paidAt: LocalDateTime {
    LocalDateTime(
      date: CalendarDate(daysSinceEpoch: Int(paidDay)), minuteOfDay: Int(paidSecond) / 60,
      second: Int(paidSecond) % 60)!
  }
}

/// The replay answers the payment rules' questions from what it has replayed, so that every
/// payment entry is checked by the same `PaymentRules` the write path decided it with, against
/// the state the entries before it left.
extension LedgerState: PaymentState {
  public func parent(ofStudent student: String) throws -> String? {
    guard let slot = studentIDs.slot(student) else { return nil }
    let parent = studentParent[Int(slot)]
    return parent >= 0 ? parentIDs.id(parent) : nil
  }

  public func paymentClass(_ id: String) throws -> PaymentClass? {
    guard let klass = classes[id], let course = courses[klass.course] else { return nil }
    let registered = institutions[klass.institution]
    let terms = parentFlows.institutionTerms[klass.institution]
    return PaymentClass(
      uscc: klass.institution, capacity: klass.capacity, placesTaken: classPlacesTaken[Int(klass.slot)],
      starts: klass.starts, ends: klass.ends, course: klass.course, courseName: course.name,
      courseHours: course.hours, delivery: course.delivery, lessonMinutes: course.lessonMinutes,
      pricePerHourFen: course.pricePerHourFen,
      institution: registered.map {
        PaymentInstitution(
          uscc: klass.institution, status: $0.status, kind: terms?.kind ?? "", region: $0.region,
          escrowAccount: terms?.escrowAccount ?? "")
      },
      institutionName: terms?.name ?? "", licence: terms?.licence ?? "", mode: terms?.mode ?? "",
      escrowBank: terms?.escrowBank ?? "", schedule: klass.schedule)
  }

  public func policy(forRegion region: String) throws -> Policy {
    guard let policyInForce else { throw LedgerPolicy.notLoaded }
    return policyInForce.policy(for: region)
  }

  public func holdsPlace(student: String, classID: String) throws -> Bool {
    var holds = false
    forEachEnrollment(ofStudent: student, inClass: classID) { _, balance in
      if LedgerState.holdsHours(balance) { holds = true }
    }
    return holds
  }

  public func holdings(student: String, classID: String) throws -> [ClassHolding] {
    var holdings: [ClassHolding] = []
    forEachEnrollment(ofStudent: student, inClass: classID) { link, balance in
      guard LedgerState.holdsHours(balance) else { return }
      holdings.append(
        ClassHolding(
          unconsumedHours: balance.hoursPaid - balance.hoursConsumed - balance.hoursRefunded
            - balance.hoursPending,
          paidOn: CalendarDate(daysSinceEpoch: Int(link.paidDay)).description))
    }
    return holdings
  }

  /// The class an enrollment's payment names, nil for none the replay knows.
  public func classID(ofEnrollment slot: Int32) -> String? {
    let klass = holderLinks[Int(slot)].klass
    return klass >= 0 ? classIDs[Int(klass)] : nil
  }

  /// The seq of class `id`'s entry and the places taken in it (students holding hours).
  public func classStanding(_ id: String) -> (seq: Int64, placesTaken: Int64)? {
    guard let klass = classes[id] else { return nil }
    return (classSeqs[Int(klass.slot)], classPlacesTaken[Int(klass.slot)])
  }

  public func schedule(_ text: String) throws -> Schedule {
    try schedules[text] ?? Schedule.parse(text, field: "schedule")
  }
}

extension LedgerState {
  /// Whether a balance holds hours, as the places rule counts them: paid beyond consumed and
  /// refunded (pending hours still hold a place).
  static func holdsHours(_ balance: EnrollmentBalance) -> Bool {
    balance.hoursPaid > balance.hoursConsumed + balance.hoursRefunded
  }

  /// A payment entry breaks no payment rule, checked before the state takes it.
  func checkPaymentRules(_ body: Payment, paidAt: LocalDateTime?, fault: (String) -> Void) {
    if let problem = PaymentRules.fault(
      of: body, paidAt: paidAt, entrySeconds: timing.entrySeconds, state: self)
    {
      fault(problem)
    }
  }

  /// Links the enrollment a payment just created to its class and student, and takes a place in
  /// the class unless the student already held one there.
  mutating func linkHolder(_ slot: Int32, payment body: Payment, paidAt: LocalDateTime?) {
    guard holderLinks[Int(slot)].klass == HolderLink.unlinked.klass, let klass = classes[body.classID],
      let paidAt
    else { return }
    let student = enrollmentRecords[Int(slot)].student
    holderLinks[Int(slot)] = HolderLink(
      klass: klass.slot, paidDay: Int32(clamping: paidAt.date.daysSinceEpoch),
      paidSecond: Int32(paidAt.minuteOfDay * 60 + paidAt.second),
      previous: studentLastEnrollment[Int(student)])
    studentLastEnrollment[Int(student)] = slot
    let bits = studentClassBits[Int(student)]
    let bit = LedgerState.classBit(klass.slot)
    studentClassBits[Int(student)] = bits | bit
    if LedgerState.holdsHours(balance(slot)),
      bits & bit == 0 || !holdsElsewhere(student: student, klass: klass.slot, excluding: slot)
    {
      classPlacesTaken[Int(klass.slot)] += 1
    }
  }

  /// An enrollment created twice leaves the places and holdings: its place is given back, and
  /// it is never linked again.
  mutating func dropHolder(_ slot: Int32) {
    var link = holderLinks[Int(slot)]
    if link.klass >= 0, LedgerState.holdsHours(balance(slot)),
      !holdsElsewhere(student: enrollmentRecords[Int(slot)].student, klass: link.klass, excluding: slot)
    {
      classPlacesTaken[Int(link.klass)] -= 1
    }
    link.klass = -2
    holderLinks[Int(slot)] = link
  }

  /// Before an enrollment's balance becomes `balance`: when that starts or ends its holding and
  /// the student holds nothing else in the class, the class's places change.
  mutating func placeMayChange(_ slot: Int32, to balance: EnrollmentBalance) {
    let link = holderLinks[Int(slot)]
    guard link.klass >= 0 else { return }
    let held = LedgerState.holdsHours(self.balance(slot))
    let holds = LedgerState.holdsHours(balance)
    guard held != holds,
      !holdsElsewhere(student: enrollmentRecords[Int(slot)].student, klass: link.klass, excluding: slot)
    else { return }
    classPlacesTaken[Int(link.klass)] += holds ? 1 : -1
  }

  /// The bit of a class in `studentClassBits`.
  static func classBit(_ klass: Int32) -> UInt64 { 1 << (UInt64(klass) & 63) }

  private func holdsElsewhere(student: Int32, klass: Int32, excluding: Int32) -> Bool {
    var slot = studentLastEnrollment[Int(student)]
    while slot >= 0 {
      let link = holderLinks[Int(slot)]
      if slot != excluding, link.klass == klass, LedgerState.holdsHours(balance(slot)) { return true }
      slot = link.previous
    }
    return false
  }

  /// Each enrollment of `student` in class `classID`, newest first, with its balance.
  private func forEachEnrollment(
    ofStudent student: String, inClass classID: String, _ body: (HolderLink, EnrollmentBalance) -> Void
  ) {
    guard let studentSlot = studentIDs.slot(student), let klass = classes[classID]?.slot,
      studentClassBits[Int(studentSlot)] & LedgerState.classBit(klass) != 0
    else { return }
    var slot = studentLastEnrollment[Int(studentSlot)]
    while slot >= 0 {
      let link = holderLinks[Int(slot)]
      if link.klass == klass { body(link, balance(slot)) }
      slot = link.previous
    }
  }
}

/// The replay answers the lesson rules' questions the same way: every `lesson.recorded` entry is
/// checked by the `LessonRecordingRules` the write path recorded it with.
extension LedgerState: LessonState {
  public func lessonEnrollment(_ id: String) throws -> LessonEnrollment? {
    guard let slot = enrollmentSlot(id) else { return nil }
    let link = holderLinks[Int(slot)]
    guard link.klass >= 0, let klass = classes[classIDs[Int(link.klass)]], let course = courses[klass.course]
    else { return nil }
    let uscc = institution(of: enrollmentRecords[Int(slot)])
    let registered = institutions[uscc]
    return LessonEnrollment(
      institution: uscc, institutionStatus: registered?.status, region: registered?.region ?? "",
      terms: LessonRules.ClassTerms(
        schedule: try schedule(klass.schedule), starts: try CalendarDate.parse(klass.starts, field: "starts"),
        ends: try CalendarDate.parse(klass.ends, field: "ends"),
        delivery: try Delivery.parse(course.delivery, field: "delivery"), isSubject: course.subject != nil,
        lessonMinutes: Int(course.lessonMinutes)),
      paidAt: link.paidAt)
  }

  public func workingDayCalendar() throws -> WorkingDayCalendar { timing.calendar }

  /// A `lesson.recorded` entry breaks no lesson rule, checked before the state takes it.
  func checkLessonRules(_ body: LessonRecorded, fault: (String) -> Void) {
    if let problem = LessonRecordingRules.fault(of: body, entrySeconds: timing.entrySeconds, state: self) {
      fault(problem)
    }
  }
}

import JianguanCore

/// A payment as the bank or the clerk gives it, its fields already parsed.
public struct PaymentRequest: Sendable {
  public let student: String
  public let classID: String
  public let hours: Int64
  public let amountFen: Int64
  public let bankRef: String
  public let paidAt: LocalDateTime

  public init(
    student: String, classID: String, hours: Int64, amountFen: Int64, bankRef: String, paidAt: LocalDateTime
  ) {
    self.student = student
    self.classID = classID
    self.hours = hours
    self.amountFen = amountFen
    self.bankRef = bankRef
    self.paidAt = paidAt
  }

  /// The business content a bank reference is bound to: a retry with the same reference must
  /// carry the same.
  public var content: PaymentContent {
    PaymentContent(student: student, classID: classID, hours: hours, amountFen: amountFen)
  }
}

/// The institution a class belongs to, as a payment needs it.
public struct PaymentInstitution: Sendable {
  public let uscc: String
  public let status: String
  public let kind: String
  public let region: String
  public let escrowAccount: String

  public init(uscc: String, status: String, kind: String, region: String, escrowAccount: String) {
    self.uscc = uscc
    self.status = status
    self.kind = kind
    self.region = region
    self.escrowAccount = escrowAccount
  }
}

/// A class as a payment needs it: its dates, capacity, price and hours for the rules, its course
/// and institution for the e-contract.
public struct PaymentClass: Sendable {
  public let uscc: String
  public let capacity: Int64
  /// The distinct students holding hours in the class.
  public let placesTaken: Int64
  public let starts: String
  public let ends: String
  public let course: String
  public let courseName: String
  /// The hours of the class's course: a charge buys at most the course.
  public let courseHours: Int64
  public let delivery: String
  public let lessonMinutes: Int64
  public let pricePerHourFen: Int64
  /// Nil when the class names an institution that is not registered.
  public let institution: PaymentInstitution?
  public let institutionName: String
  public let licence: String
  public let mode: String
  public let escrowBank: String
  public let schedule: String

  public init(
    uscc: String, capacity: Int64, placesTaken: Int64, starts: String, ends: String, course: String,
    courseName: String, courseHours: Int64, delivery: String, lessonMinutes: Int64, pricePerHourFen: Int64,
    institution: PaymentInstitution?, institutionName: String, licence: String, mode: String,
    escrowBank: String, schedule: String
  ) {
    self.uscc = uscc
    self.capacity = capacity
    self.placesTaken = placesTaken
    self.starts = starts
    self.ends = ends
    self.course = course
    self.courseName = courseName
    self.courseHours = courseHours
    self.delivery = delivery
    self.lessonMinutes = lessonMinutes
    self.pricePerHourFen = pricePerHourFen
    self.institution = institution
    self.institutionName = institutionName
    self.licence = licence
    self.mode = mode
    self.escrowBank = escrowBank
    self.schedule = schedule
  }
}

/// Unconsumed hours a student holds in a class from one payment, and the day it was paid.
public struct ClassHolding: Sendable {
  public let unconsumedHours: Int64
  public let paidOn: String

  public init(unconsumedHours: Int64, paidOn: String) {
    self.unconsumedHours = unconsumedHours
    self.paidOn = paidOn
  }
}

/// What the payment rules ask of the ledger's state. The SQLite store answers from its tables, the
/// audit's replay (`LedgerState`) from what it has replayed; a second store answers the same
/// questions its own way and needs no copy of any rule.
public protocol PaymentState {
  /// The parent of a registered student; nil when the student is not registered.
  func parent(ofStudent student: String) throws -> String?
  /// The class; nil when it does not exist.
  func paymentClass(_ id: String) throws -> PaymentClass?
  /// The policy values that apply to institutions of `region`.
  func policy(forRegion region: String) throws -> Policy
  /// Whether `student` holds unconsumed hours in the class (a renewal needs no new place).
  func holdsPlace(student: String, classID: String) throws -> Bool
  /// The student's unconsumed hours in the class, payment by payment.
  func holdings(student: String, classID: String) throws -> [ClassHolding]
  /// A class's schedule, parsed.
  func schedule(_ text: String) throws -> Schedule
}

/// What a request carrying a bank reference asks besides: whether the reference was used before.
/// The write path answers it (a repeat writes nothing); the replay sees only entries, and finds a
/// reference used twice on its own.
public protocol BankRefState {
  /// The entry that used `bankRef` before, if any.
  func earlierUse(ofBankRef bankRef: String) throws -> BankRefUse?
}

/// What a payment the rules accepted goes on with: the parties and terms its entry and its
/// e-contract name.
public struct AcceptedPayment: Sendable {
  public let parent: String
  public let klass: PaymentClass
  public let institution: PaymentInstitution
  public let policy: Policy
}

/// The outcome of a payment's rules: a repeat of an earlier request (nothing new to write), or
/// accepted.
public enum PaymentDecision: Sendable {
  case repeated(id: String, seq: Int64)
  case accepted(AcceptedPayment)
}

/// The rules of a payment into escrow, in one place and without SQL: checked in this order, the
/// first that fails is reported, each with its stable rule code. The write path decides a request
/// with them; the audit's replay checks every payment entry with `accept`, against the state the
/// entries before it left.
public enum PaymentRules {
  public static func decide(_ p: PaymentRequest, now: LocalDateTime, state: some PaymentState & BankRefState)
    throws -> PaymentDecision
  {
    if let earlier = try BankRefRules.repeated(
      p.bankRef, kind: "payment", content: p.content.text, earlier: state.earlierUse(ofBankRef: p.bankRef))
    {
      return .repeated(id: earlier.id, seq: earlier.seq)
    }
    return .accepted(try accept(p, now: now, state: state))
  }

  /// Every rule but the bank reference's: what a new payment must keep.
  public static func accept(_ p: PaymentRequest, now: LocalDateTime, state: some PaymentState) throws
    -> AcceptedPayment
  {
    guard p.paidAt <= now else {
      throw Rejection(
        "payment_in_future",
        "paid-at \(p.paidAt) is in the future (now is \(now)); a payment is recorded after the bank took it")
    }
    guard let parent = try state.parent(ofStudent: p.student) else {
      throw Rejection("student_unknown", "student \(Rejection.quote(p.student)) is not registered")
    }
    guard let klass = try state.paymentClass(p.classID) else {
      throw Rejection("class_unknown", "class \(Rejection.quote(p.classID)) does not exist")
    }
    guard let institution = klass.institution else {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(klass.uscc)) is not registered")
    }
    let policy = try state.policy(forRegion: institution.region)
    guard institution.status == "active" else {
      throw Rejection(
        "institution_not_active",
        "institution \(institution.uscc) is \(institution.status): a \(institution.status) institution takes no payments"
      )
    }
    guard !institution.escrowAccount.isEmpty else {
      throw Rejection(
        "institution_without_escrow_account",
        "institution \(institution.uscc) has no supervised escrow account and takes no payments (教监管函〔2021〕2号)"
      )
    }
    let paidOn = p.paidAt.date
    let starts = try CalendarDate.parse(klass.starts, field: "starts")
    let ends = try CalendarDate.parse(klass.ends, field: "ends")
    guard paidOn <= ends else {
      throw Rejection("class_ended", "class \(p.classID) ended on \(ends), before the payment date \(paidOn)")
    }
    if klass.placesTaken >= klass.capacity, try !state.holdsPlace(student: p.student, classID: p.classID) {
      throw Rejection("class_full", "class \(p.classID) is full: all \(klass.capacity) places are taken")
    }
    try checkChargeSpan(p, klass: klass, starts: starts, ends: ends, policy: policy, state: state)
    guard p.amountFen <= policy.maxFenPerCharge else {
      throw Rejection(
        "amount_over_charge_cap",
        "amount \(Money.formatYuan(p.amountFen)) yuan is over the cap of \(Money.formatYuan(policy.maxFenPerCharge)) yuan for one charge"
      )
    }
    let earliest = starts.adding(months: -policy.earliestCollectionMonthsBeforeStart)
    guard paidOn >= earliest else {
      throw Rejection(
        "payment_too_early",
        "payment date \(paidOn) is before \(earliest): fees may be collected at most \(policy.earliestCollectionMonthsBeforeStart) month(s) before the class starts (\(starts))"
      )
    }
    guard p.hours <= klass.courseHours else {
      throw Rejection(
        "hours_over_course_hours",
        "hours \(p.hours) is more than the \(klass.courseHours) hours of class \(p.classID)'s course; a charge buys at most the course"
      )
    }
    let ceilingFen = try Money.multiply(p.hours, klass.pricePerHourFen, field: "amount")
    guard p.amountFen <= ceilingFen else {
      throw Rejection(
        "amount_over_listed_price",
        "amount \(Money.formatYuan(p.amountFen)) yuan is over \(p.hours) hours × the listed price = \(Money.formatYuan(ceilingFen)) yuan"
      )
    }
    return AcceptedPayment(parent: parent, klass: klass, institution: institution, policy: policy)
  }

  /// One charge = at most `maxHoursPerCharge` hours and `maxMonthsPerCharge` months, however it
  /// is split (README "When money moves"): the hours the student holds unconsumed in the class from
  /// payments dated within the months before this one (or later), plus these, are at most the
  /// hours limit (`hours_over_charge_limit`); and the last slot these hours cover, after every
  /// unconsumed hour the student holds in the class, is within the months of the payment date
  /// (`charge_beyond_months`; `ChargeRules.lastCoveredDay`).
  static func checkChargeSpan(
    _ p: PaymentRequest, klass: PaymentClass, starts: CalendarDate, ends: CalendarDate, policy: Policy,
    state: some PaymentState
  ) throws {
    let paidOn = p.paidAt.date
    let spanStart = paidOn.adding(months: -policy.maxMonthsPerCharge).description
    var heldInSpan: Int64 = 0
    var heldInAll: Int64 = 0
    for holding in try state.holdings(student: p.student, classID: p.classID) {
      let unconsumed = max(holding.unconsumedHours, 0)
      heldInAll += unconsumed
      if holding.paidOn >= spanStart { heldInSpan += unconsumed }
    }
    let total = heldInSpan + p.hours
    guard total <= policy.maxHoursPerCharge else {
      let held =
        heldInSpan == 0
        ? ""
        : ": with the \(heldInSpan) hours student \(p.student) holds unconsumed in class \(p.classID) from payments since \(spanStart), it makes \(total)"
      throw Rejection(
        "hours_over_charge_limit",
        "hours \(p.hours) is over \(policy.maxHoursPerCharge)\(held); one charge covers at most \(policy.maxHoursPerCharge) class hours, however it is split"
      )
    }
    let latestEnd = paidOn.adding(months: policy.maxMonthsPerCharge)
    guard
      let lastDay = ChargeRules.lastCoveredDay(
        schedule: try state.schedule(klass.schedule),
        lessonMinutes: Int(klass.lessonMinutes),
        from: max(paidOn, starts), ends: ends, hoursAhead: heldInAll, hours: p.hours),
      lastDay > latestEnd
    else { return }
    throw Rejection(
      "charge_beyond_months",
      "hours \(p.hours) of class \(p.classID) run to its lesson of \(lastDay)\(heldInAll > 0 ? " (after the \(heldInAll) hours already held)" : ""), more than \(policy.maxMonthsPerCharge) months after the payment date \(paidOn): one charge covers at most \(policy.maxMonthsPerCharge) months of lessons"
    )
  }
}

extension PaymentRules {
  /// The replay's check of a payment entry: every rule but the bank reference's (a repeat never
  /// becomes an entry; the replay finds a reference used twice itself), against the state the
  /// entries before it left, at the entry's time (at its own `paidAt` when the replay is given no
  /// time). The fault, or nil when the entry keeps them.
  public static func fault(of payment: Payment, entrySeconds: Int64?, state: some PaymentState) -> String? {
    fault(
      of: payment, paidAt: try? LocalDateTime.parse(payment.paidAt, field: "paidAt"),
      entrySeconds: entrySeconds,
      state: state)
  }

  /// The same, with the payment's `paidAt` already read (nil when it is not a moment).
  public static func fault(
    of payment: Payment, paidAt: LocalDateTime?, entrySeconds: Int64?, state: some PaymentState
  ) -> String? {
    guard let paidAt else {
      return "payment's paidAt \(payment.paidAt) is not a moment"
    }
    let request = PaymentRequest(
      student: payment.student, classID: payment.classID, hours: payment.hours, amountFen: payment.amountFen,
      bankRef: payment.bankRef, paidAt: paidAt)
    return RuleFault.of("payment") {
      _ = try accept(request, now: entrySeconds.map(LocalDateTime.init(unixSeconds:)) ?? paidAt, state: state)
    }
  }
}

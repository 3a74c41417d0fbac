import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// The form of `pay`, as typed.
public struct PaymentForm: Sendable {
  public var student = ""
  public var classID = ""
  public var hours = ""
  public var amountYuan = ""
  public var bankRef = ""
  /// When the parent paid; nil = now.
  public var paidAt: String?
  public init() {}
}

/// A payment request after its fields were parsed, before the rules that need the database.
struct ParsedPayment {
  let student: String
  let classID: String
  let hours: Int64
  let amountFen: Int64
  let bankRef: String
  let paidAt: LocalDateTime

  var content: PaymentContent {
    PaymentContent(student: student, classID: classID, hours: hours, amountFen: amountFen)
  }
}

extension AppDatabase {
  /// A parent's payment into escrow: creates one enrollment (one charge = one enrollment).
  public func pay(_ form: PaymentForm, now: LocalDateTime) throws -> Recorded {
    let payment = try parsePayment(form, now: now)
    return try write { db in try pay(payment, db: db) }
  }

  /// The names a payment's fields go by in messages: the command's flags, or a bank file's columns.
  struct PaymentFieldNames {
    var student = "student"
    var classID = "class"
    var hours = "hours"
    var amount = "amount"
    var bankRef = "bank-ref"
    var paidAt = "at"
    static let csvColumns = PaymentFieldNames(
      student: "student", classID: "class", hours: "hours", amount: "amount_yuan", bankRef: "bank_ref",
      paidAt: "paid_at")
  }

  /// Parses a payment's fields, each refusal naming the field as `names` calls it.
  func parsePayment(_ form: PaymentForm, now: LocalDateTime, names: PaymentFieldNames = PaymentFieldNames())
    throws -> ParsedPayment
  {
    let payment = ParsedPayment(
      student: try Self.validateID(form.student, field: names.student, prefix: "S"),
      classID: try Self.validateID(form.classID, field: names.classID, prefix: "B"),
      hours: try Money.parseCount(form.hours, field: names.hours, range: 1...1_000_000),
      amountFen: try Money.parsePositiveYuan(form.amountYuan, field: names.amount),
      bankRef: try Self.validateBankRef(form.bankRef, field: names.bankRef),
      paidAt: try form.paidAt.map { try LocalDateTime.parse($0, field: names.paidAt) } ?? now)
    guard payment.paidAt <= now else {
      throw Rejection(
        "payment_in_future",
        "\(names.paidAt) \(payment.paidAt) is in the future (now is \(now)); a payment is recorded after the bank took it"
      )
    }
    return payment
  }

  /// The rules of a payment, checked in this order; the first that fails is reported.
  func pay(_ p: ParsedPayment, db: Database) throws -> Recorded {
    if let earlier = try repeatedRequest(bankRef: p.bankRef, kind: "payment", content: p.content.text, db: db)
    {
      return earlier
    }
    let clockNow = clock()
    guard p.paidAt <= clockNow else {
      throw Rejection(
        "payment_in_future",
        "paid-at \(p.paidAt) is in the future (now is \(clockNow)); a payment is recorded after the bank took it"
      )
    }
    guard
      let parent = try RawStatement("SELECT parent FROM students WHERE id = ?", db: db).first(
        .text(p.student), read: { $0.text(0) })
    else {
      throw Rejection("student_unknown", "student \(Rejection.quote(p.student)) is not registered")
    }
    guard let klass = try PaidClass.fetch(p.classID, db: db) else {
      throw Rejection("class_unknown", "class \(Rejection.quote(p.classID)) does not exist")
    }
    guard let institution = klass.institution else {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(klass.uscc)) is not registered")
    }
    let policy = try ledgerPolicy(for: institution.region, db: db)
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
    try requirePlace(student: p.student, classID: p.classID, klass: klass, db: db)
    try checkChargeSpan(p, klass: klass, starts: starts, ends: ends, policy: policy, db: db)
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
    try requireWithinCourseHours(hours: p.hours, classID: p.classID, db: db)
    let ceilingFen = try Money.multiply(p.hours, klass.pricePerHourFen, field: "amount")
    guard p.amountFen <= ceilingFen else {
      throw Rejection(
        "amount_over_listed_price",
        "amount \(Money.formatYuan(p.amountFen)) yuan is over \(p.hours) hours × the listed price = \(Money.formatYuan(ceilingFen)) yuan"
      )
    }
    let enrollment = try LedgerWriter.nextID("E", table: "enrollments", db: db)
    let event = Payment(
      enrollment: enrollment, bankRef: p.bankRef, student: p.student, parent: parent, classID: p.classID,
      institution: institution.uscc, hours: p.hours, amountFen: p.amountFen, paidAt: p.paidAt.description,
      postings: Posting.transfer(p.amountFen, from: Posting.parent(parent), to: Posting.escrow(enrollment)))
    let recorded = Recorded(id: enrollment, seq: try appendToLog(.payment(event), db: db))
    try issueContract(for: event, terms: klass, policy: policy, db: db)
    return recorded
  }

  /// A class as a payment needs it: its dates, capacity and price for the rules, its course and
  /// institution for the e-contract. One query, by column position (the import's hot path).
  struct PaidClass {
    let uscc: String
    let capacity: Int64
    /// The distinct students holding hours in the class (`classes.places_taken`).
    let placesTaken: Int64
    let starts: String
    let ends: String
    let course: String
    let courseName: String
    let delivery: String
    let lessonMinutes: Int64
    let pricePerHourFen: Int64
    /// Nil when the class names an institution that is not registered.
    let institution: InstitutionRow?
    let institutionName: String
    let licence: String
    let mode: String
    let escrowBank: String
    let schedule: String

    static func fetch(_ id: String, db: Database) throws -> PaidClass? {
      let statement = try RawStatement(
        """
        SELECT c.institution, c.capacity, c.starts, c.ends, c.course, k.name, k.delivery, k.lesson_minutes,
          k.price_per_hour_fen, i.uscc, i.status, i.kind, i.region, i.escrow_account, i.name, i.licence,
          i.mode, i.escrow_bank, c.schedule, c.places_taken
        FROM classes c JOIN courses k ON k.id = c.course LEFT JOIN institutions i ON i.uscc = c.institution
        WHERE c.id = ?
        """, db: db)
      return try statement.first(.text(id)) { row in
        let registered = !row.isNull(9)
        return PaidClass(
          uscc: row.text(0), capacity: row.integer(1), placesTaken: row.integer(19), starts: row.text(2),
          ends: row.text(3),
          course: row.text(4), courseName: row.text(5), delivery: row.text(6), lessonMinutes: row.integer(7),
          pricePerHourFen: row.integer(8),
          institution: registered
            ? InstitutionRow(
              uscc: row.text(9), status: row.text(10), kind: row.text(11), region: row.text(12),
              escrowAccount: row.text(13))
            : nil,
          institutionName: row.text(14), licence: row.text(15), mode: row.text(16), escrowBank: row.text(17),
          schedule: row.text(18))
      }
    }
  }

  /// One charge = at most `maxHoursPerCharge` hours and `maxMonthsPerCharge` months, however it
  /// is split (README "When money moves"): the hours the student holds unconsumed in the class from
  /// payments dated within the months before this one (or later), plus these, are at most the
  /// hours limit (`hours_over_charge_limit`); and the last slot these hours cover, after every
  /// unconsumed hour the student holds in the class, is within the months of the payment date
  /// (`charge_beyond_months`; `ChargeRules.lastCoveredDay`).
  func checkChargeSpan(
    _ p: ParsedPayment, klass: PaidClass, starts: CalendarDate, ends: CalendarDate, policy: Policy,
    db: Database
  ) throws {
    let paidOn = p.paidAt.date
    let spanStart = paidOn.adding(months: -policy.maxMonthsPerCharge)
    var heldInSpan: Int64 = 0
    var heldInAll: Int64 = 0
    try RawStatement(
      """
      SELECT hours_paid - hours_consumed - hours_refunded - hours_pending, substr(paid_at, 1, 10)
      FROM enrollments WHERE class = ? AND student = ? AND hours_paid > hours_consumed + hours_refunded
      """, db: db
    ).forEach([.text(p.classID), .text(p.student)]) { row in
      let unconsumed = max(row.integer(0), 0)
      heldInAll += unconsumed
      if row.text(1) >= spanStart.description { heldInSpan += unconsumed }
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
        schedule: try schedules.schedule(klass.schedule),
        lessonMinutes: Int(klass.lessonMinutes),
        from: max(paidOn, starts), ends: ends, hoursAhead: heldInAll, hours: p.hours),
      lastDay > latestEnd
    else { return }
    throw Rejection(
      "charge_beyond_months",
      "hours \(p.hours) of class \(p.classID) run to its lesson of \(lastDay)\(heldInAll > 0 ? " (after the \(heldInAll) hours already held)" : ""), more than \(policy.maxMonthsPerCharge) months after the payment date \(paidOn): one charge covers at most \(policy.maxMonthsPerCharge) months of lessons"
    )
  }

  /// Capacity counts the distinct students holding hours in the class (`places_taken`, kept by
  /// the projector); a renewal needs no new place.
  func requirePlace(student: String, classID: String, klass: PaidClass, db: Database) throws {
    guard klass.placesTaken >= klass.capacity else { return }
    let holdsPlace =
      try RawStatement(
        """
        SELECT EXISTS(SELECT 1 FROM enrollments WHERE class = ? AND student = ?
          AND hours_paid > hours_consumed + hours_refunded)
        """, db: db
      ).first(.text(classID), .text(student)) { $0.integer(0) != 0 } ?? false
    guard holdsPlace else {
      throw Rejection("class_full", "class \(classID) is full: all \(klass.capacity) places are taken")
    }
  }

  /// The original result when this bank reference was used before with the same content; a
  /// rejection when it was used for something else; nil when it is new.
  func repeatedRequest(bankRef: String, kind: String, content: String, db: Database) throws -> Recorded? {
    guard
      let row = try RawStatement("SELECT seq, kind, content, result_id FROM bank_refs WHERE ref = ?", db: db)
        .first(
          .text(bankRef),
          read: { (seq: $0.integer(0), kind: $0.text(1), content: $0.text(2), id: $0.text(3)) })
    else { return nil }
    guard row.kind == kind, row.content == content else {
      throw Rejection(
        "bank_ref_reused_with_different_content",
        "bank-ref \(Rejection.quote(bankRef)) was already used at seq \(row.seq) for a different request (\(row.content)); a bank reference names one transaction"
      )
    }
    return Recorded(id: row.id, seq: row.seq, repeated: true)
  }

  static func validateBankRef(_ text: String, field: String = "bank-ref") throws -> String {
    func allowed(_ byte: UInt8) -> Bool {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
        UInt8(ascii: "/"), UInt8(ascii: ":"):
        true
      default: false
      }
    }
    // All allowed characters are ASCII, so bytes and characters count alike.
    guard (1...64).contains(text.utf8.count), text.utf8.allSatisfy(allowed),
      !text.hasPrefix(Self.systemBankRefPrefix)
    else {
      throw Rejection(
        "bank_ref_malformed",
        "\(field) \(Rejection.quote(text)) must be 1 to 64 letters, digits or - _ . / :, not starting with \(systemBankRefPrefix) (the bank's transaction reference)"
      )
    }
    return text
  }

  static func validateID(_ text: String, field: String, prefix: String) throws -> String {
    let digits = text.utf8.dropFirst(prefix.utf8.count)
    guard text.hasPrefix(prefix), (1...12).contains(digits.count),
      digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
      digits.first != UInt8(ascii: "0")
    else {
      throw Rejection(
        "\(field)_id_malformed",
        "\(field) \(Rejection.quote(text)) is not a \(field) id (\(prefix) followed by a number, like \(prefix)1)"
      )
    }
    return text
  }
}

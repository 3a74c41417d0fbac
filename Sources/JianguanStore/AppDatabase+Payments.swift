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
    throws -> PaymentRequest
  {
    let payment = PaymentRequest(
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

  /// A payment: the rules (`PaymentRules`, no SQL) decide against the ledger's state as the
  /// tables answer it; the store appends the entry and its e-contract.
  func pay(_ p: PaymentRequest, db: Database) throws -> Recorded {
    let state = SQLPaymentState(database: self, db: db)
    switch try PaymentRules.decide(p, now: clock(), state: state) {
    case .repeated(let id, let seq):
      return Recorded(id: id, seq: seq, repeated: true)
    case .accepted(let accepted):
      let enrollment = try LedgerWriter.nextID("E", table: "enrollments", db: db)
      let event = Payment(
        enrollment: enrollment, bankRef: p.bankRef, student: p.student, parent: accepted.parent,
        classID: p.classID, institution: accepted.institution.uscc, hours: p.hours, amountFen: p.amountFen,
        paidAt: p.paidAt.description,
        postings: Posting.transfer(
          p.amountFen, from: Posting.parent(accepted.parent), to: Posting.escrow(enrollment)))
      let recorded = Recorded(id: enrollment, seq: try appendToLog(.payment(event), db: db))
      try issueContract(for: event, terms: accepted.klass, policy: accepted.policy, db: db)
      return recorded
    }
  }

  /// The original result when this bank reference was used before with the same content; a
  /// rejection when it was used for something else; nil when it is new.
  func repeatedRequest(bankRef: String, kind: String, content: String, db: Database) throws -> Recorded? {
    try BankRefRules.repeated(
      bankRef, kind: kind, content: content, earlier: Self.earlierUse(ofBankRef: bankRef, db: db)
    )
    .map { Recorded(id: $0.id, seq: $0.seq, repeated: true) }
  }

  static func earlierUse(ofBankRef bankRef: String, db: Database) throws -> BankRefUse? {
    try RawStatement("SELECT seq, kind, content, result_id FROM bank_refs WHERE ref = ?", db: db).first(
      .text(bankRef),
      read: { BankRefUse(seq: $0.integer(0), kind: $0.text(1), content: $0.text(2), resultID: $0.text(3)) })
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

/// The ledger's state as the payment rules ask it, answered from the SQLite tables.
struct SQLPaymentState: PaymentState, BankRefState {
  let database: AppDatabase
  let db: Database

  func earlierUse(ofBankRef bankRef: String) throws -> BankRefUse? {
    try AppDatabase.earlierUse(ofBankRef: bankRef, db: db)
  }

  func parent(ofStudent student: String) throws -> String? {
    try RawStatement("SELECT parent FROM students WHERE id = ?", db: db).first(
      .text(student), read: { $0.text(0) })
  }

  /// One query, by column position (the import's hot path).
  func paymentClass(_ id: String) throws -> PaymentClass? {
    let statement = try RawStatement(
      """
      SELECT c.institution, c.capacity, c.starts, c.ends, c.course, k.name, k.delivery, k.lesson_minutes,
        k.price_per_hour_fen, i.uscc, i.status, i.kind, i.region, i.escrow_account, i.name, i.licence,
        i.mode, i.escrow_bank, c.schedule, c.places_taken, k.hours
      FROM classes c JOIN courses k ON k.id = c.course LEFT JOIN institutions i ON i.uscc = c.institution
      WHERE c.id = ?
      """, db: db)
    return try statement.first(.text(id)) { row in
      let registered = !row.isNull(9)
      return PaymentClass(
        uscc: row.text(0), capacity: row.integer(1), placesTaken: row.integer(19), starts: row.text(2),
        ends: row.text(3), course: row.text(4), courseName: row.text(5), courseHours: row.integer(20),
        delivery: row.text(6), lessonMinutes: row.integer(7), pricePerHourFen: row.integer(8),
        institution: registered
          ? PaymentInstitution(
            uscc: row.text(9), status: row.text(10), kind: row.text(11), region: row.text(12),
            escrowAccount: row.text(13))
          : nil,
        institutionName: row.text(14), licence: row.text(15), mode: row.text(16), escrowBank: row.text(17),
        schedule: row.text(18))
    }
  }

  func policy(forRegion region: String) throws -> Policy { try database.ledgerPolicy(for: region, db: db) }

  func holdsPlace(student: String, classID: String) throws -> Bool {
    try RawStatement(
      """
      SELECT EXISTS(SELECT 1 FROM enrollments WHERE class = ? AND student = ?
        AND hours_paid > hours_consumed + hours_refunded)
      """, db: db
    ).first(.text(classID), .text(student)) { $0.integer(0) != 0 } ?? false
  }

  func holdings(student: String, classID: String) throws -> [ClassHolding] {
    var holdings: [ClassHolding] = []
    try RawStatement(
      """
      SELECT hours_paid - hours_consumed - hours_refunded - hours_pending, substr(paid_at, 1, 10)
      FROM enrollments WHERE class = ? AND student = ? AND hours_paid > hours_consumed + hours_refunded
      """, db: db
    ).forEach([.text(classID), .text(student)]) { row in
      holdings.append(ClassHolding(unconsumedHours: row.integer(0), paidOn: row.text(1)))
    }
    return holdings
  }

  func schedule(_ text: String) throws -> Schedule { try database.schedules.schedule(text) }
}

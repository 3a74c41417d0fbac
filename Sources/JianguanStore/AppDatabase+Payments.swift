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
    let payment = try Self.parsePayment(form, now: now)
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

  /// The request a `pay` form makes, every field checked as `pay` checks it (for another store).
  public static func paymentRequest(_ form: PaymentForm, now: LocalDateTime) throws -> PaymentRequest {
    try parsePayment(form, now: now)
  }

  /// Parses a payment's fields, each refusal naming the field as `names` calls it.
  static func parsePayment(
    _ form: PaymentForm, now: LocalDateTime, names: PaymentFieldNames = PaymentFieldNames()
  )
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

  /// A payment: `PaymentOperation` (the rules and what an accepted payment appends, no SQL) run
  /// against the ledger's state as the tables answer it.
  func pay(_ p: PaymentRequest, db: Database) throws -> Recorded {
    Recorded(try PaymentOperation.run(p, in: SQLTransaction(database: self, db: db)))
  }

  /// The original result when this bank reference was used before with the same content; a
  /// rejection when it was used for something else; nil when it is new.
  func repeatedRequest(bankRef: String, kind: String, content: String, db: Database) throws -> Recorded? {
    try BankRefRules.repeated(
      bankRef, kind: kind, content: content, earlier: Self.earlierUse(ofBankRef: bankRef, db: db)
    )
    .map { Recorded(id: $0.id, seq: $0.seq, repeated: true) }
  }

  /// The entry that used `bankRef` first: `bank_refs` keeps its seq only, and what it was for
  /// is read from the entry itself (a repeat is rare; a new reference costs one index lookup).
  static func earlierUse(ofBankRef bankRef: String, db: Database) throws -> BankRefUse? {
    guard
      let seq = try RawStatement("SELECT seq FROM bank_refs WHERE ref = ?", db: db).first(
        .text(bankRef), read: { $0.integer(0) })
    else { return nil }
    guard let event = try loggedEvent(seq: seq, db: db), let use = BankRefUse(seq: seq, event: event) else {
      throw StoreError(
        code: "database_inconsistent",
        message:
          "table bank_refs: bank reference \(Rejection.quote(bankRef)) names entry \(seq), which is not a payment or a refund; run `jianguan audit`"
      )
    }
    return use
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

  public static func validateID(_ text: String, field: String, prefix: String) throws -> String {
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

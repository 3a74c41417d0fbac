import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// An e-contract as `contract show` prints it: the terms agreed at payment, and the parties as
/// the bureau may show them (ID numbers masked; the student's name masked too).
public struct ContractDocument: Sendable {
  public let terms: ContractTerms
  public let seq: Int64
  /// The parent's name from the sealed personal data; nil without the key file.
  public let parentName: String?
  public let parentMaskedID: String
  public let studentMaskedName: String?
  public let studentMaskedID: String
  public let studentGrade: Int64
}

extension AppDatabase {
  /// The e-contract of an enrollment: its `contract.issued` entry, the one right after its
  /// payment's (the replay insists on that order), with the terms the payment and the registry's
  /// entries state, as the audited tables hold them; no table keeps the contract again.
  public func contract(enrollment: String) throws -> ContractDocument {
    let id = try Self.validateID(enrollment, field: "enrollment", prefix: "E")
    return try read { db in
      let paymentSeq: Int64 = try requireEnrollment(id, db: db)["seq"]
      let seq = paymentSeq + 1
      guard case .parentFlow(.contractIssued(let contract)) = try Self.loggedEvent(seq: seq, db: db),
        contract.enrollment == id
      else {
        throw Rejection(
          "contract_missing",
          "enrollment \(id) has no e-contract: it was paid before e-contracts were issued (ledger entries before contract.issued existed)"
        )
      }
      guard case .payment(let payment) = try Self.loggedEvent(seq: paymentSeq, db: db),
        let klass = try SQLTransaction(database: self, db: db).paymentClass(payment.classID)
      else {
        throw StoreIntegrityError(
          "the payment of enrollment \(id) is not at seq \(paymentSeq) or names no class; run `jianguan audit`"
        )
      }
      let terms = ContractTerms(contract: contract, payment: payment, klass: klass)
      let parent = try person(table: "parents", id: terms.parent, db: db)
      let student = try person(table: "students", id: terms.student, db: db)
      let grade = try Int64.fetchOne(
        try db.cachedStatement(sql: "SELECT grade FROM students WHERE id = ?"), arguments: [terms.student])
      return ContractDocument(
        terms: terms, seq: seq, parentName: parent.name, parentMaskedID: parent.maskedID,
        studentMaskedName: student.name.map { $0 == Self.erasedText ? $0 : Self.maskName($0) },
        studentMaskedID: student.maskedID,
        studentGrade: grade ?? 0)
    }
  }

  /// A parent's or student's masked ID and, when the key file opens the sealed record, name.
  func person(table: String, id: String, db: Database) throws -> (name: String?, maskedID: String) {
    guard
      let row = try Row.fetchOne(
        try db.cachedStatement(
          sql:
            "SELECT p.masked_id, p.sealed, p.commitment FROM \(table) t JOIN persons p ON p.commitment = t.commitment WHERE t.id = ?"
        ),
        arguments: [id])
    else { return (nil, "(unknown)") }
    return (personalRecord(row)?.name, row["masked_id"])
  }

  /// "张小明" → "张**": the family name and one asterisk per other character.
  static func maskName(_ name: String) -> String {
    guard let first = name.first else { return "" }
    return String(first) + String(repeating: "*", count: name.count - 1)
  }
}

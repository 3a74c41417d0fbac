import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// A parent as the bureau may show them: ID masked, name and phone when the key file opens them.
public struct ParentView: Sendable {
  public struct Child: Sendable {
    public let id: String
    public let maskedID: String
    /// The name; nil without the key file; `(erased)` after an erasure.
    public let name: String?
    public let grade: Int64
  }
  public let id: String
  public let seq: Int64
  public let maskedID: String
  public let name: String?
  /// The phone, masked (138****8000); nil without the key file or after an erasure.
  public let maskedPhone: String?
  /// The seq of the `parent.erased` entry, when the parent's data was erased.
  public let erasedSeq: Int64?
  public let children: [Child]
}

extension AppDatabase {
  /// What outputs show in place of erased personal data.
  public static let erasedText = ErasureSchema.erasedMark

  /// Erases the personal data of a parent and of their children (right to erasure): the sealed
  /// names, ID numbers and phones and the masked ID numbers go; the ledger records `parent.erased`
  /// with the parent's id and the reason; the commitments, the money and the chain are untouched.
  /// It cannot be undone, so it needs a reason and an explicit confirmation (`--yes-erase`).
  public func eraseParent(_ parent: String, reason: String?, confirmed: Bool) throws -> Recorded {
    let request = try Self.erasureRequest(parent, reason: reason, confirmed: confirmed)
    let recorded = try write { db in
      Recorded(
        try ErasureOperation.erase(
          request.parent, reason: request.reason, in: SQLTransaction(database: self, db: db)))
    }
    // The freed pages were zeroed (secure_delete); copying the WAL back into the file and
    // truncating it leaves no old copy of the sealed data behind. Inside a batch (the service's
    // group commit) that waits until the batch has committed: a checkpoint is a write of its own.
    if batch.database == nil { checkpointWAL() } else { batch.requestCheckpoint() }
    return recorded
  }

  /// The same on any store (the WAL checkpoint after it is the SQLite file's own).
  public static func eraseParent(
    _ parent: String, reason: String?, confirmed: Bool, in transaction: some LedgerTransaction
  ) throws -> Appended {
    let request = try erasureRequest(parent, reason: reason, confirmed: confirmed)
    return try ErasureOperation.erase(request.parent, reason: request.reason, in: transaction)
  }

  /// An erasure as asked: the parent's id, a reason, and the confirmation, each checked.
  static func erasureRequest(_ parent: String, reason: String?, confirmed: Bool) throws
    -> (parent: String, reason: String)
  {
    let id = try validateID(parent, field: "parent", prefix: "P")
    guard let reason else {
      throw Rejection(
        "erasure_reason_missing",
        "reason is required to erase parent \(id)'s personal data: say why (e.g. --reason \"家长申请删除\", or \"reason\" over HTTP)"
      )
    }
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 200)
    guard confirmed else {
      throw Rejection(
        "erasure_not_confirmed",
        "erasing parent \(id)'s personal data and their children's cannot be undone: add --yes-erase to confirm (over HTTP, \"confirm\": true)"
      )
    }
    return (id, reasonText)
  }

  /// A parent, their children and whether their data was erased.
  public func parentView(_ parent: String) throws -> ParentView {
    let id = try Self.validateID(parent, field: "parent", prefix: "P")
    return try read { db in
      guard
        let row = try Row.fetchOne(
          db,
          sql: """
            SELECT t.seq, p.masked_id, p.sealed, p.commitment, e.seq AS erased_seq FROM parents t
            JOIN persons p ON p.commitment = t.commitment LEFT JOIN erasures e ON e.parent = t.id
            WHERE t.id = ?
            """, arguments: [id])
      else { throw Rejection("parent_unknown", "parent \(Rejection.quote(id)) is not registered") }
      let record = personalRecord(row)
      let children = try Row.fetchAll(
        db,
        sql: """
          SELECT s.id, s.grade, p.masked_id, p.sealed, p.commitment FROM students s
          JOIN persons p ON p.commitment = s.commitment WHERE s.parent = ? ORDER BY s.seq
          """, arguments: [id]
      ).map { child in
        ParentView.Child(
          id: child["id"], maskedID: child["masked_id"], name: personalRecord(child)?.name,
          grade: child["grade"])
      }
      return ParentView(
        id: id, seq: row["seq"], maskedID: row["masked_id"], name: record?.name,
        maskedPhone: record?.phone.flatMap { $0 == Self.erasedText ? $0 : Self.maskPhone($0) },
        erasedSeq: row["erased_seq"], children: children)
    }
  }

  /// The sealed record of a `persons` row: `(erased)` fields when erased, nil without the key.
  func personalRecord(_ row: Row) -> PersonalRecord? {
    guard let sealed: Data = row["sealed"] else {
      return PersonalRecord(name: Self.erasedText, idNumber: Self.erasedText, phone: Self.erasedText)
    }
    return try? vault.open(sealed, commitment: row["commitment"])
  }

  /// "13800138000" → "138****8000".
  static func maskPhone(_ phone: String) -> String {
    guard phone.count == 11 else { return String(repeating: "*", count: phone.count) }
    return String(phone.prefix(3)) + "****" + String(phone.suffix(4))
  }

  /// Copies the WAL back into the file and truncates it. Best effort: a reader may hold it.
  func checkpointWAL() {
    _ = try? writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
  }
}

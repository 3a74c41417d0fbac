import Foundation
import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// The compliance plaque statement of institution `uscc`, signed with `signer`: its registry
  /// fields and status, today's date (the clock), and the tree head they are read at, all in one
  /// read transaction. Writes nothing: a plaque is a signed view of the log. The signer must be
  /// the checkpoint key the log names (`checkpoint.key`), so a phone holding the bureau's public
  /// key verifies plaques and checkpoints alike.
  public func plaque(uscc: String, signer: NoteSigner) throws -> SignedPlaque {
    let origin = try identity().origin
    let now = clock()
    let statement = try read { db -> PlaqueStatement in
      guard
        let row = try Row.fetchOne(
          try db.cachedStatement(sql: "SELECT * FROM institutions WHERE uscc = ?"), arguments: [uscc])
      else {
        throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
      }
      try Self.requireCheckpointKey(signer, db: db)
      let institution = Self.institutionSummary(row)
      guard let status = PlaqueStatement.Status(rawValue: institution.status) else {
        throw StoreIntegrityError("institution \(uscc) has status \(institution.status), which no rule sets")
      }
      let head = try LedgerWriter.readHead(db)
      // As for a write: a statement of the log's state is never dated before the log's last entry.
      guard LocalDateTime.utcTimestamp(unixSeconds: now.unixSeconds) >= head.time else {
        throw Rejection(
          "clock_before_last_entry",
          "the clock says \(now), before the last entry (seq \(head.seq), dated \(head.time)): a plaque is never dated before the log it states; set the computer's clock (or JIANGUAN_NOW) to the present"
        )
      }
      let size = head.seq
      return try PlaqueStatement(
        origin: origin, name: institution.name, uscc: institution.uscc,
        usccChecksumOverride: institution.checksumOverrideReason != nil, licence: institution.licence,
        escrowBank: institution.escrowBank, escrowAccount: institution.escrowAccount, status: status,
        date: now.date, treeSize: size, rootHash: try MerkleStore(db: db).root(size: size))
    }
    return try statement.signed(by: signer)
  }

  /// Refuses a signer other than the checkpoint key the log names, or any signer before the log
  /// names one.
  static func requireCheckpointKey(_ signer: NoteSigner, db: Database) throws {
    guard let named: String = try db.value("SELECT value FROM meta WHERE key = 'checkpoint_key'") else {
      throw Rejection(
        "checkpoint_key_none",
        "the log names no checkpoint key yet; sign a checkpoint first with `jianguan checkpoint sign --key FILE`, then sign plaques with that key"
      )
    }
    guard named == signer.verifier.verifierKeyText else {
      throw Rejection(
        "plaque_key_not_named",
        "key \(signer.verifier.keyID) is not the log's checkpoint key \(Rejection.quote(named, limit: 120)); a plaque is signed with the key that signs the log's checkpoints"
      )
    }
  }
}

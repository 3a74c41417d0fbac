import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// The outcome of an audit.
public struct AuditReport: Sendable {
  public var entries: Int64 = 0
  public var rootHash: [UInt8] = []
  public var faults: [AuditFault] = []
  public var enrollments = 0
  public var escrowFen: Int64 = 0
  public var checkpointsChecked = 0
  /// The result of checking an auditor's own checkpoint, when one was given.
  public var externalCheckpoint: String?
  public var ok: Bool { faults.isEmpty }
}

extension AppDatabase {
  /// Recomputes every hash from genesis, the Merkle root, replays every entry and compares the
  /// state it gives with the projection tables, and checks every invariant.
  public func audit(against external: Checkpoint? = nil, progress: ((Int64, Int64) -> Void)? = nil) throws
    -> AuditReport
  {
    try read { db in
      var report = AuditReport()
      let stored = try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM checkpoints ORDER BY id")).map(
        Self.storedCheckpoint)
      // Roots recomputed from the entries themselves at every size a checkpoint signs.
      var wantedSizes = Set(stored.map(\.size))
      if let external { wantedSizes.insert(external.size) }
      var rootsAtSize: [Int64: [UInt8]] = [0: Merkle.emptyRoot]
      let total = try LedgerWriter.size(db)
      var state = LedgerState()
      var accumulator = MerkleRootAccumulator()
      var expectedSeq: Int64 = 1
      var previousHash = Entry.genesisPrevious
      var hasher = SHA256.Hasher()
      let merkle = MerkleStore(db: db)
      let cursor = try Row.fetchCursor(
        try db.cachedStatement(sql: "SELECT seq, kind, entry, hash FROM ledger ORDER BY seq"))
      while let row = try cursor.next() {
        let seq: Int64 = row["seq"]
        let text: String = row["entry"]
        let bytes = Array(text.utf8)
        let storedHash = [UInt8](row["hash"] as Data)
        func fault(_ message: String) { report.faults.append(AuditFault(seq: seq, message)) }
        if seq != expectedSeq {
          report.faults.append(
            AuditFault(
              seq: expectedSeq,
              seq > expectedSeq
                ? "entries \(expectedSeq)…\(seq - 1) are missing (seq jumps to \(seq))"
                : "seq \(seq) is out of order"))
        }
        expectedSeq = seq + 1
        hasher.update(bytes)
        let hash = hasher.finalize()
        if hash != storedHash {
          fault("the entry's bytes do not hash to its stored hash (the entry was edited)")
        }
        let leafHash = Merkle.leafHash(bytes)
        accumulator.append(leafHash: leafHash)
        if wantedSizes.contains(accumulator.size) { rootsAtSize[accumulator.size] = accumulator.root }
        do {
          let entry = try Entry.parse(bytes)
          if entry.seq != seq {
            fault("the entry says seq \(entry.seq) but is stored at seq \(seq) (entries moved or swapped)")
          }
          if entry.previousHash != previousHash {
            fault(
              "prev is \(Hex.encode(entry.previousHash).prefix(16))…, the hash of entry \(seq - 1) is \(Hex.encode(previousHash).prefix(16))… (the chain is broken)"
            )
          }
          if entry.kind != (row["kind"] as String) {
            fault("the kind column says \(row["kind"] as String), the entry \(entry.kind)")
          }
          let event = try Event(kind: entry.kind, payload: entry.payload)
          report.faults += state.apply(event, seq: seq)
        } catch {
          fault("the entry cannot be read: \(error)")
        }
        previousHash = storedHash
        report.entries += 1
        if let progress, seq % 10_000 == 0 { progress(seq, total) }
      }
      report.rootHash = accumulator.root
      do {
        if report.entries > 0, try merkle.root(size: report.entries) != report.rootHash {
          // Only now are the stored leaves read, to name the first that differs.
          report.faults.append(try firstStoredLeafFault(db: db))
        }
      } catch {
        report.faults.append(AuditFault(seq: 0, "the stored Merkle tree is incomplete: \(error)"))
      }
      report.faults += checkStoredCheckpoints(stored, rootsAtSize: rootsAtSize, size: report.entries)
      report.checkpointsChecked = stored.count
      if let external {
        let faults = checkExternalCheckpoint(
          external, rootsAtSize: rootsAtSize, stored: stored, size: report.entries, root: report.rootHash,
          db: db)
        report.faults += faults
        report.externalCheckpoint =
          faults.isEmpty
          ? "consistent with the checkpoint of size \(external.size): the ledger only grew since"
          : "NOT consistent with the checkpoint of size \(external.size)"
      }
      report.faults += state.finalFaults()
      report.faults += try compareProjections(state, db: db)
      report.faults += try compareParentFlowProjections(state, db: db)
      report.enrollments = state.enrollments.count
      report.escrowFen = state.enrollments.values.reduce(0) { $0 + $1.balance.escrowFen }
      return report
    }
  }

  /// Compares every projection table with the replayed state; names the seq of the entry that
  /// last changed the row.
  func compareProjections(_ state: LedgerState, db: Database) throws -> [AuditFault] {
    var faults: [AuditFault] = []
    var seen = Set<String>()
    // Cursors, not arrays: a city's tables hold millions of rows.
    let enrollmentRows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT * FROM enrollments"))
    while let row = try enrollmentRows.next() {
      let id: String = row["id"]
      seen.insert(id)
      guard let replayed = state.enrollments[id] else {
        faults.append(AuditFault(seq: row["seq"], "enrollment \(id) is in the table but no entry created it"))
        continue
      }
      let table = Self.balance(of: row)
      let expected = replayed.balance
      let escrow: Int64 = row["escrow_fen"]
      let pairs: [(String, Int64, Int64)] = [
        ("amount_fen", table.amountFen, expected.amountFen),
        ("released_fen", table.releasedFen, expected.releasedFen),
        ("refunded_fen", table.refundedFen, expected.refundedFen), ("escrow_fen", escrow, expected.escrowFen),
        ("hours_paid", table.hoursPaid, expected.hoursPaid),
        ("hours_consumed", table.hoursConsumed, expected.hoursConsumed),
        ("hours_refunded", table.hoursRefunded, expected.hoursRefunded),
        ("hours_pending", table.hoursPending, expected.hoursPending),
        ("hours_reserved", table.hoursReserved, expected.hoursReserved),
      ]
      for (column, actual, wanted) in pairs where actual != wanted {
        faults.append(
          AuditFault(
            seq: replayed.lastSeq,
            "enrollment \(id): table has \(column) = \(actual), the ledger gives \(wanted)"))
      }
      if (row["institution"] as String) != replayed.institution
        || (row["student"] as String) != replayed.student
      {
        faults.append(
          AuditFault(seq: replayed.lastSeq, "enrollment \(id): table names another student or institution"))
      }
    }
    for (id, replayed) in state.enrollments where !seen.contains(id) {
      faults.append(AuditFault(seq: replayed.lastSeq, "enrollment \(id) is missing from the table"))
    }
    for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT uscc, status, seq FROM institutions")) {
      let uscc: String = row["uscc"]
      let status: String = row["status"]
      if let replayed = state.institutions[uscc] {
        if replayed.status != status {
          faults.append(
            AuditFault(
              seq: replayed.lastSeq,
              "institution \(uscc): table says \(status), the ledger gives \(replayed.status)"))
        }
      } else {
        faults.append(
          AuditFault(seq: row["seq"], "institution \(uscc) is in the table but no entry registered it"))
      }
    }
    let institutionCount =
      try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM institutions")) ?? 0
    if institutionCount != state.institutions.count {
      faults.append(
        AuditFault(
          seq: 0,
          "the institutions table has \(institutionCount) rows, the ledger registers \(state.institutions.count)"
        ))
    }
    let lessonRows = try Row.fetchCursor(
      db.cachedStatement(sql: "SELECT id, status, hours, seq FROM lessons"))
    while let row = try lessonRows.next() {
      let id: String = row["id"]
      let status: String = row["status"]
      guard let replayed = state.lessons[id] else {
        faults.append(AuditFault(seq: row["seq"], "lesson \(id) is in the table but no entry recorded it"))
        continue
      }
      if replayed.status != status || replayed.hours != (row["hours"] as Int64) {
        faults.append(
          AuditFault(
            seq: replayed.lastSeq, "lesson \(id): table says \(status), the ledger gives \(replayed.status)"))
      }
    }
    let counts: [(String, Int)] = [
      ("venues", state.venues.count), ("teachers", state.teachers.count), ("courses", state.courses.count),
      ("classes", state.classes.count), ("parents", state.parents.count), ("students", state.students.count),
      ("lessons", state.lessons.count), ("refunds", state.refunds.count), ("bank_refs", state.bankRefs.count),
    ]
    for (table, expected) in counts {
      let actual = try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table)")) ?? 0
      if actual != expected {
        faults.append(
          AuditFault(seq: 0, "the \(table) table has \(actual) rows, the ledger gives \(expected)"))
      }
    }
    faults += try compareSupervision(state.supervision, db: db)
    return faults
  }

  /// Each stored checkpoint must still match the log: its signature, its size (no truncation)
  /// and the root recomputed from the entries (no rewrite).
  func checkStoredCheckpoints(_ stored: [StoredCheckpoint], rootsAtSize: [Int64: [UInt8]], size: Int64)
    -> [AuditFault]
  {
    var faults: [AuditFault] = []
    for checkpoint in stored {
      let label = "stored checkpoint \(checkpoint.id) (size \(checkpoint.size))"
      do {
        let verifier = try NoteVerifier(verifierKeyText: checkpoint.verifierKey)
        let opened = try Checkpoint.open(checkpoint.note, verifiers: [verifier]).checkpoint
        if opened.size != checkpoint.size || opened.rootHash != checkpoint.rootHash {
          faults.append(AuditFault(seq: 0, "\(label): its row differs from the note it stores"))
        }
      } catch {
        faults.append(AuditFault(seq: 0, "\(label): its signed note does not verify: \(error)"))
      }
      if checkpoint.size > size {
        faults.append(
          AuditFault(
            seq: size + 1,
            "\(label) signs \(checkpoint.size) entries but the log has \(size): it was truncated"))
      } else if rootsAtSize[checkpoint.size] != checkpoint.rootHash {
        faults.append(
          AuditFault(
            seq: checkpoint.size,
            "\(label): the first \(checkpoint.size) entries no longer hash to its root: entries up to seq \(checkpoint.size) were rewritten"
          ))
      }
    }
    return faults
  }

  /// An auditor's checkpoint (signature already verified): the log must extend it. Names the
  /// smallest range of seqs that can hold the difference, using the stored checkpoints that still match.
  func checkExternalCheckpoint(
    _ checkpoint: Checkpoint, rootsAtSize: [Int64: [UInt8]], stored: [StoredCheckpoint], size: Int64,
    root: [UInt8],
    db: Database
  ) -> [AuditFault] {
    guard checkpoint.size <= size else {
      return [
        AuditFault(
          seq: size + 1,
          "the checkpoint signs \(checkpoint.size) entries but the log has only \(size): entries \(size + 1)…\(checkpoint.size) were cut off (truncated)"
        )
      ]
    }
    guard rootsAtSize[checkpoint.size] == checkpoint.rootHash else {
      let matching =
        stored.filter { $0.size < checkpoint.size && rootsAtSize[$0.size] == $0.rootHash }.map(\.size).max()
        ?? 0
      return [
        AuditFault(
          seq: checkpoint.size,
          "the first \(checkpoint.size) entries hash to \(Hex.encode(rootsAtSize[checkpoint.size] ?? []).prefix(16))…, the checkpoint signs \(Hex.encode(checkpoint.rootHash).prefix(16))…: the log was rewritten or forked between seq \(matching + 1) and \(checkpoint.size)"
        )
      ]
    }
    guard checkpoint.size > 0, checkpoint.size < size else { return [] }
    // The stored tree must prove it too, as a log server would to a monitor (RFC 9162 §2.1.4).
    do {
      let proof = try Merkle.consistencyProof(
        oldSize: checkpoint.size, newSize: size, reader: MerkleStore(db: db))
      try Merkle.verifyConsistency(
        oldSize: checkpoint.size, newSize: size, oldRoot: checkpoint.rootHash, newRoot: root, proof: proof)
      return []
    } catch {
      return [
        AuditFault(seq: 0, "the stored Merkle tree cannot prove consistency with the checkpoint: \(error)")
      ]
    }
  }

  /// Names the first entry whose stored Merkle leaf differs from its bytes (a second pass, only
  /// after the stored root was found to differ).
  func firstStoredLeafFault(db: Database) throws -> AuditFault {
    let leaves = try db.cachedStatement(sql: "SELECT hash FROM merkle_hashes WHERE idx = ?")
    let cursor = try Row.fetchCursor(db.cachedStatement(sql: "SELECT seq, entry FROM ledger ORDER BY seq"))
    while let row = try cursor.next() {
      let seq: Int64 = row["seq"]
      let text: String = row["entry"]
      let stored = try Data.fetchOne(leaves, arguments: [Merkle.storedHashIndex(level: 0, index: seq - 1)])
      if stored.map({ [UInt8]($0) }) != Merkle.leafHash(Array(text.utf8)) {
        return AuditFault(seq: seq, "the Merkle leaf hash stored for this entry differs from its bytes")
      }
    }
    return AuditFault(seq: 0, "the stored Merkle tree's root differs from the root of the entries")
  }
}

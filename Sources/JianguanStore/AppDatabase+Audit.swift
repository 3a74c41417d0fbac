import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

extension AppDatabase {
  /// Recomputes every hash from genesis, the Merkle root, replays every entry and compares the
  /// state it gives with the projection tables, and checks every invariant.
  public func audit(against external: Checkpoint? = nil, progress: ((Int64, Int64) -> Void)? = nil) throws
    -> AuditReport
  {
    try audit(against: external, format: .v2, progress: progress)
  }

  /// The audit of a log in `format`: v1 only for the copy of a v1 database that `upgrade` reads.
  func audit(against external: Checkpoint?, format: LedgerFormat, progress: ((Int64, Int64) -> Void)?) throws
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
      var accumulator = AuditMerkleAccumulator()
      var hasher = SHA256.Hasher()
      let queue = AuditQueue()
      // The replay's per-enrollment arrays go to scratch files, their pages handed back to the
      // kernel whenever the process passes the budget.
      let scratch = ScratchSpace(directory: Self.scratchDirectory, budget: Self.auditMemoryBudget)
      let replayer = AuditReplayer(scratch: scratch, format: format)
      // The tables' sizes are only a hint for the room to reserve; nothing trusts them.
      replayer.state.reserveCapacity(
        enrollments: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM enrollments") ?? 0,
        lessons: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lessons") ?? 0,
        bankRefs: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bank_refs") ?? 0)
      // Every table is rebuilt from the same rows on a third thread, while they are replayed.
      let rebuild = try AuditTableRebuild(directory: Self.scratchDirectory, format: format)
      replayer.start(queue)
      rebuild.start()
      /// A batch of rows goes to the rebuild (its bytes shared) and to the replay.
      func handOff(_ batch: AuditBatch) {
        rebuild.push(batch)
        queue.push(batch)
      }
      var batch = queue.emptyBatch()
      do {
        defer {
          if !batch.records.isEmpty { handOff(batch) }
          queue.finish()
          rebuild.queue.finish()
          replayer.wait()
        }
        let rows = try AuditRows(db, sql: "SELECT seq, kind, entry FROM ledger ORDER BY seq")
        var storedTiles = StoredMerkleTileCheck(db)
        defer { report.faults += storedTiles.faults }
        while try rows.step() {
          let seq = rows.int64(0)
          let raw = rows.bytes(2)
          let hash = hasher.digest(raw.baseAddress, count: raw.count)
          try accumulator.append(
            leafHash: hasher.digest(prefix: 0x00, raw.baseAddress, count: raw.count), &hasher
          ) { try storedTiles.expect($1, level: $0, seq: seq) }
          if wantedSizes.contains(accumulator.size) {
            rootsAtSize[accumulator.size] = accumulator.root(&hasher)
          }
          batch.append(seq: seq, hash: hash, kind: rows.text(1), entry: raw)
          if batch.isFull {
            handOff(batch)
            batch = queue.emptyBatch()
          }
          if let progress, seq % 10_000 == 0 { progress(seq, total) }
        }
        try storedTiles.finish(size: accumulator.size)
      }
      let state = replayer.state
      report.faults = replayer.faults + report.faults
      report.entries = replayer.entries
      report.rootHash = accumulator.root(&hasher).bytes
      report.faults += checkStoredCheckpoints(
        stored, rootsAtSize: rootsAtSize, size: report.entries, v1: try Self.v1Checkpoints(db, format: format)
      )
      report.checkpointsChecked = stored.count
      if let external {
        let faults = ExternalCheckpoint.faults(
          external, rootsAtSize: rootsAtSize, stored: stored.map { ($0.size, $0.rootHash) },
          size: report.entries,
          root: report.rootHash,
          proof: { try Merkle.consistencyProof(oldSize: $0, newSize: $1, reader: MerkleStore(db: db)) })
        report.faults += faults
        report.externalCheckpoint = ExternalCheckpoint.verdict(external, faults: faults)
      }
      report.faults += state.finalFaults()
      report.faults += try compareProjections(state, db: db)
      report.faults += try compareCalendarProjection(state, db: db)
      report.faults += try compareParentFlowProjections(state, db: db)
      report.faults += try compareRebuiltTables(db: db, rebuild: rebuild)
      report.enrollments = state.enrollmentCount
      report.escrowFen = state.enrollmentRecords.indices.reduce(0) {
        if $1 % 4096 == 0 { scratch.trimIfOverBudget() }
        return state.enrollmentRecords[$1].exists ? $0 + state.escrowFen(Int32($1)) : $0
      }
      return report
    }
  }

  /// Where the audit's scratch files go (unlinked at once): `TMPDIR`, else /tmp.
  static var scratchDirectory: String {
    ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
  }

  /// The resident memory above which the audit hands its scratch pages back to the kernel:
  /// `JIANGUAN_AUDIT_MEMORY_MB` megabytes, 48 by default.
  static var auditMemoryBudget: Int {
    let text = ProcessInfo.processInfo.environment["JIANGUAN_AUDIT_MEMORY_MB"] ?? ""
    guard let megabytes = Int(text), megabytes >= 1, megabytes <= 1 << 20 else { return 48 << 20 }
    return megabytes << 20
  }

  /// The enrollments' balance columns the replay gives, in the order `compareProjections` reads them.
  static let balanceColumns = [
    "amount_fen", "released_fen", "refunded_fen", "escrow_fen", "hours_paid", "hours_consumed",
    "hours_refunded",
    "hours_pending", "hours_reserved",
  ]

  /// Compares every projection table with the replayed state; names the seq of the entry that
  /// last changed the row.
  func compareProjections(_ state: LedgerState, db: Database) throws -> [AuditFault] {
    var faults: [AuditFault] = []
    // Which replayed enrollments have their row, by slot: a bit each, where a set of ids was.
    var seen = [UInt64](repeating: 0, count: state.enrollmentRecords.count / 64 + 1)
    var rowsRead = 0
    // Stepped by column index, not read into rows: a city's tables hold millions of rows.
    let enrollmentRows = try AuditRows(
      db,
      sql: """
        SELECT id, amount_fen, released_fen, refunded_fen, escrow_fen, hours_paid, hours_consumed,
          hours_refunded, hours_pending, hours_reserved, institution, student, seq FROM enrollments
        """)
    while try enrollmentRows.step() {
      let id = enrollmentRows.string(0)
      guard let slot = state.enrollmentSlot(id) else {
        faults.append(
          AuditFault(
            seq: enrollmentRows.int64(12), "enrollment \(id) is in the table but no entry created it"))
        continue
      }
      seen[Int(slot) / 64] |= 1 << UInt64(slot % 64)
      let replayed = state.enrollmentRecords[Int(slot)]
      let expected = state.balance(slot)
      rowsRead += 1
      state.scratch?.trimIfOverBudget(atStep: rowsRead)
      // Columns 1 to 9 of the SELECT; no array made per row (a city has millions).
      func check(_ column: Int32, _ wanted: Int64) {
        let actual = enrollmentRows.int64(column)
        guard actual != wanted else { return }
        faults.append(
          AuditFault(
            seq: replayed.lastSeq,
            "enrollment \(id): table has \(Self.balanceColumns[Int(column) - 1]) = \(actual), the ledger gives \(wanted)"
          ))
      }
      check(1, expected.amountFen)
      check(2, expected.releasedFen)
      check(3, expected.refundedFen)
      check(4, expected.escrowFen)
      check(5, expected.hoursPaid)
      check(6, expected.hoursConsumed)
      check(7, expected.hoursRefunded)
      check(8, expected.hoursPending)
      check(9, expected.hoursReserved)
      if !enrollmentRows.textEquals(10, state.institution(of: replayed))
        || !enrollmentRows.textEquals(11, state.student(of: replayed))
      {
        faults.append(
          AuditFault(seq: replayed.lastSeq, "enrollment \(id): table names another student or institution"))
      }
    }
    for slot in state.enrollmentRecords.indices {
      if slot % 4096 == 0 { state.scratch?.trimIfOverBudget() }
      guard state.enrollmentRecords[slot].exists, seen[slot / 64] & (1 << UInt64(slot % 64)) == 0 else {
        continue
      }
      faults.append(
        AuditFault(
          seq: state.enrollmentRecords[slot].lastSeq,
          "enrollment \(state.enrollmentIDs.id(Int32(slot))) is missing from the table"))
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
    let lessonRows = try AuditRows(db, sql: "SELECT id, status, hours, seq, recorded_on FROM lessons")
    while try lessonRows.step() {
      let id = lessonRows.string(0)
      guard let slot = state.lessonSlot(id) else {
        faults.append(
          AuditFault(seq: lessonRows.int64(3), "lesson \(id) is in the table but no entry recorded it"))
        continue
      }
      let replayed = state.lessonRecords[Int(slot)]
      state.scratch?.trimIfOverBudget(atStep: slot)
      if !lessonRows.textEquals(1, replayed.status.name) || replayed.hours != lessonRows.int64(2) {
        faults.append(
          AuditFault(
            seq: replayed.lastSeq,
            "lesson \(id): table says \(lessonRows.string(1)), the ledger gives \(replayed.status.name)"))
      }
      // The confirmation window runs from this day: it is the day of the lesson.recorded entry.
      if replayed.recordedDay != Int32.min {
        let day = CalendarDate(daysSinceEpoch: Int(replayed.recordedDay)).description
        if !lessonRows.textEquals(4, day) {
          faults.append(
            AuditFault(
              seq: replayed.lastSeq,
              "lesson \(id): table says recorded on \(lessonRows.string(4)), its entry is of \(day)"))
        }
      }
    }
    let counts: [(String, Int)] = [
      ("venues", state.venues.count), ("teachers", state.teachers.count), ("courses", state.courses.count),
      ("classes", state.classes.count), ("parents", state.parentCount), ("students", state.studentCount),
      ("lessons", state.lessonCount), ("refunds", state.refundCount), ("bank_refs", state.bankRefs.count),
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
  func checkStoredCheckpoints(
    _ stored: [StoredCheckpoint], rootsAtSize: [Int64: [UInt8]], size: Int64, v1: V1Checkpoints? = nil
  ) -> [AuditFault] {
    var faults: [AuditFault] = []
    for (index, checkpoint) in stored.enumerated() {
      if let v1, index < v1.count {
        // Signed on the version 1 log this one was converted from: its root is of the JSON
        // entries. The one of the whole v1 log must be the genesis's v1Root; the others are
        // checked against the v1 log itself (Tools/verify_ledger.py --v1).
        faults += checkV1Checkpoint(checkpoint, v1: v1)
        continue
      }
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

  /// The checkpoints of a log converted from version 1 that were signed on the v1 log: the first
  /// `count` stored ones (the `checkpoint.signed` entries up to `v1Size`), and the v1 log's size
  /// and root from the genesis's continuity record.
  struct V1Checkpoints {
    let count: Int
    let size: Int64
    let root: [UInt8]
  }

  static func v1Checkpoints(_ db: Database, format: LedgerFormat) throws -> V1Checkpoints? {
    guard format == .v2, let bytes = try Data.fetchOne(db, sql: "SELECT entry FROM ledger WHERE seq = 1"),
      let entry = try? Entry.parse([UInt8](bytes)),
      case .genesis(let genesis)? = try? Event(kind: entry.kind, payload: entry.payload),
      genesis.continuityProblem == nil, let size = genesis.v1Size,
      let root = genesis.v1Root.flatMap(Hex.decode)
    else { return nil }
    let count =
      try Int.fetchOne(
        db, sql: "SELECT COUNT(*) FROM ledger WHERE kind = 'checkpoint.signed' AND seq <= ?",
        arguments: [size]) ?? 0
    return V1Checkpoints(count: count, size: size, root: root)
  }

  func checkV1Checkpoint(_ checkpoint: StoredCheckpoint, v1: V1Checkpoints) -> [AuditFault] {
    let label = "stored checkpoint \(checkpoint.id) (size \(checkpoint.size), signed on the version 1 log)"
    do {
      let verifier = try NoteVerifier(verifierKeyText: checkpoint.verifierKey)
      let opened = try Checkpoint.open(checkpoint.note, verifiers: [verifier]).checkpoint
      if opened.size != checkpoint.size || opened.rootHash != checkpoint.rootHash {
        return [AuditFault(seq: 0, "\(label): its row differs from the note it stores")]
      }
    } catch {
      return [AuditFault(seq: 0, "\(label): its signed note does not verify: \(error)")]
    }
    if checkpoint.size > v1.size || (checkpoint.size == v1.size && checkpoint.rootHash != v1.root) {
      return [
        AuditFault(seq: 1, "\(label): it does not match the v1 log the genesis records (v1Size, v1Root)")
      ]
    }
    return []
  }

}

/// The Merkle root of the entries as they stream by, like `MerkleRootAccumulator` but on
/// fixed-size digests and one reused hasher: no allocation per leaf.
struct AuditMerkleAccumulator {
  private(set) var size: Int64 = 0
  private var rightEdge: [SHA256Digest] = []

  /// Appends a leaf; `completed` sees each hash it completes with its tree level: the leaf
  /// (level 0), then the subtree roots it closes, lowest first (`Merkle.storedHashes`).
  mutating func append(
    leafHash: SHA256Digest, _ hasher: inout SHA256.Hasher,
    completed: (_ level: Int, _ hash: SHA256Digest) throws -> Void
  ) rethrows {
    var hash = leafHash
    try completed(0, hash)
    var carry = size
    var level = 0
    while carry & 1 == 1 {
      hash = hasher.node(rightEdge.removeLast(), hash)
      level += 1
      try completed(level, hash)
      carry >>= 1
    }
    rightEdge.append(hash)
    size += 1
  }

  func root(_ hasher: inout SHA256.Hasher) -> SHA256Digest {
    guard var hash = rightEdge.last else { return SHA256Digest(Merkle.emptyRoot)! }
    for left in rightEdge.dropLast().reversed() { hash = hasher.node(left, hash) }
    return hash
  }

  func root(_ hasher: inout SHA256.Hasher) -> [UInt8] { root(&hasher).bytes }
}

import JianguanCore
import JianguanCrypto
import JianguanLedger
import PostgresNIO

extension PostgresLog {
  /// Creates this bureau's log from another store's entries (`jianguan copy`), in one
  /// transaction: the bureau's head row, every entry (same bytes, same seq), the Merkle tiles, the
  /// checkpoints (a projection of the `checkpoint.signed` entries, as in SQLite) and the sealed
  /// personal records; then the whole log is audited inside the transaction, and only a log whose
  /// audit passes is committed. A bureau already in the database is refused and nothing is
  /// written; of two copies of one bureau at once, the second waits for the first's lock and is
  /// refused after it. `entries` calls its argument with each entry's bytes in seq order.
  public func create(
    copying entries: (_ each: ([UInt8]) throws -> Void) throws -> Void, persons: [SealedPerson]
  ) throws -> AuditReport {
    try create(
      refusingAnExistingLog: Rejection(
        "to_exists",
        "to \(Rejection.quote(url.description)): the database \(url.database) already holds a log of bureau \(bureau); copy writes a new log and never adds to one"
      ), entries: entries, persons: persons)
  }

  /// Creates this bureau's log with the entries `jianguan init` appends (`InitialEntries`), all
  /// dated `time`, as `create(copying:)` does: a bureau already in the database is refused with
  /// `existing` and nothing is written.
  public func create(initial events: [Event], time: LocalDateTime, existing: Rejection) throws -> AuditReport
  {
    // Encoded and chained as any append is, each through the replay.
    let keeper = PostgresEntryKeeper(log: self)
    let ledger = ReplayedLedger(clock: time, keeper: keeper)
    for event in events { _ = try ledger.append(event) }
    return try create(
      refusingAnExistingLog: existing, entries: { each in for bytes in keeper.pending { try each(bytes) } },
      persons: [])
  }

  private func create(
    refusingAnExistingLog existing: Rejection, entries: (_ each: ([UInt8]) throws -> Void) throws -> Void,
    persons: [SealedPerson]
  ) throws -> AuditReport {
    try PostgresSchema.prepare(session)
    return try session.transaction {
      try lockBureau()
      guard try !exists() else { throw existing }
      try session.rows(
        """
        INSERT INTO jianguan.bureaus (bureau, size, head_hash)
        VALUES (\(bureau), 0, \(Entry.genesisPrevious.buffer))
        """)
      var head = Head(size: 0, hash: Entry.genesisPrevious, checkpointKey: nil)
      var edge = MerkleTileEdge()
      var batch: [[UInt8]] = []
      try entries { bytes in
        batch.append(bytes)
        if batch.count >= Self.pageSize {
          try appendLocked(batch, head: &head, edge: &edge)
          batch.removeAll(keepingCapacity: true)
        }
      }
      try appendLocked(batch, head: &head, edge: &edge)
      try writeTiles(edge.takeChangedTiles())
      try writeHead(head)
      try insert(persons)
      let report = try audit()
      if let fault = report.faults.first {
        throw PostgresStoreError(
          "create_audit_failed",
          "the new log of bureau \(bureau) fails its audit (\(report.faults.count) faults, the first: \(fault)); nothing was written"
        )
      }
      return report
    }
  }

  /// Appends `entries` to this bureau's log in one transaction, serialized with every other
  /// append to the same bureau (and none of another's). Each entry must extend the chain: the
  /// next seq, the head's hash as its `prev`.
  public func append(_ entries: [[UInt8]]) throws {
    try session.transaction {
      try lockBureau()
      var head = try head(forUpdate: true)
      var edge = try withTiles { try MerkleTileEdge(size: head.size, reader: $0) }
      try appendLocked(entries, head: &head, edge: &edge)
      try writeTiles(edge.takeChangedTiles())
      try writeHead(head)
    }
  }

  /// Inserts sealed personal records of this bureau.
  func insert(_ persons: [SealedPerson]) throws {
    // The sealed ones in one statement; an erased one (no sealed bytes, only in a copy) alone.
    let sealed = persons.filter { $0.sealed != nil }
    if !sealed.isEmpty {
      try session.rows(
        """
        INSERT INTO jianguan.persons (bureau, commitment, role, masked_id, sealed)
        SELECT \(bureau), * FROM unnest(\(sealed.map(\.commitment))::text[], \(sealed.map(\.role))::text[],
          \(sealed.map(\.maskedID))::text[], \(sealed.map { $0.sealed!.buffer })::bytea[])
        """)
    }
    for person in persons where person.sealed == nil {
      try session.rows(
        """
        INSERT INTO jianguan.persons (bureau, commitment, role, masked_id, sealed)
        VALUES (\(bureau), \(person.commitment), \(person.role), \(person.maskedID), \(person.sealed?.buffer))
        """)
    }
  }

  /// Waits for this bureau's append lock, held until the transaction ends.
  func lockBureau() throws {
    try session.rows("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockClass), \(url.lockKey))")
  }

  /// Inserts `entries` after `head`, checking the chain, growing the Merkle edge and projecting
  /// the checkpoints. Runs inside the transaction that holds the bureau's lock. `chained` gives
  /// the kinds of entries a `ReplayedLedger` encoded and chained itself, from seq `first` on
  /// (loaded from this log's head, checked against the head row): their chain is not decoded
  /// again, only their seqs checked (the import's bulk path; decoding was a third of its time).
  func appendLocked(
    _ entries: [[UInt8]], head: inout Head, edge: inout MerkleTileEdge,
    chained: (first: Int64, kinds: [String])? = nil
  ) throws {
    if entries.isEmpty { return }
    if let chained {
      guard chained.first == head.size + 1, chained.kinds.count == entries.count else {
        throw Rejection(
          "entry_breaks_chain",
          "entry \(chained.first) does not extend the log of bureau \(bureau) (\(head.size) entries)")
      }
    }
    var seqs: [Int64] = []
    var kinds: [String] = []
    var blobs: [ByteBuffer] = []
    var hashes: [ByteBuffer] = []
    var checkpoints: [CheckpointRow] = []
    var nextCheckpointID: Int64?
    for (index, bytes) in entries.enumerated() {
      let seq = head.size + 1
      var kind = chained?.kinds[index]
      if kind == nil || TransparencyEvent.kinds.contains(kind!) {
        let entry: Entry
        do { entry = try Entry.parse(bytes) } catch {
          throw Rejection("entry_unreadable", "entry \(seq) for bureau \(bureau) cannot be read: \(error)")
        }
        guard entry.seq == seq, entry.previousHash == head.hash else {
          throw Rejection(
            "entry_breaks_chain",
            "entry \(entry.seq) does not extend the log of bureau \(bureau) (\(head.size) entries): its seq must be \(seq) and its prev the last entry's hash"
          )
        }
        if TransparencyEvent.kinds.contains(entry.kind) {
          let id = try nextCheckpointID ?? nextCheckpoint()
          if let row = try project(entry, key: &head.checkpointKey, id: id) {
            checkpoints.append(row)
            nextCheckpointID = id + 1
          } else {
            nextCheckpointID = id
          }
        }
        kind = entry.kind
      }
      let hash = SHA256.hash(bytes)
      seqs.append(seq)
      kinds.append(kind!)
      blobs.append(bytes.buffer)
      hashes.append(hash.buffer)
      edge.append(leafHash: Merkle.leafHash(bytes))
      head.size = seq
      head.hash = hash
    }
    // Sent, not waited for: the next statement waited for, or the commit, reports a failure.
    session.send(
      """
      INSERT INTO jianguan.ledger (bureau, seq, kind, entry, hash)
      SELECT \(bureau), * FROM unnest(\(seqs)::bigint[], \(kinds)::text[], \(blobs)::bytea[], \(hashes)::bytea[])
      """)
    try writeTiles(edge.takeFilledTiles())
    for row in checkpoints {
      session.send(
        """
        INSERT INTO jianguan.checkpoints (bureau, id, size, root_hash, note, verifier_key, signed_at)
        VALUES (\(bureau), \(row.id), \(row.size), \(row.rootHash.buffer), \(row.note), \(row.verifierKey), \(row.signedAt))
        """)
    }
  }

  /// The checkpoint row a `checkpoint.signed` entry makes (its note verified with the key the log
  /// names), or nil for a `checkpoint.key` entry, which changes the key in force.
  func project(_ entry: Entry, key: inout String?, id: Int64) throws -> CheckpointRow? {
    switch try TransparencyEvent(kind: entry.kind, payload: entry.payload) {
    case .keyNamed(let named):
      key = named.verifierKey
      return nil
    case .checkpointSigned(let signed):
      guard let key else {
        throw Rejection(
          "checkpoint_without_key", "entry \(entry.seq) signs a checkpoint before the log names a key")
      }
      let checkpoint = try Checkpoint.open(signed.note, verifiers: [NoteVerifier(verifierKeyText: key)])
        .checkpoint
      return CheckpointRow(
        id: id, size: checkpoint.size, rootHash: checkpoint.rootHash, note: signed.note, verifierKey: key,
        signedAt: signed.signedAt)
    }
  }

  func nextCheckpoint() throws -> Int64 {
    let row = try session.rows(
      "SELECT COALESCE(MAX(id), 0) + 1 FROM jianguan.checkpoints WHERE bureau = \(bureau)")
    return try row.first?.decode(Int64.self) ?? 1
  }

  /// Writes tiles: a new one inserted, a partial one replaced by its wider self.
  func writeTiles(_ tiles: [MerkleTile]) throws {
    for tile in tiles {
      session.send(
        """
        INSERT INTO jianguan.merkle_tiles (bureau, level, idx, width, hashes, levels)
        VALUES (\(bureau), \(Int32(tile.level)), \(tile.index), \(Int32(tile.width)), \(tile.hashes.buffer), \(tile.levels.buffer))
        ON CONFLICT (bureau, level, idx) DO UPDATE
          SET width = excluded.width, hashes = excluded.hashes, levels = excluded.levels
        """)
    }
  }

  func writeHead(_ head: Head) throws {
    try session.rows(
      """
      UPDATE jianguan.bureaus SET size = \(head.size), head_hash = \(head.hash.buffer),
        checkpoint_key = \(head.checkpointKey) WHERE bureau = \(bureau)
      """)
  }
}

import JianguanCore
import JianguanLedger
import PostgresNIO

extension PostgresLog {
  /// Entries written in one go inside a write's transaction: one multi-row INSERT of the
  /// entries and one of each tile they fill, rather than a round trip per entry.
  public static let appendBatch = 4096

  /// Runs `body` (a domain operation: `PaymentOperation`, `LessonOperation`, `RefundOperation`) on
  /// this bureau's ledger in one PostgreSQL transaction that holds the bureau's append lock: the
  /// replay's state is brought to the log's head by replaying every entry (O(entries) per
  /// command: docs/POSTGRES.md says what it costs), the operation's rules read that state, each
  /// entry it appends is run through the replay, and the entries are written with their chain
  /// link, Merkle tiles and head row, all committed together. A refusal rolls everything back.
  public func write<T>(clock: LocalDateTime, _ body: (ReplayedLedger) throws -> T) throws -> T {
    try write(clock: clock, committing: { (try body($0), true) })
  }

  /// `write(clock:_:)` for a batch of operations (an import): one replay, every operation run on
  /// the same state, the entries written in bulk as they accumulate (`appendBatch` at a time,
  /// inside the transaction) and committed once. `body` says whether to commit: when it answers
  /// false (a batch with refused rows, all or nothing) everything is rolled back and its value
  /// is still returned. `appendBatch` is the number of entries written in one go.
  public func write<T>(
    clock: LocalDateTime, appendBatch: Int = PostgresLog.appendBatch,
    committing body: (ReplayedLedger) throws -> (T, Bool)
  ) throws -> T {
    var rolledBack: T?
    do {
      return try session.transaction {
        try lockBureau()
        try requireLog(field: "db")
        let head = try head(forUpdate: true)
        let (ledger, keeper) = try load(clock: clock)
        guard ledger.head.seq == head.size, ledger.head.hash == head.hash else {
          throw PostgresStoreError(
            "bureau_head_inconsistent",
            "table bureaus: the head row of bureau \(bureau) says \(head.size) entries, table ledger holds \(ledger.head.seq) ending elsewhere; nothing was written (run `jianguan audit`)"
          )
        }
        keeper.head = head
        keeper.batch = max(1, appendBatch)
        let (result, commit): (T, Bool)
        do { (result, commit) = try body(ledger) } catch let refused as ReplayedLedger.Refused {
          throw PostgresStoreError(
            "replay_refused_entry", "bureau \(bureau): \(refused); nothing was written (run `jianguan audit`)"
          )
        }
        guard commit else {
          rolledBack = result
          throw WriteRolledBack()
        }
        try keeper.finish()
        return result
      }
    } catch is WriteRolledBack {
      return rolledBack!
    }
  }

  /// Runs `body` on the state this bureau's entries replay to, read from one snapshot: what the
  /// read commands (`balance`) answer from on a store without projection tables.
  public func read<T>(_ body: (ReplayedLedger) throws -> T) throws -> T {
    try session.snapshot {
      try requireLog(field: "db")
      return try body(try load(clock: LocalDateTime(unixSeconds: 0)).ledger)
    }
  }

  /// Runs `body` on the replayed state and what the replay learnt of the entries (`EntryLookups`:
  /// the entry that registered a person, that used a bank reference), from one snapshot; `body`
  /// may read entries and sealed persons of the same snapshot (`event(atSeq:)`, `sealedPerson`).
  public func read<T>(_ body: (ReplayedLedger, EntryLookups) throws -> T) throws -> T {
    try session.snapshot {
      try requireLog(field: "db")
      let (ledger, keeper) = try load(clock: LocalDateTime(unixSeconds: 0))
      return try body(ledger, keeper.lookups)
    }
  }

  /// The bureau's state, every entry replayed, with the keeper that answers what the state does
  /// not hold (a bank reference's entry, a lesson already recorded).
  private func load(clock: LocalDateTime) throws -> (ledger: ReplayedLedger, keeper: PostgresEntryKeeper) {
    let keeper = PostgresEntryKeeper(log: self)
    let ledger = ReplayedLedger(clock: clock, keeper: keeper)
    do {
      try forEachEntry { stored in keeper.note(try ledger.load(entryBytes: stored.bytes), seq: stored.seq) }
    } catch let error as PostgresStoreError {
      throw error
    } catch {
      // An entry that does not decode, break the chain or pass the replay: the log was changed.
      throw PostgresStoreError(
        "replay_failed",
        "the log of bureau \(bureau) fails its replay (\(error)); nothing is read from or written to it until `jianguan audit --db` passes"
      )
    }
    return (ledger, keeper)
  }
}

/// A write whose body asked for its transaction to be rolled back (thrown to leave it).
private struct WriteRolledBack: Error {}

/// What a `ReplayedLedger` on PostgreSQL keeps: the entries appended in this transaction,
/// written in bulk (a batch of them at a time, and the rest when the operation is done), and the
/// bank references and lessons of the log, learnt from its events as they are replayed
/// (PostgreSQL keeps no table of them).
final class PostgresEntryKeeper: EntryKeeper {
  unowned let log: PostgresLog
  /// Entries kept and not written yet.
  private(set) var pending: [[UInt8]] = []
  /// Their kinds, and the seq of the first.
  private var pendingKinds: [String] = []
  private var pendingFirst: Int64 = 0
  private var pendingEvents: [Int64: Event] = [:]
  /// The sealed personal data of the persons registered in this transaction, not written yet.
  private(set) var pendingPersons: [SealedPerson] = []
  /// The role of every person registered in this transaction, by commitment.
  private var registered: [String: String] = [:]
  /// The commitments whose sealed data this transaction erases.
  private(set) var pendingErasures: [String] = []
  private(set) var lookups = EntryLookups()
  /// The log's head row as written so far, inside a write's transaction (nil: the entries are
  /// only gathered, as `create(initial:)` wants them).
  var head: PostgresLog.Head?
  /// The Merkle tree's right edge, read from the tiles at the first write.
  private var edge: MerkleTileEdge?

  /// Entries written in one go (`PostgresLog.appendBatch`).
  var batch = PostgresLog.appendBatch

  init(log: PostgresLog) { self.log = log }

  /// Learns what an entry of the log tells the keeper's answers.
  func note(_ event: Event, seq: Int64) { lookups.note(event, seq: seq) }

  func keep(_ event: Event, seq: Int64, time: String, bytes: [UInt8]) throws {
    if pending.isEmpty { pendingFirst = seq }
    pending.append(bytes)
    pendingKinds.append(event.kind)
    pendingEvents[seq] = event
    note(event, seq: seq)
    if head != nil, pending.count >= batch { try flush() }
  }

  /// Writes the pending entries (chain checked, tiles filled, checkpoints projected) and persons.
  func flush() throws {
    guard var head else { return }
    // One batch in flight at most: the previous one is written while this one was computed.
    try log.session.drain()
    if !pending.isEmpty {
      var edge = try edgeAtHead(head)
      try log.appendLocked(pending, head: &head, edge: &edge, chained: (pendingFirst, pendingKinds))
      self.edge = edge
      self.head = head
      pending.removeAll(keepingCapacity: true)
      pendingKinds.removeAll(keepingCapacity: true)
      pendingEvents.removeAll(keepingCapacity: true)
    }
    try log.insert(pendingPersons)
    pendingPersons.removeAll()
    // After the inserts: a family registered and erased in one write is erased too.
    try log.erase(pendingErasures)
    for commitment in pendingErasures { registered[commitment] = nil }
    pendingErasures.removeAll()
  }

  /// The Merkle tree's right edge with every entry of this write, written or pending: what a
  /// checkpoint signed in the write covers.
  func edgeWithPending() throws -> MerkleTileEdge {
    guard let head else { throw PostgresStoreError("keeper_outside_write", "no write is under way") }
    var grown = try edgeAtHead(head)
    for bytes in pending { grown.append(leafHash: Merkle.leafHash(bytes)) }
    return grown
  }

  /// The edge of the tree of the entries written so far, read from the tiles the first time.
  private func edgeAtHead(_ head: PostgresLog.Head) throws -> MerkleTileEdge {
    if let edge { return edge }
    let loaded = try log.withTiles { try MerkleTileEdge(size: head.size, reader: $0) }
    edge = loaded
    return loaded
  }

  /// Writes what is pending, the partial tiles and the head row: the end of a write.
  func finish() throws {
    try flush()
    guard let head, var edge else { return }
    try log.writeTiles(edge.takeChangedTiles())
    try log.writeHead(head)
  }

  func seq(ofBankRef bankRef: String) throws -> Int64? { lookups.seq(ofBankRef: bankRef) }

  func event(atSeq seq: Int64) throws -> Event? {
    if let event = pendingEvents[seq] { return event }
    return try log.event(atSeq: seq)
  }

  func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson? {
    lookups.earlierLesson(enrollment: enrollment, taught: taught)
  }

  func person(commitment: String) throws -> RegisteredPerson? {
    let erasing = pendingErasures.contains(commitment)
    if let role = registered[commitment] { return RegisteredPerson(role: role, erased: erasing) }
    guard let person = try log.person(commitment: commitment) else { return nil }
    return RegisteredPerson(role: person.role, erased: person.erased || erasing)
  }

  func erasePersons(ofParent parent: String) throws {
    pendingErasures += lookups.familyCommitments(ofParent: parent)
  }

  func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws {
    pendingPersons.append(
      SealedPerson(commitment: commitment, role: role, maskedID: maskedID, sealed: sealed))
    registered[commitment] = role
  }
}

extension PostgresLog {
  /// Deletes the sealed personal data under `commitments` (a family erased): the rows stay, with
  /// their commitment and role, marked erased, as the SQLite store keeps them, so that the audit
  /// still finds one row per person the log commits to and a copy to a file carries the mark.
  func erase(_ commitments: [String]) throws {
    guard !commitments.isEmpty else { return }
    try session.rows(
      """
      UPDATE jianguan.persons SET sealed = NULL, masked_id = \(ErasureOperation.erasedMark)
      WHERE bureau = \(bureau) AND commitment = ANY(\(commitments))
      """)
  }

  /// The person of this bureau under `commitment` (erased: its sealed data is gone), or nil.
  func person(commitment: String) throws -> RegisteredPerson? {
    try session.rows(
      "SELECT role, sealed IS NULL FROM jianguan.persons WHERE bureau = \(bureau) AND commitment = \(commitment)"
    ).first.map { row in
      let (role, erased) = try row.decode((String, Bool).self)
      return RegisteredPerson(role: role, erased: erased)
    }
  }

  /// The sealed row of the person of this bureau under `commitment`, or nil.
  public func sealedPerson(commitment: String) throws -> SealedPerson? {
    try session.rows(
      "SELECT role, masked_id, sealed FROM jianguan.persons WHERE bureau = \(bureau) AND commitment = \(commitment)"
    ).first.map { row in
      let (role, masked, sealed) = try row.decode((String, String, ByteBuffer?).self)
      return SealedPerson(commitment: commitment, role: role, maskedID: masked, sealed: sealed?.bytes)
    }
  }

  /// The event of entry `seq` of this bureau, or nil when there is none.
  public func event(atSeq seq: Int64) throws -> Event? {
    guard let bytes = try entry(atSeq: seq) else { return nil }
    let entry = try Entry.parse(bytes)
    return try Event(kind: entry.kind, payload: entry.payload)
  }
}

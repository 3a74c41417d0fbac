import JianguanCore
import JianguanLedger
import PostgresNIO

extension PostgresLog {
  /// Runs `body` (a domain operation: `PaymentOperation`, `LessonOperation`, `RefundOperation`) on
  /// this bureau's ledger in one PostgreSQL transaction that holds the bureau's append lock: the
  /// replay's state is brought to the log's head by replaying every entry (O(entries) per
  /// command: docs/POSTGRES.md says what it costs), the operation's rules read that state, each
  /// entry it appends is run through the replay, and the entries are written with their chain
  /// link, Merkle tiles and head row, all committed together. A refusal rolls everything back.
  public func write<T>(clock: LocalDateTime, _ body: (ReplayedLedger) throws -> T) throws -> T {
    try session.transaction {
      try lockBureau()
      try requireLog(field: "db")
      var head = try head(forUpdate: true)
      let (ledger, keeper) = try load(clock: clock)
      guard ledger.head.seq == head.size, ledger.head.hash == head.hash else {
        throw PostgresStoreError(
          "bureau_head_inconsistent",
          "table bureaus: the head row of bureau \(bureau) says \(head.size) entries, table ledger holds \(ledger.head.seq) ending elsewhere; nothing was written (run `jianguan audit`)"
        )
      }
      let result: T
      do { result = try body(ledger) } catch let refused as ReplayedLedger.Refused {
        throw PostgresStoreError(
          "replay_refused_entry", "bureau \(bureau): \(refused); nothing was written (run `jianguan audit`)")
      }
      if !keeper.pending.isEmpty {
        var edge = try withTiles { try MerkleTileEdge(size: head.size, reader: $0) }
        try appendLocked(keeper.pending, head: &head, edge: &edge)
        try writeTiles(edge.takeChangedTiles())
        try writeHead(head)
      }
      try insert(keeper.pendingPersons)
      try erase(keeper.pendingErasures)
      return result
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

/// What a `ReplayedLedger` on PostgreSQL keeps: the entries appended in this transaction, written
/// when the operation is done, and the bank references and lessons of the log, learnt from its
/// events as they are replayed (PostgreSQL keeps no table of them).
final class PostgresEntryKeeper: EntryKeeper {
  unowned let log: PostgresLog
  private(set) var pending: [[UInt8]] = []
  private var pendingEvents: [Int64: Event] = [:]
  /// The sealed personal data of the persons registered in this transaction.
  private(set) var pendingPersons: [SealedPerson] = []
  /// The commitments whose sealed data this transaction erases.
  private(set) var pendingErasures: [String] = []
  private(set) var lookups = EntryLookups()

  init(log: PostgresLog) { self.log = log }

  /// Learns what an entry of the log tells the keeper's answers.
  func note(_ event: Event, seq: Int64) { lookups.note(event, seq: seq) }

  func keep(_ event: Event, seq: Int64, time: String, bytes: [UInt8]) throws {
    pending.append(bytes)
    pendingEvents[seq] = event
    note(event, seq: seq)
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
    if let person = pendingPersons.first(where: { $0.commitment == commitment }) {
      return RegisteredPerson(role: person.role, erased: pendingErasures.contains(commitment))
    }
    guard let person = try log.person(commitment: commitment) else { return nil }
    return RegisteredPerson(role: person.role, erased: person.erased || pendingErasures.contains(commitment))
  }

  func erasePersons(ofParent parent: String) throws {
    pendingErasures += lookups.familyCommitments(ofParent: parent)
  }

  func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws {
    pendingPersons.append(
      SealedPerson(commitment: commitment, role: role, maskedID: maskedID, sealed: sealed))
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

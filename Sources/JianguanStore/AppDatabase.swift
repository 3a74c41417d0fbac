import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// The one door to a Jianguan database: it opens the SQLite file, runs migrations, and offers the
/// named domain operations, each one write transaction that appends to the log and updates the
/// projections together, or changes nothing at all.
public final class AppDatabase: Sendable {
  public let path: String
  let writer: DatabaseQueue
  let vault: PersonalDataVault
  public let reference: ReferenceData
  /// What time it is, in China Standard Time: every entry is dated by it, and no date a request
  /// gives may be after it. The tool passes `$JIANGUAN_NOW` when it is set.
  public let clock: @Sendable () -> LocalDateTime
  /// The transaction of an import in progress: operations called during it join it.
  let batch = BatchTransaction()
  /// The working-day calendar of the ledger, as last read (`ledgerCalendar`).
  let calendarCache = LedgerCache<WorkingDayCalendar>()
  let policyCache = LedgerCache<LedgerPolicy>()
  let schedules = ScheduleCache()
  /// The principals of bearer tokens this connection admitted (`principal(bearerToken:)`).
  let principals = PrincipalCache()
  /// The read transaction a request holds on this connection (`beginSnapshot`).
  let snapshot = SnapshotState()
  /// The store whose log this file caches (PostgreSQL), or nil for a bureau's own file.
  let upstream: (any UpstreamLog)?

  /// Whose database this is, and the checkpoint origin line.
  public struct Identity: Sendable {
    public let authority: String
    public let region: String
    public let origin: String
  }

  init(
    path: String, writer: DatabaseQueue, vault: PersonalDataVault, reference: ReferenceData,
    clock: @escaping @Sendable () -> LocalDateTime, upstream: (any UpstreamLog)? = nil
  ) {
    self.upstream = upstream
    self.path = path
    self.writer = writer
    self.vault = vault
    self.reference = reference
    self.clock = clock
  }

  /// The computer's clock, in China Standard Time.
  public static let systemClock: @Sendable () -> LocalDateTime = {
    LocalDateTime(unixSeconds: Int64(Date().timeIntervalSince1970))
  }

  static func configuration() -> Configuration {
    var configuration = Configuration()
    // Two clerks writing at once: the second waits for the lock instead of failing.
    configuration.busyMode = .timeout(30)
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA journal_mode = WAL")
      db.add(function: entryTimeFunction)
    }
    return configuration
  }

  /// `entry_time(entry)`: the `time` of v2 entry bytes, for queries that date entries (the
  /// entries are CBOR, which SQLite cannot read).
  static let entryTimeFunction = DatabaseFunction("entry_time", argumentCount: 1, pure: true) { values in
    guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
    return EntryDecoding.time([UInt8](data))
  }

  static func connect(path: String) throws -> DatabaseQueue {
    let queue = try DatabaseQueue(path: path, configuration: configuration())
    try queue.writeWithoutTransaction { db in
      // Money is at stake: every commit reaches the disk before the command says it is done.
      try db.execute(sql: "PRAGMA synchronous = FULL")
    }
    return queue
  }

  /// Creates a new database with its genesis entry and a new personal-data key file.
  public static func create(
    path: String, keyPath: String, authority: String, region: String, origin: String? = nil,
    reference: ReferenceData, clock: @escaping @Sendable () -> LocalDateTime = systemClock
  ) throws -> (AppDatabase, Recorded) {
    let manager = FileManager.default
    guard !manager.fileExists(atPath: path) else {
      throw Rejection(
        "database_exists",
        "database \(Rejection.quote(path)) already exists; init never touches an existing database")
    }
    guard !manager.fileExists(atPath: keyPath) else {
      throw Rejection(
        "key_file_exists",
        "key file \(Rejection.quote(keyPath)) already exists; remove it or choose another --db")
    }
    // Every field is checked before anything is created: a refusal leaves no file behind.
    let initial = try InitialEntries(
      authority: authority, region: region, origin: origin, regions: reference.regions,
      policies: reference.policies, calendar: reference.calendar)
    let vault = try PersonalDataVault.create(at: keyPath)
    let writer: DatabaseQueue
    do {
      writer = try connect(path: path)
      try Schema.migrator.migrate(writer)
    } catch {
      try? manager.removeItem(atPath: path)
      try? manager.removeItem(atPath: keyPath)
      throw StoreError(
        code: "database_create_failed",
        message: "could not create database \(Rejection.quote(path)): \(error)")
    }
    let database = AppDatabase(path: path, writer: writer, vault: vault, reference: reference, clock: clock)
    let recorded = try database.write { db in
      let seqs = try initial.events.map { try database.appendToLog($0, db: db) }
      return Recorded(id: initial.genesis.region, seq: seqs[0])
    }
    return (database, recorded)
  }

  /// Opens an existing database; never creates one.
  public static func open(
    path: String, keyPath: String, reference: ReferenceData,
    clock: @escaping @Sendable () -> LocalDateTime = systemClock, upstream: (any UpstreamLog)? = nil
  ) throws -> AppDatabase {
    guard FileManager.default.fileExists(atPath: path) else {
      throw StoreError(
        code: "database_missing",
        message: "no database at \(Rejection.quote(path)); create one with `jianguan init` or pass --db")
    }
    let writer: DatabaseQueue
    do {
      writer = try connect(path: path)
      // Before any migration: a v1 log is converted by `upgrade`, never changed in place.
      if try ledgerFormat(writer) == .v1 {
        throw Rejection(
          "ledger_format_v1",
          "database \(Rejection.quote(path)) holds a version 1 ledger (JSON entries), which this version neither writes nor audits; convert it with `jianguan upgrade --from \(path) --to NEW.sqlite`"
        )
      }
      try Schema.migrator.migrate(writer)
    } catch let error as DatabaseError {
      throw StoreError(opening: path, error)
    }
    return AppDatabase(
      path: path, writer: writer, vault: PersonalDataVault.open(at: keyPath), reference: reference,
      clock: clock, upstream: upstream)
  }

  /// The format of the log's entries, from its first entry (v1 entries are JSON objects, v2 ones
  /// CBOR maps); nil for a file without a ledger yet.
  static func ledgerFormat(_ writer: DatabaseQueue) throws -> LedgerFormat? {
    try writer.read { db in
      guard try db.tableExists("ledger"),
        let first = try String.fetchOne(
          db, sql: "SELECT hex(substr(entry, 1, 1)) FROM ledger ORDER BY seq LIMIT 1")
      else { return nil }
      return first == "7B" ? .v1 : .v2
    }
  }

  /// The authority, region and origin recorded by `init`.
  public func identity() throws -> Identity {
    try read { db in
      let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT key, value FROM meta"))
      var values: [String: String] = [:]
      for row in rows { values[row["key"]] = row["value"] }
      return Identity(
        authority: values["authority"] ?? "", region: values["region"] ?? "", origin: values["origin"] ?? "")
    }
  }

  /// Runs `body` in one IMMEDIATE transaction: the write lock is taken before the chain head is
  /// read, so two processes never fork the chain. A thrown error rolls everything back.
  func write<T>(_ body: (Database) throws -> T) throws -> T {
    if let db = batch.database { return try body(db) }
    var result: T?
    do {
      try writer.writeWithoutTransaction { db in
        try db.inTransaction(.immediate) {
          result = try withUpstream(db) { (try body(db), commit: true) }.0
          return .commit
        }
      }
    } catch let error as DatabaseError {
      throw StoreError(error)
    }
    if batch.takeCheckpointRequest() { checkpointWAL() }
    return result!
  }

  /// Appends `event` to the log in the current transaction (see `LedgerWriter.append`); inside a
  /// batch, the end of the log is kept in memory between appends.
  func appendToLog(_ event: Event, db: Database) throws -> Int64 {
    try LedgerWriter.append(event, db: db, time: clock(), tail: batch.tail)
  }

  /// The Merkle tiles as this transaction sees them: inside a batch, with the tiles it has not
  /// written yet.
  func merkleStore(_ db: Database) -> MerkleStore { MerkleStore(db: db, edge: batch.tail?.tiles) }

  /// Runs `body` in one read transaction (one snapshot of the file), or inside the transaction
  /// already open on this connection: reads nest, so a request can read everything it answers
  /// from one snapshot. Not GRDB's `read`: it switches `PRAGMA query_only` on and off around each
  /// read, and SQLite expires every prepared statement of the connection when that pragma
  /// changes, so every cached statement was compiled again on each use (half of a served read's
  /// time, measured with perf). The reads here are reads by construction; BEGIN and COMMIT are
  /// cached statements.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    if let db = batch.database { return try body(db) }
    do {
      return try writer.unsafeReentrantRead { db in
        if db.isInsideTransaction { return try body(db) }
        try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
        // The first read of a snapshot: its transaction stays open until `endSnapshot()`.
        if snapshot.keepsOpen() { return try body(db) }
        let value: T
        do { value = try body(db) } catch {
          try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
          throw error
        }
        try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        return value
      }
    } catch let error as DatabaseError { throw StoreError(error) }
  }

  /// Runs `body`, whose reads of this database all see one snapshot of it.
  public func readTogether<T>(_ body: () throws -> T) throws -> T {
    try read { _ in try body() }
  }
}

/// What a write produced: the id of the thing created (or acted on) and the seq of its entry.
public struct Recorded: Equatable, Sendable {
  public let id: String
  public let seq: Int64
  /// True when the request repeated an earlier one (same bank reference and content) and nothing new was written.
  public var repeated = false
  /// The person's ID number, masked (3405**********001X), for parents and students.
  public var maskedIDNumber: String?

  public init(id: String, seq: Int64, repeated: Bool = false) {
    self.id = id
    self.seq = seq
    self.repeated = repeated
  }

  /// What a domain operation appended, as the store reports it.
  public init(_ appended: Appended) {
    self.init(id: appended.id, seq: appended.seq, repeated: appended.repeated)
  }
}

/// A database failure turned into one sentence (a full disk, a read-only file, a busy lock).
public struct StoreError: StoreFailure, CustomStringConvertible {
  /// A stable code: `database_failure` unless a more precise one applies (`database_missing`).
  public var code = "database_failure"
  public let message: String
  init(code: String, message: String) {
    self.code = code
    self.message = message
  }
  init(_ error: DatabaseError) {
    switch error.resultCode {
    case .SQLITE_FULL: message = "the disk is full: nothing was written and the database is unchanged"
    case .SQLITE_READONLY: message = "the database file is read-only: nothing was written"
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      message = "the database stayed busy (another writer held it for 30 s): nothing was written, try again"
    case .SQLITE_CORRUPT, .SQLITE_NOTADB:
      message = "the database file is damaged or not a Jianguan database: \(error.message ?? "")"
    default: message = "database error: \(error.message ?? "\(error)")"
    }
  }
  public var description: String { message }
}

/// The open transaction of a batch import. Every operation validates before it writes, so an
/// operation refused inside the batch has written nothing and the batch goes on.
final class BatchTransaction: @unchecked Sendable {
  private let lock = NSLock()
  private var current: Database?
  private var currentTail: LedgerTail?
  private var checkpointWanted = false

  var database: Database? {
    lock.lock()
    defer { lock.unlock() }
    return current
  }

  /// The end of the log as this batch has written it so far; nil outside a batch.
  var tail: LedgerTail? {
    lock.lock()
    defer { lock.unlock() }
    return currentTail
  }

  /// Runs `body` with the batch's transaction `db`; then writes the Merkle tiles the batch left
  /// in memory (`LedgerTail.flush`), before the caller commits.
  func run<T>(_ db: Database, _ body: () throws -> T) throws -> T {
    lock.lock()
    current = db
    currentTail = LedgerTail()
    // A request made before the batch ran (the cache's catch-up erased a family) stands.
    lock.unlock()
    defer {
      lock.lock()
      current = nil
      currentTail = nil
      lock.unlock()
    }
    let result = try body()
    try tail?.flush(db)
    return result
  }

  /// An operation of the batch wants the WAL copied back into the file once the batch has
  /// committed (an erasure: no old copy of sealed data may stay in the WAL).
  func requestCheckpoint() {
    lock.lock()
    checkpointWanted = true
    lock.unlock()
  }

  /// Whether the last batch asked for a checkpoint; asking clears it.
  func takeCheckpointRequest() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    defer { checkpointWanted = false }
    return checkpointWanted
  }
}

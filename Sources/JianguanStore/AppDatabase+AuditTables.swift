import Foundation
import GRDB
import JianguanCore
import JianguanLedger
import Synchronization

/// The audit's check of every table: the tables are rebuilt from the log by the projectors the
/// write path runs, into a scratch database made by the same migrations, and compared with the
/// stored ones column by column and row by row; so is the schema itself (a dropped trigger or
/// CHECK constraint is a fault). What the projectors do not write (the log itself, its Merkle
/// hashes, sealed personal data) is checked apart.
extension AppDatabase {
  /// Tables the rebuild does not write, each checked on its own terms elsewhere in the audit.
  static let tablesCheckedApart: Set<String> = ["ledger", "merkle_tiles", "persons"]

  /// The most rows of one table named in faults; the rest are counted in one more fault.
  static let rowFaultsPerTable = 10

  /// Checks `persons` on its own terms while `rebuild` finishes, then compares every projection
  /// table, and the schema, with the tables it made from the log.
  func compareRebuiltTables(db: Database, rebuild: AuditTableRebuild) throws -> [AuditFault] {
    // `persons` is read while the rebuild may still run; its faults come last, as they always did.
    let personsFaults = try checkPersons(db)
    var faults = try rebuild.finish()
    try rebuild.shadow.writeWithoutTransaction { rebuilt in
      faults += try compareSchemas(db, rebuilt)
      for table in try Self.tableNames(rebuilt) where !Self.tablesCheckedApart.contains(table) {
        faults += try compareTable(table, stored: db, rebuilt: rebuilt)
      }
    }
    return faults + personsFaults
  }

  static func tableNames(_ db: Database) throws -> [String] {
    try String.fetchAll(
      db,
      sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
  }

  /// Every table, index and trigger must be exactly as the migrations make them.
  private func compareSchemas(_ stored: Database, _ rebuilt: Database) throws -> [AuditFault] {
    let sql = """
      SELECT type || ' ' || name, COALESCE(sql, '') FROM sqlite_master
      WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name
      """
    func objects(_ db: Database) throws -> [String: String] {
      var result: [String: String] = [:]
      for row in try Row.fetchAll(db, sql: sql) { result[row[0]] = row[1] }
      return result
    }
    let want = try objects(rebuilt)
    let have = try objects(stored)
    var faults: [AuditFault] = []
    for name in want.keys.sorted() {
      if let found = have[name] {
        if found != want[name] {
          faults.append(AuditFault(seq: 0, "table sqlite_master: \(name) is not as the migrations made it"))
        }
      } else {
        faults.append(AuditFault(seq: 0, "table sqlite_master: \(name) is missing (dropped)"))
      }
    }
    for name in have.keys.sorted() where want[name] == nil {
      faults.append(AuditFault(seq: 0, "table sqlite_master: \(name) was added; no migration makes it"))
    }
    return faults
  }

  /// Compares one table row by row in rowid order (the rebuild inserts rows in the order the log
  /// did), or in key order for a table without rowid: every column, the rowid included, byte for
  /// byte through SQLite's C API.
  private func compareTable(_ table: String, stored: Database, rebuilt: Database) throws -> [AuditFault] {
    let columns = try rebuilt.columns(in: table).map(\.name)
    let storedColumns = try stored.columns(in: table).map(\.name)
    guard columns == storedColumns else {
      return [AuditFault(seq: 0, "table \(table): its columns are not as the migrations made them")]
    }
    let keyColumns = try rebuilt.primaryKey(table).columns
    let keyColumn = keyColumns.first ?? "rowid"
    let keyIndex = Int32(columns.firstIndex(of: keyColumn).map { $0 + 1 } ?? 0)
    let seqIndex = columns.firstIndex(of: "seq").map { Int32($0 + 1) }
    // The migrations made the rebuilt schema: whether the table has a rowid is read from there.
    let withoutRowID =
      try String.fetchOne(rebuilt, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table])?
      .contains("WITHOUT ROWID") ?? false
    let keyIndexes = keyColumns.compactMap { key in columns.firstIndex(of: key).map { Int32($0 + 1) } }
    let quoted = columns.map { "\"\($0)\"" }
    let select =
      withoutRowID
      ? "SELECT 0, \(quoted.joined(separator: ", ")) FROM \"\(table)\" ORDER BY \(keyColumns.map { "\"\($0)\"" }.joined(separator: ", "))"
      : "SELECT rowid, \(quoted.joined(separator: ", ")) FROM \"\(table)\" ORDER BY rowid"
    let have = try AuditRows(stored, sql: select)
    let want = try AuditRows(rebuilt, sql: select)
    var faults: [AuditFault] = []
    var differing = 0
    func report(_ rows: AuditRows, _ message: String) {
      differing += 1
      guard differing <= Self.rowFaultsPerTable else { return }
      let seq = seqIndex.map { rows.int64($0) } ?? 0
      faults.append(
        AuditFault(
          seq: seq,
          "table \(table), row \(keyColumn) = \(Self.show(rows.databaseValue(keyIndex))): \(message)"))
    }
    /// Negative when the stored row comes first, positive when the rebuilt one does.
    func order() -> Int {
      guard withoutRowID else {
        let (storedID, wantedID) = (have.int64(0), want.int64(0))
        return storedID < wantedID ? -1 : storedID == wantedID ? 0 : 1
      }
      for index in keyIndexes {
        let compared = have.order(index, against: want)
        if compared != 0 { return compared }
      }
      return 0
    }
    var hasStored = try have.step()
    var hasWanted = try want.step()
    while hasStored || hasWanted {
      let compared = !hasStored ? 1 : !hasWanted ? -1 : order()
      if compared == 0 {
        if let column = (1...Int32(columns.count)).first(where: { !have.sameValue($0, as: want) }) {
          report(
            want,
            "\(columns[Int(column) - 1]) is \(Self.show(have.databaseValue(column))), the log gives \(Self.show(want.databaseValue(column)))"
          )
        }
        hasStored = try have.step()
        hasWanted = try want.step()
      } else if compared < 0 {
        report(have, "no entry of the log made this row")
        hasStored = try have.step()
      } else {
        report(want, "the row the log makes is missing")
        hasWanted = try want.step()
      }
    }
    if differing > Self.rowFaultsPerTable {
      faults.append(
        AuditFault(
          seq: 0, "table \(table): \(differing - Self.rowFaultsPerTable) more rows differ from the log"))
    }
    return faults
  }

  /// A stored value as a fault shows it: text quoted and cut, blobs by length.
  static func show(_ value: DatabaseValue) -> String {
    switch value.storage {
    case .null: "NULL"
    case .int64(let number): String(number)
    case .double(let number): String(number)
    case .string(let text): Rejection.quote(String(text.prefix(40)))
    case .blob(let data): "a blob of \(data.count) bytes"
    }
  }

  /// The `persons` table holds what no entry holds (sealed names, ID numbers, phones), so it is
  /// checked against what the log does say: one row per committed person, of the right role,
  /// emptied exactly when the log erased it; and, with the key, each sealed record opens and its
  /// ID number gives the row's commitment and masked form. Streamed: a city has millions.
  private func checkPersons(_ db: Database) throws -> [AuditFault] {
    var faults: [AuditFault] = []
    let key = try? vault.requireKey()
    let people = try Row.fetchCursor(
      db,
      sql: """
        SELECT x.commitment, x.role, x.seq, x.erased, p.role, p.masked_id, p.sealed, p.commitment IS NOT NULL
        FROM (
          SELECT commitment, 'parent' AS role, seq, EXISTS(SELECT 1 FROM erasures e WHERE e.parent = id) AS erased
            FROM parents
          UNION ALL
          SELECT commitment, 'student', seq, EXISTS(SELECT 1 FROM erasures e WHERE e.parent = students.parent)
            FROM students
        ) x LEFT JOIN persons p ON p.commitment = x.commitment
        """)
    // Read in chunks, each checked on both cores: opening every sealed record is the audit's
    // longest step after the scan, and by then the other core is free.
    var chunk: [PersonRow] = []
    func checkChunk() {
      faults += Self.personFaults(chunk, vault: key == nil ? nil : vault)
      chunk.removeAll(keepingCapacity: true)
    }
    while let row = try people.next() {
      chunk.append(
        PersonRow(
          commitment: row[0], role: row[1], seq: row[2], erased: row[3], hasRow: row[7],
          storedRole: row[4], masked: row[5], sealed: row[6]))
      if chunk.count == 1024 { checkChunk() }
    }
    checkChunk()
    let orphans = try String.fetchCursor(
      db,
      sql: """
        SELECT commitment FROM persons WHERE commitment NOT IN (SELECT commitment FROM parents)
          AND commitment NOT IN (SELECT commitment FROM students)
        """)
    while let commitment = try orphans.next() {
      faults.append(
        AuditFault(
          seq: 0,
          "table persons, row commitment = \(commitment.prefix(16))…: no entry of the log names this person"))
    }
    return faults
  }

  /// A row of `persons` beside what the log says of that person, as `checkPersons` reads it.
  struct PersonRow: Sendable {
    let commitment: String
    let role: String
    let seq: Int64
    let erased: Bool
    let hasRow: Bool
    let storedRole: String?
    let masked: String?
    let sealed: Data?
  }

  /// The faults of `rows`, in their order; the halves on two threads. With `vault` (the key is
  /// present), each sealed record is opened and must give its commitment and masked form.
  static func personFaults(_ rows: [PersonRow], vault: PersonalDataVault?) -> [AuditFault] {
    let halves = rows.count < 64 ? 1 : 2
    let results = Mutex([[AuditFault]](repeating: [], count: halves))
    DispatchQueue.concurrentPerform(iterations: halves) { half in
      let size = (rows.count + halves - 1) / halves
      var found: [AuditFault] = []
      for row in rows[min(rows.count, half * size)..<min(rows.count, (half + 1) * size)] {
        found += personFaults(row, vault: vault)
      }
      results.withLock { $0[half] = found }
    }
    return results.withLock { $0.flatMap { $0 } }
  }

  private static func personFaults(_ row: PersonRow, vault: PersonalDataVault?) -> [AuditFault] {
    let label = "table persons, row commitment = \(row.commitment.prefix(16))…"
    guard row.hasRow else {
      return [AuditFault(seq: row.seq, "\(label): the \(row.role) the log commits to has no row")]
    }
    var faults: [AuditFault] = []
    if row.storedRole != row.role {
      faults.append(AuditFault(seq: row.seq, "\(label): role is not \(row.role), as the log gives"))
    }
    if row.erased {
      if row.sealed != nil || row.masked != ErasureSchema.erasedMark {
        faults.append(
          AuditFault(seq: row.seq, "\(label): the log erased this person but the row still holds data"))
      }
      return faults
    }
    guard let sealed = row.sealed else {
      return faults + [AuditFault(seq: row.seq, "\(label): the sealed personal data is missing")]
    }
    guard let vault else { return faults }
    do {
      let record = try vault.open(sealed, commitment: row.commitment)
      // A registration after an erasure takes a later generation of the commitment.
      let generations = 1...PeopleOperation.registrationsPerPersonMax
      if try !generations.contains(where: {
        try vault.commitment(idNumber: record.idNumber, generation: $0) == row.commitment
      }) {
        faults.append(
          AuditFault(seq: row.seq, "\(label): the sealed ID number does not give this commitment"))
      } else if ResidentID.mask(record.idNumber) != row.masked {
        faults.append(AuditFault(seq: row.seq, "\(label): masked_id does not mask the sealed ID number"))
      }
    } catch {
      faults.append(AuditFault(seq: row.seq, "\(label): the sealed personal data does not open with the key"))
    }
    return faults
  }
}

/// The rebuild of every projection table from the log, on a thread of its own while the audit
/// reads and replays the same entries: it gets each batch of rows the reading thread hands the
/// replay (sharing its bytes), runs every entry through the projectors the write path runs, into
/// a scratch database made by the same migrations. An entry that does not decode is skipped (the
/// replay reports it); one the projectors cannot apply is a fault of its own.
final class AuditTableRebuild: @unchecked Sendable {
  let path: String
  let shadow: DatabaseQueue
  let format: LedgerFormat
  let queue = AuditQueue()
  /// The statements of the secondary indexes the projectors never read, which the rebuild makes
  /// once its rows are in (SQLite sorts them once) rather than keeping up with every insert. At
  /// 10M payments the rebuild read 15 KB from its scratch file per entry (index descents at
  /// random places: the foreign keys' lookups, and the enrollments' institution index taking rows
  /// at 2,000 places at once), and held the whole audit back. They are made from their own text,
  /// so the schema compares as the migrations made it.
  private var deferredIndexes: [String] = []
  /// The non-unique indexes the projectors' statements read (`Projector+ClassPlaces.swift`), kept
  /// while the rows go in. Unique ones are never deferred: they are rules the rows must keep.
  static let indexesTheProjectorsRead = ["enrollments_holding"]
  /// The scratch database's page cache: the class-places index takes rows at as many places as
  /// the term has classes.
  static let cacheKilobytes = 8192
  private var faults: [AuditFault] = []
  private var failure: (any Error)?
  private var thread: AuditThread?

  /// A scratch database in `directory` (no journal, no fsync: it is thrown away), migrated.
  init(directory: String, format: LedgerFormat) throws {
    path = "\(directory)/jianguan-audit-\(UUID().uuidString).sqlite"
    self.format = format
    do {
      // Without foreign-key checks: each payment's row would look up its student and its parent
      // at a random place in indexes of a million rows each, which at 10M payments no small page
      // cache holds (four reads from the scratch file per payment). They check nothing the audit
      // needs: every reference an entry makes is a rule of the replay (a payment for a student no
      // entry registered is a fault there), and every stored row is compared with its rebuilt one.
      var configuration = Configuration()
      configuration.foreignKeysEnabled = false
      shadow = try DatabaseQueue(path: path, configuration: configuration)
      try shadow.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
      }
      try Schema.migrator.migrate(shadow)
      deferredIndexes = try shadow.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKilobytes)")
        let deferred = try Row.fetchAll(
          db,
          sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE INDEX %' ORDER BY name
            """
        ).filter { !Self.indexesTheProjectorsRead.contains($0["name"]) }
        for index in deferred {
          let name: String = index["name"]
          try db.execute(sql: "DROP INDEX \(name.quotedDatabaseIdentifier)")
        }
        return deferred.map { $0["sql"] }
      }
    } catch {
      Self.remove(path)
      throw error
    }
  }

  deinit { Self.remove(path) }

  private static func remove(_ path: String) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: path + suffix)
    }
  }

  /// Hands the rebuild the rows of `batch` (their bytes are shared, not copied).
  func push(_ batch: AuditBatch) {
    let copy = queue.emptyBatch()
    copy.bytes = batch.bytes
    copy.records = batch.records
    queue.push(copy)
  }

  /// Starts the rebuilding thread; it drains the queue until `finish`, even after a failure, so
  /// that the reading thread never waits on it.
  func start() {
    thread = AuditThread { [self] in
      do {
        try shadow.writeWithoutTransaction { rebuilt in
          try rebuilt.execute(sql: "BEGIN")
          while let batch = queue.pop() {
            apply(batch, into: rebuilt)
            queue.recycle(batch)
          }
          try rebuilt.execute(sql: "COMMIT")
          for index in deferredIndexes { try rebuilt.execute(sql: index) }
        }
      } catch {
        if failure == nil { failure = error }
        while let batch = queue.pop() { queue.recycle(batch) }
      }
    }
  }

  /// Ends the input, waits for the thread, and gives the faults of entries the projectors could
  /// not apply; throws what stopped the rebuild itself (the scratch database failing).
  func finish() throws -> [AuditFault] {
    queue.finish()
    thread?.wait()
    if let failure { throw failure }
    return faults
  }

  private func apply(_ batch: AuditBatch, into rebuilt: Database) {
    batch.bytes.withUnsafeBufferPointer { bytes in
      for record in batch.records {
        let raw = UnsafeBufferPointer(rebasing: bytes[record.entry])
        // The hot kinds through the fast decoder, the rest as the replay reads them.
        let event: Event
        let time: String
        if format == .v2, let decoded = EntryDecoding.decode(raw) {
          event = decoded.event
          time = String(decoding: UnsafeBufferPointer(rebasing: raw[decoded.timeRange]), as: UTF8.self)
        } else if let entry = try? (format == .v2 ? Entry.parse(Array(raw)) : EntryV1.parse(Array(raw))),
          let generic = try? Event(kind: entry.kind, payload: entry.payload)
        {
          event = generic
          time = entry.time
        } else {
          continue
        }
        do {
          try Projector.apply(event, seq: record.seq, time: time, db: rebuilt)
        } catch {
          faults.append(
            AuditFault(
              seq: record.seq, "rebuilding the tables from the log: this entry cannot be applied: \(error)"))
        }
      }
    }
  }
}

import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanPostgres
import JianguanStore

/// `jianguan copy`: a bureau's ledger from a SQLite file into PostgreSQL, or back.
struct CopyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "copy",
    abstract: "Copy a bureau's ledger between a SQLite file and PostgreSQL, entry for entry.",
    discussion: """
      One of --from and --to is a SQLite file, the other postgres://USER@HOST:PORT/DBNAME?bureau=REGION \
      (the bureau is the region code given to init; many bureaus share one database). The destination \
      must not exist yet: a file that does not exist, a bureau the database does not hold. The source \
      is audited first (refused if the audit fails); every entry is copied with its bytes and seq, the \
      tables or Merkle tiles and checkpoints rebuilt, the sealed personal records carried as they are; \
      the destination is audited before it is committed, and both Merkle roots are printed. The \
      personal-data key never goes into PostgreSQL: it is the file --key names (default \
      jianguan-REGION.key in this folder), copied from FILE.key, or to it.
      """)
  @OptionGroup var global: GlobalOptions
  @Option(help: "The ledger to copy: a SQLite file or a postgres:// URL.") var from: String
  @Option(help: "Where to copy it: the other kind; it must not exist yet.") var to: String
  @Option(help: "The PostgreSQL side's personal-data key file (default: jianguan-REGION.key here).")
  var key: String?

  func run() throws {
    switch (PostgresURL.isURL(from), PostgresURL.isURL(to)) {
    case (false, true): try toPostgres(try PostgresURL.parse(to, field: "to"))
    case (true, false): try fromPostgres(try PostgresURL.parse(from, field: "from"))
    default:
      throw Rejection(
        "copy_same_store",
        "from \(Rejection.quote(from)) and to \(Rejection.quote(to)) are both \(PostgresURL.isURL(from) ? "PostgreSQL URLs" : "files"); copy moves a ledger between a SQLite file and PostgreSQL (a file's copy is `jianguan backup`)"
      )
    }
  }

  private func keyPath(_ url: PostgresURL) -> String { key ?? "jianguan-\(url.bureau).key" }

  private func toPostgres(_ url: PostgresURL) throws {
    guard FileManager.default.fileExists(atPath: from) else {
      throw Rejection("from_missing", "from \(Rejection.quote(from)) does not exist")
    }
    guard let keyBytes = FileManager.default.contents(atPath: from + ".key") else {
      throw Rejection(
        "from_key_missing",
        "the key file \(Rejection.quote(from + ".key")) of from does not exist; copy carries the personal-data key beside the ledger"
      )
    }
    let keyPath = keyPath(url)
    if let existing = FileManager.default.contents(atPath: keyPath), existing != keyBytes {
      throw Rejection(
        "to_key_exists",
        "the key file \(Rejection.quote(keyPath)) already exists and holds another key; name another with --key"
      )
    }
    let source = try AppDatabase.open(
      path: from, keyPath: from + ".key", reference: try Environment.reference(),
      clock: try Environment.clock())
    let sourceAudit = try source.audit()
    if let fault = sourceAudit.faults.first {
      throw Rejection(
        "from_audit_failed",
        "from \(Rejection.quote(from)) fails its audit (\(sourceAudit.faults.count) faults, the first: \(fault)); copy copies only a ledger whose audit passes, and wrote nothing"
      )
    }
    let region = try source.identity().region
    guard region == url.bureau else {
      throw Rejection(
        "to_bureau_not_region",
        "to \(Rejection.quote(url.description)): bureau \(url.bureau) is not the region of the ledger at from (\(region)); the bureau is the region code given to init"
      )
    }
    let log = try PostgresLog.connect(url)
    defer { log.close() }
    // The key goes beside the destination only once the log is committed there.
    let partialKey = keyPath + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
    guard
      FileManager.default.createFile(
        atPath: partialKey, contents: keyBytes, attributes: [.posixPermissions: 0o600])
    else {
      throw Rejection("to_key_unwritable", "the key file \(Rejection.quote(keyPath)) cannot be written")
    }
    defer { try? FileManager.default.removeItem(atPath: partialKey) }
    let report = try log.create(
      copying: { each in try source.entries(fromSeq: 1, limit: nil) { try each($0.entryBytes) } },
      persons: try source.sealedPersons())
    if !FileManager.default.fileExists(atPath: keyPath) { _ = rename(partialKey, keyPath) }
    try emit(
      entries: report.entries, sourceRoot: sourceAudit.rootHash, destinationRoot: try log.root(),
      keyPath: keyPath)
  }

  private func fromPostgres(_ url: PostgresURL) throws {
    for (path, field) in [(to, "to"), (to + ".key", "to_key")]
    where FileManager.default.fileExists(atPath: path) {
      throw Rejection(
        "\(field)_exists",
        "\(field) \(Rejection.quote(path)) already exists; copy writes a new database and never overwrites one"
      )
    }
    let keyPath = keyPath(url)
    guard let keyBytes = FileManager.default.contents(atPath: keyPath) else {
      throw Rejection(
        "from_key_missing",
        "the personal-data key of bureau \(url.bureau) is read from \(Rejection.quote(keyPath)) (--key PATH), which does not exist"
      )
    }
    let log = try PostgresLog.connect(url)
    defer { log.close() }
    // The audit and the copy read one snapshot: an append meanwhile is in neither.
    try log.session.snapshot { try fromPostgres(log, keyBytes: [UInt8](keyBytes)) }
  }

  private func fromPostgres(_ log: PostgresLog, keyBytes: [UInt8]) throws {
    let url = log.url
    try log.requireLog(field: "from")
    let sourceAudit = try log.audit()
    if let fault = sourceAudit.faults.first {
      throw Rejection(
        "from_audit_failed",
        "from \(Rejection.quote(url.description)) fails its audit (\(sourceAudit.faults.count) faults, the first: \(fault)); copy copies only a ledger whose audit passes, and wrote nothing"
      )
    }
    let report = try AppDatabase.create(
      copying: { each in try log.forEachEntry { try each($0.bytes) } }, persons: try log.persons(), path: to,
      keyPath: to + ".key", keyBytes: keyBytes, reference: try Environment.reference())
    try emit(
      entries: report.entries, sourceRoot: sourceAudit.rootHash, destinationRoot: report.rootHash,
      keyPath: to + ".key")
  }

  private func emit(entries: Int64, sourceRoot: [UInt8], destinationRoot: [UInt8], keyPath: String) throws {
    let (source, destination) = (Hex.encode(sourceRoot), Hex.encode(destinationRoot))
    guard source == destination else {
      throw EnvironmentFailure(
        "copy_roots_differ", "the copy's Merkle root \(destination) is not the source's \(source)")
    }
    Output(global).emit(
      .object([
        "from": .string(from), "to": .string(to), "entries": .integer(entries), "fromRoot": .string(source),
        "toRoot": .string(destination), "keyFile": .string(keyPath), "audit": .string("ok"),
      ]),
      text: """
        copied \(from) to \(to): \(entries) entries, both audits passed
        from Merkle root \(source)
        to   Merkle root \(destination)
        personal-data key: \(keyPath)
        """)
  }
}

/// How the commands run on a PostgreSQL URL. Those that read or write the bureau's log itself
/// (the functions below: `pay`, `lesson record --enrollment`, `refund`, the registry, the
/// parents' flows, supervision, `audit`, proofs, checkpoints, `import payments`, …) replay the log
/// into the audit's state machine (`ReplayedLedger`) and append through `PostgresLog`, with no
/// local state; each command's `run` sends a URL to them. Every other command runs on the
/// bureau's cache, a SQLite file of the SQLite store that `PostgresCache` keeps up to the log and
/// whose writes are appended to the log before they commit (`Environment.open`). `fileOnly`
/// commands concern a SQLite file as such and are refused on a URL.
enum PostgresCommands {
  /// The commands that concern a SQLite file as such: refused on a URL, each with what to do instead.
  static let fileOnly: [(ObjectIdentifier, String, String)] = [
    (
      ObjectIdentifier(BackupCommand.self), "backup",
      "a bureau in PostgreSQL is copied out with `jianguan copy`"
    ),
    (
      ObjectIdentifier(RestoreCommand.self), "restore",
      "a bureau in PostgreSQL is created from a file with `jianguan copy`"
    ),
    (ObjectIdentifier(UpgradeCommand.self), "upgrade", "convert the file, then `jianguan copy` it"),
    (
      ObjectIdentifier(BenchmarkCommand.Proofs.self), "benchmark proofs",
      "`jianguan proof inclusion` reads a URL's stored tiles"
    ),
  ]

  /// Refuses, in one sentence, a command that works on a SQLite file only but was given a URL.
  static func refuseFileOnly(_ command: any ParsableCommand) throws {
    let commandType = type(of: command)
    guard let (_, name, instead) = fileOnly.first(where: { $0.0 == ObjectIdentifier(commandType) }) else {
      return
    }
    for child in Mirror(reflecting: command).children {
      guard let global = (child.value as? OptionGroup<GlobalOptions>)?.wrappedValue, global.namesPostgres
      else { continue }
      throw Rejection(
        "postgres_file_only",
        "--db names a PostgreSQL store, and `jianguan \(name)` works on a SQLite file only; \(instead)")
    }
  }

  /// `jianguan init` on a postgres URL: the bureau's log with the entries a file's `init`
  /// appends (`InitialEntries`), and its personal-data key in the file --key names. The key is
  /// written under a temporary name and put in place once the log is committed; a refusal (the
  /// region is not the URL's bureau, the key file or the bureau's log exists) writes nothing.
  static func initialize(_ command: InitCommand) throws {
    let url = try PostgresURL.parse(command.global.databasePath)
    let reference = try Environment.reference()
    let initial = try InitialEntries(
      authority: command.authority, region: command.region, origin: command.origin,
      regions: reference.regions, policies: reference.policies, calendar: reference.calendar)
    guard initial.genesis.region == url.bureau else {
      throw Rejection(
        "region_not_bureau",
        "region \(initial.genesis.region) is not the bureau of db \(Rejection.quote(url.description)); the bureau in the URL is the region code given to init"
      )
    }
    let keyPath = command.key ?? "jianguan-\(url.bureau).key"
    guard !FileManager.default.fileExists(atPath: keyPath) else {
      throw Rejection(
        "key_file_exists",
        "key file \(Rejection.quote(keyPath)) already exists; remove it or name another with --key")
    }
    let log = try PostgresLog.connect(url)
    defer { log.close() }
    let partialKey = keyPath + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
    _ = try PersonalDataVault.create(at: partialKey)
    var placed = false
    defer { if !placed { try? FileManager.default.removeItem(atPath: partialKey) } }
    _ = try log.create(
      initial: initial.events, time: try Environment.clock()(),
      existing: Rejection(
        "database_exists",
        "db \(Rejection.quote(url.description)): the database \(url.database) already holds a log of bureau \(url.bureau); init never touches an existing log"
      ))
    // A hard link never replaces a key file another process put there meanwhile.
    guard link(partialKey, keyPath) == 0 else {
      placed = true
      throw EnvironmentFailure(
        "key_file_unplaced",
        "the log of bureau \(url.bureau) was created, but its key could not be put at \(Rejection.quote(keyPath)); it is in \(Rejection.quote(partialKey)): move it there"
      )
    }
    let origin = initial.genesis.origin
    Output(command.global).emit(
      .object([
        "id": .string(url.bureau), "seq": .integer(1), "database": .string(url.description),
        "keyFile": .string(keyPath), "origin": .string(origin),
      ]),
      text: """
        created the log of bureau \(url.bureau) in \(url.description) for \(command.authority); genesis entry at seq 1
        checkpoint origin: \(origin)
        personal-data key: \(keyPath) (mode 0600; keep it apart from the database and back it up)
        """)
  }

  /// `pay` on the bureau's log: `PaymentOperation` in one PostgreSQL transaction.
  static func pay(_ form: PaymentForm, _ global: GlobalOptions) throws -> Recorded {
    let now = try Environment.now()
    let request = try AppDatabase.paymentRequest(form, now: now)
    return try write(global, now: now) { try PaymentOperation.run(request, in: $0) }
  }

  /// `lesson record --enrollment` on the bureau's log: `LessonOperation`.
  static func recordLesson(enrollment: String, hours: String, taughtAt: String, _ global: GlobalOptions)
    throws -> Recorded
  {
    let now = try Environment.now()
    let request = try AppDatabase.lessonRequest(
      enrollment: enrollment, hours: hours, taughtAt: taughtAt, now: now)
    return try write(global, now: now) { try LessonOperation.record(request, in: $0) }
  }

  /// `lesson confirm` on the bureau's log: `LessonFlowOperation`, the id checked as on a file.
  static func confirmLesson(_ lesson: String, _ global: GlobalOptions) throws -> Recorded {
    _ = try AppDatabase.validateID(lesson, field: "lesson", prefix: "L")
    return try write(global, now: try Environment.now()) {
      try LessonFlowOperation.release(lesson, basis: .confirmed, in: $0)
    }
  }

  /// `lesson dispute` on the bureau's log.
  static func disputeLesson(_ lesson: String, reason: String, _ global: GlobalOptions) throws -> Recorded {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    _ = try AppDatabase.validateID(lesson, field: "lesson", prefix: "L")
    return try write(global, now: try Environment.now()) {
      try LessonFlowOperation.dispute(lesson, reason: reasonText, in: $0)
    }
  }

  /// `lesson resolve` on the bureau's log.
  static func resolveLesson(_ lesson: String, release: Bool, reason: String, _ global: GlobalOptions) throws
    -> Recorded
  {
    let reasonText = try TextField.validateForLedger(reason, field: "reason", maxLength: 500)
    _ = try AppDatabase.validateID(lesson, field: "lesson", prefix: "L")
    return try write(global, now: try Environment.now()) {
      try LessonFlowOperation.resolve(lesson, release: release, reason: reasonText, in: $0)
    }
  }

  /// `refund` on the bureau's log: `RefundOperation`.
  static func refund(
    enrollment: String, hours: String?, reason: String, bankRef: String, _ global: GlobalOptions
  ) throws -> Recorded {
    let request = try AppDatabase.refundRequest(
      enrollment: enrollment, hours: hours, reason: reason, bankRef: bankRef)
    return try write(global, now: try Environment.now()) {
      try RefundOperation.run(
        enrollment: request.enrollment, hours: request.hours, reason: request.reason,
        bankRef: request.bankRef,
        in: $0)
    }
  }

  /// `import payments` (the other bank files run on the bureau's cache) on the bureau's log: one transaction holding the bureau's lock, one
  /// replay, `PaymentOperation` per row on the same state (the rules and sentences of `pay` and
  /// of a file's import), the entries written in bulk as they accumulate, one durable commit.
  /// All or nothing as on a file: a refused row rolls everything back unless `skipInvalid`.
  static func importFile(
    _ kind: ImportKind, records: some Sequence<CSVRecordReader.Record>, skipInvalid: Bool, errorLimit: Int,
    progress: ((Int) -> Void)?, _ global: GlobalOptions
  ) throws -> ImportSummary {
    let now = try Environment.now()
    var rows = try BankFileRows(kind, records: records)
    return try withLog(global) { log in
      try log.write(clock: now) { ledger in
        var summary = ImportSummary()
        summary.firstSeq = ledger.head.seq + 1
        try rows.importEach(
          into: &summary, skipInvalid: skipInvalid, errorLimit: errorLimit, progress: progress
        ) { record in
          do {
            return Recorded(
              try PaymentOperation.run(
                AppDatabase.paymentRequest(importing: record.fields, now: now), in: ledger))
          } catch  where !ledger.isCurrent {
            // Refused after it appended: the state is ahead of the log, and the batch cannot go on.
            throw EnvironmentFailure(
              "import_aborted", "line \(record.line): \(error); nothing was imported")
          }
        }
        summary.lastSeq = ledger.head.seq
        return (summary, summary.committed)
      }
    }
  }

  /// `balance` from the state the bureau's log replays to (on the replica --read-db names).
  static func balance(_ scope: BalanceScope, _ global: GlobalOptions, _ replica: ReplicaOptions) throws
    -> BalanceSummary
  {
    let regions = try Environment.reference().regions
    return try withLog(global, readDB: replica.readDB) { log in
      try log.read { try BalanceSummary($0.state, scope: scope, regions: regions) }
    }
  }

  /// Runs one operation (a registry write) on the bureau's log, its entries dated now.
  static func write(_ global: GlobalOptions, _ operation: (ReplayedLedger) throws -> Appended) throws
    -> Recorded
  {
    try write(global, now: try Environment.now(), operation)
  }

  /// Refuses `--key` with a file database: a file's key is beside it.
  static func refuseKeyOption(_ key: String?, _ global: GlobalOptions) throws {
    guard let key, !global.namesPostgres else { return }
    throw Rejection(
      "key_option_for_file",
      "--key \(Rejection.quote(key)) names the key file of a PostgreSQL store; a file's key is beside it (\(global.keyPath), or $JIANGUAN_KEY)"
    )
  }

  /// `parent register` and `student add` on the bureau's log: the personal data is sealed with
  /// the key in the file `key` names (default `jianguan-BUREAU.key`), never in the database.
  static func registerPerson(
    _ global: GlobalOptions, key: String?,
    _ operation: (ReplayedLedger, PersonalDataVault, RegionTable, CalendarDate) throws -> Recorded
  ) throws -> Recorded {
    let vault = try vault(key, global)
    let (regions, today, now) = (
      try Environment.reference().regions, try Environment.today(), try Environment.now()
    )
    return try withLog(global) { log in try log.write(clock: now) { try operation($0, vault, regions, today) }
    }
  }

  /// Runs one operation on the bureau's log, its entries dated `now`.
  private static func write(
    _ global: GlobalOptions, now: LocalDateTime, _ operation: (ReplayedLedger) throws -> Appended
  )
    throws -> Recorded
  {
    try withLog(global) { log in Recorded(try log.write(clock: now, operation)) }
  }

  /// Runs `body` on the bureau's log that --db names, or on its replica --read-db names.
  static func withLog<T>(_ global: GlobalOptions, readDB: String? = nil, _ body: (PostgresLog) throws -> T)
    throws -> T
  {
    let log = try PostgresLog.connect(try ReplicaOptions.readURL(global, readDB: readDB))
    defer { log.close() }
    try log.requireLog(field: readDB == nil ? "db" : "read_db")
    return try body(log)
  }

  /// The bureau's entries in seq order, as `ledger export` shows them.
  static func entries(_ global: GlobalOptions, _ replica: ReplicaOptions, _ each: (LedgerLine) throws -> Void)
    throws
  {
    try withLog(global, readDB: replica.readDB) { log in
      try log.forEachEntry {
        try each(LedgerLine(seq: $0.seq, kind: $0.kind, entryBytes: $0.bytes, hash: $0.hash))
      }
    }
  }

  /// `proof inclusion` on the bureau's stored tiles.
  static func inclusionProof(_ global: GlobalOptions, _ replica: ReplicaOptions, seq: Int64, size: Int64?)
    throws -> MerkleInclusionProof
  {
    try withLog(global, readDB: replica.readDB) { try $0.inclusionProof(seq: seq, size: size) }
  }

  /// `jianguan audit` on a PostgreSQL URL: the log-level audit, printed as the SQLite one is.
  static func audit(_ command: AuditCommand, against external: Checkpoint?) throws {
    let report = try withLog(command.global) { try $0.audit(against: external) }
    try AuditCommand.emit(command.global, report)
  }
}

/// `--read-db URL`: a report read from a streaming replica (a hot standby) of the bureau's
/// PostgreSQL store rather than from the primary --db names, so that reports do not load it. The
/// replica may lag behind the primary: it answers as of the last change it has replayed.
struct ReplicaOptions: ParsableArguments {
  @Option(
    name: .customLong("read-db"),
    help:
      "Read from this streaming replica of the --db PostgreSQL store: postgres://USER@HOST:PORT/DBNAME?bureau=REGION, the same bureau."
  )
  var readDB: String?

  /// Refuses --read-db beside a SQLite file, and a replica URL of another bureau.
  func check(_ global: GlobalOptions) throws {
    guard let readDB else { return }
    guard global.namesPostgres else {
      throw Rejection(
        "read_db_without_postgres",
        "read-db \(Rejection.quote(readDB)) names a replica of a PostgreSQL store, but --db is the SQLite file \(Rejection.quote(global.databasePath)); a file is read where it is"
      )
    }
    _ = try Self.readURL(global, readDB: readDB)
  }

  /// The URL a report reads: `readDB` (--read-db) when given, else --db.
  static func readURL(_ global: GlobalOptions, readDB: String?) throws -> PostgresURL {
    let primary = try PostgresURL.parse(global.databasePath)
    guard let readDB else { return primary }
    let replica = try PostgresURL.parse(readDB, field: "read_db")
    guard replica.bureau == primary.bureau else {
      throw Rejection(
        "read_db_other_bureau",
        "read-db \(Rejection.quote(readDB)) names bureau \(replica.bureau), not the bureau of db (\(primary.bureau)); a replica is read for the bureau it replicates"
      )
    }
    return replica
  }
}

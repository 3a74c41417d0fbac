import Foundation
import GRDB
import JianguanCrypto
import JianguanTestSupport
import Testing

/// Issue 8, small versions of the Tools/ scripts (docs/GUARANTEES.md): killed imports, writers at
/// once, a busy database, a full or read-only disk, hostile text, personal data, backups.
@Suite(.serialized) struct ReliabilityEndToEndTests {
  static let uscc = CLI.uscc(20)

  /// One institution with a class of 1,000 places, and `students` parents each with one child.
  func bureau(_ cli: CLI, students: Int) throws {
    let steps: [[String]] = [
      ["init", "--authority", "合肥市教育局", "--region", "340100"],
      [
        "institution", "register", "--uscc", Self.uscc, "--name", "启明体育", "--region", "340104", "--kind",
        "non-subject", "--category", "体育", "--license", "教民3401047000123号", "--license-expires", "2029-12-31",
        "--escrow-bank", "中国银行", "--escrow-account", "6217000012345678",
      ],
      ["venue", "add", "--institution", Self.uscc, "--address", "蜀山区长江西路1号", "--area-m2", "300"],
      ["teacher", "add", "--institution", Self.uscc, "--name", "王老师", "--certificate", "20203400123"],
      [
        "course", "add", "--institution", Self.uscc, "--name", "篮球", "--category", "体育", "--delivery",
        "offline", "--lesson-minutes", "60", "--hours", "40", "--price-per-hour", "100", "--class-size",
        "over35",
      ],
      [
        "class", "add", "--course", "C1", "--venue", "V1", "--teacher", "T1", "--capacity", "1000",
        "--starts",
        "2026-03-02", "--ends", "2026-05-15", "--schedule", "Sat 09:00-11:00,Sun 15:00-17:00",
      ],
    ]
    for step in steps {
      let result = try cli.run(step)
      try #require(result.status == 0, "\(step.prefix(2)): \(result.stderr)")
    }
    var parents = "name,id_number,phone\n"
    var children = "parent,name,id_number,grade\n"
    for n in 1...students {
      parents += "家长\(n),\(CLI.residentID(n, year: 1980)),139\(String(format: "%08d", n))\n"
      children += "P\(n),学生\(n),\(CLI.residentID(n, year: 2014)),5\n"
    }
    try write(parents, to: "parents.csv", cli)
    try write(children, to: "students.csv", cli)
    try #require(try cli.run(["import", "registry", "parents", "parents.csv"]).status == 0)
    try #require(try cli.run(["import", "registry", "students", "students.csv"]).status == 0)
  }

  func write(_ text: String, to name: String, _ cli: CLI) throws {
    try Data(text.utf8).write(to: cli.folder.appendingPathComponent(name))
  }

  func count(_ cli: CLI, _ sql: String) throws -> Int {
    Int(try cli.sqlite(sql).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  /// The number of entries of `kind` in the log (on either store), of those whose bank reference
  /// starts with `bankRef` when it is given.
  func count(_ cli: CLI, kind: String, bankRef: String? = nil) throws -> Int {
    try cli.exportedEntries().filter { object in
      guard object["kind"] as? String == kind else { return false }
      guard let bankRef else { return true }
      let payload = (object["entry"] as? [String: Any])?["payload"] as? [String: Any]
      return (payload?["bankRef"] as? String)?.hasPrefix(bankRef) == true
    }.count
  }

  @Test(arguments: TestStore.all)
  func aKilledImportLeavesNoneOrAllOfItsBatchAndTheRerunCompletesIt(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try bureau(cli, students: 600)
    let batch = 200
    for (round, delayMs) in [40, 150, 400].enumerated() {
      var rows = "bank_ref,student,class,hours,amount_yuan,paid_at\n"
      for n in 1...batch {
        rows +=
          "K\(round)-\(n),S\(round * batch + n),B1,10,999.\(String(format: "%02d", n % 100)),2026-02-20T10:00\n"
      }
      try write(rows, to: "batch\(round).csv", cli)
      let process = try cli.start(["import", "payments", "batch\(round).csv"])
      usleep(UInt32(delayMs * 1000))
      Glibc.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      #expect(try cli.run(["audit"]).status == 0, "audit after kill \(round + 1)")
      let present = try count(cli, kind: "payment", bankRef: "K\(round)-")
      #expect(present == 0 || present == batch, "kill \(round + 1): \(present) of \(batch)")
      #expect(try cli.run(["import", "payments", "batch\(round).csv"]).status == 0)
      #expect(try count(cli, kind: "payment", bankRef: "K\(round)-") == batch)
      #expect(try cli.run(["audit"]).status == 0)
    }
    #expect(try count(cli, kind: "payment") == 3 * batch)
  }

  @Test(arguments: TestStore.all)
  func fourWritersAtOnceLoseNothingAndApplyNothingTwice(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    let cycles = 13  // 4 requests each: 52 requests per writer
    try bureau(cli, students: 4 * cycles)
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: 4) { writer in
      for cycle in 0..<cycles {
        let student = "S\(writer * cycles + cycle + 1)"
        do {
          let pay = try cli.run([
            "--format", "json", "pay", "--student", student, "--class", "B1", "--hours", "10", "--amount",
            "999.9\(cycle % 10)", "--bank-ref", "W\(writer)-P\(cycle)", "--at", "2026-02-20T10:00",
          ])
          guard pay.status == 0, let enrollment = Self.id(pay.stdout) else {
            failures.add("pay \(student): \(pay.status) \(pay.stderr)")
            continue
          }
          let lesson = try cli.run([
            "--format", "json", "lesson", "record", "--enrollment", enrollment, "--hours", "2", "--taught-at",
            "2026-03-07T09:00",
          ])
          guard lesson.status == 0, let lessonID = Self.id(lesson.stdout) else {
            failures.add("lesson \(enrollment): \(lesson.stderr)")
            continue
          }
          let confirm = try cli.run(["lesson", "confirm", lessonID])
          let refund = try cli.run([
            "refund", "--enrollment", enrollment, "--hours", "2", "--reason", "时间冲突", "--bank-ref",
            "W\(writer)-R\(cycle)",
          ])
          if confirm.status != 0 || refund.status != 0 { failures.add("\(confirm.stderr) \(refund.stderr)") }
        } catch {
          failures.add("\(error)")
        }
      }
    }
    #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
    let total = 4 * cycles
    let entries = try cli.exportedEntries()
    for kind in ["payment", "contract.issued", "lesson.recorded", "lesson.released", "refund"] {
      #expect(entries.filter { $0["kind"] as? String == kind }.count == total, "\(kind)")
    }
    #expect(entries.map { $0["seq"] as? Int } == Array(1...entries.count), "seqs 1…n, none twice")
    // Each enrollment: A − 4·floor(A/10) left in escrow, exactly.
    for number in 1...total {
      let balance = try cli.run(["balance", "--enrollment", "E\(number)", "--format", "json"])
      let object = try JSONSerialization.jsonObject(with: Data(balance.stdout.utf8)) as? [String: Int]
      let paid = try #require(object?["paidFen"], "E\(number): \(balance.stderr)")
      #expect(object?["escrowFen"] == paid - 4 * (paid / 10), "E\(number)")
    }
    #expect(try cli.run(["audit"]).status == 0)
  }

  /// The write lock of the store, held by another connection until the returned closure
  /// releases it: SQLite's lock on the file (`BEGIN IMMEDIATE`), or in PostgreSQL the bureau's
  /// append lock (`pg_advisory_xact_lock(0x4A470017, REGION)`, docs/POSTGRES.md), taken by a psql
  /// session of its own.
  func holdWriteLock(_ cli: CLI, bureau: Int = 340100) throws -> () throws -> Void {
    guard let postgres = cli.postgres else {
      var configuration = Configuration()
      configuration.allowsUnsafeTransactions = true  // the lock is held across calls on purpose
      let holder = try DatabaseQueue(path: cli.databasePath, configuration: configuration)
      try holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
      return { try holder.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") } }
    }
    let lockClass = 0x4A47_0017
    let psql = ChildProcess()
    psql.executableURL = postgres.server.binaries.appendingPathComponent("psql")
    psql.arguments = [
      "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(postgres.server.port)", "-U",
      "postgres",
      "-d", postgres.database,
    ]
    let input = Pipe()
    psql.standardInput = input
    psql.standardOutput = FileHandle.nullDevice
    psql.standardError = FileHandle.nullDevice
    try psql.run()
    input.fileHandleForWriting.write(Data("SELECT pg_advisory_lock(\(lockClass), \(bureau));\n".utf8))
    // Advisory locks belong to a database, and the suites run at once on one server, where other
    // tests' writers take the same bureau's lock in their own databases: count this one's only.
    let held = """
      SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = \(lockClass) AND objid = \(bureau) \
      AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      """
    for _ in 0..<200 where try postgres.server.sql(postgres.database, held) != "1" { usleep(50_000) }
    try #require(try postgres.server.sql(postgres.database, held) == "1", "the psql session holds the lock")
    return {
      input.fileHandleForWriting.write(Data("SELECT pg_advisory_unlock_all();\n\\q\n".utf8))
      try input.fileHandleForWriting.close()
      psql.waitUntilExit()
    }
  }

  @Test(arguments: TestStore.all)
  func aWriterMeetingALockedDatabaseWaitsInsteadOfFailing(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try bureau(cli, students: 1)
    let release = try holdWriteLock(cli)
    let started = Date()
    let process = try cli.start([
      "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "BUSY-1",
      "--at", "2026-02-20T10:00",
    ])
    usleep(1_500_000)
    #expect(process.isRunning, "the writer should be waiting for the lock")
    try release()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(Date().timeIntervalSince(started) >= 1.5)
    #expect(try count(cli, kind: "payment", bankRef: "BUSY-1") == 1)
  }

  /// SQLite only: the disk that fills is the SQLite file's.
  @Test func aFullOrReadOnlyDiskFailsClearlyAndTheDatabaseStaysValid() throws {
    guard getuid() == 0 else {
      print("SKIPPED full-disk test: mounting a tmpfs needs root")
      return
    }
    let mount = FileManager.default.temporaryDirectory.appendingPathComponent("jianguan-tiny-\(UUID())")
    try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: mount) }
    let outside = FileManager.default.temporaryDirectory
    // Room for `init`'s WAL beside the file until its checkpoint (each migration writes the schema's
    // pages again there), and little more.
    let mounted = try CLI.run(
      "/bin/mount", ["-t", "tmpfs", "-o", "size=1300k", "tmpfs", mount.path], environment: [:], in: outside)
    guard mounted.status == 0 else {
      print("SKIPPED full-disk test: cannot mount a tmpfs here: \(mounted.stderr)")
      return
    }
    defer { _ = try? CLI.run("/bin/umount", [mount.path], environment: [:], in: outside) }
    var cli = try CLI()
    defer { cli.remove() }
    cli.environment["JIANGUAN_DB"] = mount.appendingPathComponent("bureau.sqlite").path
    try bureau(cli, students: 1)
    var full: CLI.Result?
    for batch in 0..<40 {
      var rows = "name,id_number,phone\n"
      // A birth year per batch (before the bureau's 1980): an ID's serial repeats every 1,000.
      for n in 1...300 { rows += "家长,\(CLI.residentID(n, year: 1940 + batch)),13900000000\n" }
      try write(rows, to: "p\(batch).csv", cli)
      let before = try count(cli, "SELECT COUNT(*) FROM ledger")
      let result = try cli.run(["import", "registry", "parents", "p\(batch).csv"])
      if result.status != 0 {
        #expect(try count(cli, "SELECT COUNT(*) FROM ledger") == before)
        full = result
        break
      }
    }
    let failure = try #require(full, "the disk never filled")
    #expect(
      failure.status == 2 && failure.stderr.contains("the disk is full"),
      "\(failure.status): \(failure.stderr)")
    #expect(try cli.run(["audit"]).status == 0)
    _ = try CLI.run("/bin/mount", ["-o", "remount,ro", mount.path], environment: [:], in: cli.folder)
    let readOnly = try cli.run([
      "teacher", "add", "--institution", Self.uscc, "--name", "李老师", "--certificate", "20203400124",
    ])
    _ = try CLI.run("/bin/mount", ["-o", "remount,rw", mount.path], environment: [:], in: cli.folder)
    #expect(readOnly.status == 2 && readOnly.stderr.contains("read-only"), "\(readOnly.stderr)")
    #expect(try cli.run(["audit"]).status == 0)
  }

  @Test(arguments: TestStore.all)
  func hostileTextIsStoredExactlyAndPrintedSafely(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try bureau(cli, students: 1)
    let hostile = "Robert'); DROP TABLE ledger;-- \"引号\" 🎓 \u{200F}مدرسة 路1号"
    let added = try cli.run([
      "venue", "add", "--institution", Self.uscc, "--address", hostile, "--area-m2", "50",
    ])
    #expect(added.status == 0, "\(added.stderr)")
    let venue = try cli.run(["venue", "show", "V2", "--format", "json"])
    let shownVenue = try JSONSerialization.jsonObject(with: Data(venue.stdout.utf8)) as? [String: Any]
    #expect(shownVenue?["address"] as? String == hostile, "\(venue.stdout)")
    let listed = try cli.run(["ledger", "list", "--from", "1", "--limit", "1000"])
    // Regression: the table measured cells before escaping them and crashed on a direction mark.
    #expect(listed.status == 0, "\(listed.stderr.prefix(300))")
    #expect(listed.stdout.contains("\\u{200f}") && !listed.stdout.contains("\u{200F}"))
    #expect(try cli.run(["audit"]).status == 0)
    let digest = cli.databaseDigest()
    for bad in ["铃\u{7}声", "反向\u{202E}文字", "换\n行"] {
      let refused = try cli.run([
        "venue", "add", "--institution", Self.uscc, "--address", bad, "--area-m2", "50",
      ])
      #expect(refused.status == 1 && refused.stderr.contains("address") && refused.stderr.contains("U+"))
      #expect(!refused.stderr.contains("\u{7}") && !refused.stderr.contains("\u{202E}"))
    }
    let long = String(repeating: "长", count: 201)
    #expect(
      try cli.run(["venue", "add", "--institution", Self.uscc, "--address", long, "--area-m2", "5"]).status
        == 1)
    #expect(cli.databaseDigest() == digest)
  }

  @Test(arguments: TestStore.all)
  func personalDataIsSealedTheKeyIsApartAndErasureKeepsTheAudit(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try bureau(cli, students: 1)
    let idNumber = CLI.residentID(1, year: 1980)
    let key = cli.keyPath
    let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? NSNumber
    #expect(mode?.intValue == 0o600)
    let secrets = [idNumber, "家长1", "13900000001", CLI.residentID(1, year: 2014)]
    if let postgres = cli.postgres {
      // Text columns as they are, BYTEA columns (entries, sealed records) in hex.
      let rows = try postgres.server.contentText(postgres.database)
      for secret in secrets {
        #expect(!rows.contains(secret) && !rows.contains(Hex.encode(Array(secret.utf8))), "\(secret) stored")
      }
    }
    // The SQLite file: the database, or PostgreSQL's cache of the bureau's tables.
    #expect(FileManager.default.fileExists(atPath: cli.sqliteFile))
    for suffix in ["", "-wal"] {
      let bytes = (try? Data(contentsOf: URL(fileURLWithPath: cli.sqliteFile + suffix))) ?? Data()
      for secret in secrets {
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(cli.sqliteFile)\(suffix)")
      }
    }
    #expect(try cli.run(["parent", "show", "P1"]).stdout.contains("家长1"))
    // Without the key file: the ledger still verifies; the personal data cannot be read.
    try FileManager.default.moveItem(atPath: key, toPath: key + ".away")
    #expect(try cli.run(["audit"]).status == 0)
    #expect(try cli.run(["parent", "show", "P1"]).stdout.contains("(key file missing)"))
    try FileManager.default.moveItem(atPath: key + ".away", toPath: key)
    // Without a reason or the confirmation flag: one sentence, exit 1, nothing written.
    let unconfirmed = try cli.run(["parent", "erase", "P1", "--reason", "家长申请删除"])
    #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("--yes-erase"))
    let unexplained = try cli.run(["parent", "erase", "P1", "--yes-erase"])
    #expect(unexplained.status == 1 && unexplained.stderr.contains("reason"))
    for refused in [unconfirmed, unexplained] {
      #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stdout.isEmpty)
    }
    #expect(try count(cli, kind: "parent.erased") == 0)
    let erased = try cli.run(["parent", "erase", "P1", "--reason", "家长申请删除", "--yes-erase"])
    #expect(erased.status == 0, "\(erased.stderr)")
    let shown = try cli.run(["parent", "show", "P1"]).stdout
    #expect(shown.contains("(erased)") && !shown.contains("家长1") && !shown.contains("学生1"))
    #expect(try cli.run(["audit"]).status == 0)
    #expect(try cli.run(["parent", "erase", "P1", "--reason", "再次", "--yes-erase"]).status == 1)
    #expect(try count(cli, kind: "parent.erased") == 1)
  }

  /// SQLite only: `backup` and `restore` copy SQLite files, and the copy is tampered with sqlite3.
  @Test func aBackupTakenWhileWritersRunVerifiesAndRestoreRefusesABadCopy() throws {
    let cli = try CLI()
    defer { cli.remove() }
    try bureau(cli, students: 30)
    let writer = DispatchQueue(label: "writer")
    let group = DispatchGroup()
    writer.async(group: group) {
      for n in 1...30 {
        _ = try? cli.run([
          "pay", "--student", "S\(n)", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref",
          "BK-\(n)", "--at", "2026-02-20T10:00",
        ])
      }
    }
    usleep(200_000)
    let backup = try cli.run(["--format", "json", "backup", "--to", "copy.sqlite"])
    group.wait()
    #expect(backup.status == 0, "\(backup.stderr)")
    #expect(backup.stdout.contains("\"audit\":\"ok\"") && backup.stdout.contains("\"keyFileCopied\":false"))
    #expect(try cli.run(["backup", "--to", "copy.sqlite"]).status == 1)
    let restored = try cli.run(["--db", "restored.sqlite", "restore", "--from", "copy.sqlite"])
    #expect(restored.status == 0, "\(restored.stderr)")
    #expect(try cli.run(["--db", "restored.sqlite", "audit"]).status == 0)
    #expect(try cli.run(["restore", "--from", "copy.sqlite"]).status == 1)
    let copy = cli.folder.appendingPathComponent("copy.sqlite").path
    _ = try CLI.run(
      "/usr/bin/sqlite3",
      [
        copy,
        "DROP TRIGGER ledger_no_update; UPDATE ledger SET entry = CAST(replace(entry, '合肥市', '某市') AS BLOB) WHERE seq = 1",
      ],
      environment: cli.environment, in: cli.folder)
    let refused = try cli.run(["--db", "other.sqlite", "restore", "--from", "copy.sqlite"])
    #expect(refused.status == 3 && refused.stderr.contains("restore refused"))
    #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("other.sqlite").path))
  }

  static func id(_ json: String) -> String? {
    guard let data = json.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return object["id"] as? String
  }
}

/// Failures collected from several threads.
final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ item: String) {
    lock.lock()
    items.append(item)
    lock.unlock()
  }
  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return items
  }
}

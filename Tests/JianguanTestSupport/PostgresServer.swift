import Foundation

#if canImport(Testing)
  import Testing

  extension PostgresServer {
    /// `skipText` as a trait's comment.
    public static var skipReason: Comment { Comment(rawValue: skipText) }
  }
#endif

/// A PostgreSQL 15 server of the tests' own: `initdb` into a temporary folder, started on a free
/// loopback port with its socket in that folder and fsync on, stopped (`pg_ctl stop -m fast`) and
/// removed when the test process exits. Started once per test process: `initdb` takes seconds.
/// `initdb` refuses to run as root, so as root the server runs as the `postgres` system user
/// (the folder is handed to it); as anyone else, as that user.
public final class PostgresServer: Sendable {
  public let binaries: URL
  public let folder: URL
  public let port: Int
  /// `runuser -u postgres --` when the tests run as root, else nothing.
  public let asServerUser: [String]

  /// The server, or why there is none (the tests that need it are skipped with that reason).
  public static let shared: Result<PostgresServer, PostgresUnavailable> = {
    do {
      let server = try PostgresServer.start()
      atexit { PostgresServer.stopShared() }
      return .success(server)
    } catch let reason as PostgresUnavailable {
      return .failure(reason)
    } catch {
      return .failure(PostgresUnavailable(reason: "PostgreSQL did not start: \(error)"))
    }
  }()

  public static var available: Bool { (try? shared.get()) != nil }

  /// Why the tests are skipped, told without starting the server (traits are built at discovery).
  public static var skipText: String {
    findBinaries() == nil
      ? "PostgreSQL 15 is not installed (initdb, pg_ctl, postgres, psql): apt-get install postgresql-15 (.ci/run does)"
      : "PostgreSQL 15 is installed but did not start: see the test serverStartsWhereInstalled"
  }

  public static func server() throws -> PostgresServer { try shared.get() }

  private init(binaries: URL, folder: URL, port: Int, asServerUser: [String]) {
    self.binaries = binaries
    self.folder = folder
    self.port = port
    self.asServerUser = asServerUser
  }

  /// Where `initdb`, `pg_ctl` and `psql` are: PostgreSQL 15's folder, else the PATH.
  public static func findBinaries() -> URL? {
    var folders = ["/usr/lib/postgresql/15/bin"]
    folders += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
    let manager = FileManager.default
    return folders.map { URL(fileURLWithPath: $0) }.first { folder in
      ["initdb", "pg_ctl", "postgres", "psql"].allSatisfy {
        manager.isExecutableFile(atPath: folder.appendingPathComponent($0).path)
      }
    }
  }

  private static func start() throws -> PostgresServer {
    guard let binaries = findBinaries() else {
      throw PostgresUnavailable(
        reason:
          "PostgreSQL 15 is not installed (initdb, pg_ctl, postgres, psql): apt-get install postgresql-15 (.ci/run does)"
      )
    }
    // /tmp rather than $TMPDIR: the postgres user must reach the folder, and the socket's path
    // must stay under the 107 bytes a unix socket address holds.
    let base =
      FileManager.default.fileExists(atPath: "/tmp")
      ? URL(fileURLWithPath: "/tmp") : FileManager.default.temporaryDirectory
    let folder = base.appendingPathComponent("jianguan-pg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var asServerUser: [String] = []
    if getuid() == 0 {
      guard let account = getpwnam("postgres") else {
        throw PostgresUnavailable(
          reason: "running as root, but there is no postgres system user to run PostgreSQL as")
      }
      guard chown(folder.path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
        throw PostgresUnavailable(reason: "the folder \(folder.path) cannot be handed to the postgres user")
      }
      asServerUser = ["/usr/sbin/runuser", "-u", "postgres", "--"]
    }
    let data = folder.appendingPathComponent("data").path
    let port = try freePort()
    let server = PostgresServer(binaries: binaries, folder: folder, port: port, asServerUser: asServerUser)
    try server.runTool(
      "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
      asServerUser: true)
    try server.runTool(
      "pg_ctl",
      [
        "-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60", "-o",
        "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on",
        "start",
      ], asServerUser: true)
    return server
  }

  public static func stopShared() {
    guard case .success(let server) = shared else { return }
    try? server.runTool(
      "pg_ctl", ["-D", server.folder.appendingPathComponent("data").path, "-m", "fast", "-w", "stop"],
      asServerUser: true)
    try? FileManager.default.removeItem(at: server.folder)
  }

  /// A port on 127.0.0.1 that nothing listens on now.
  private static func freePort() throws -> Int {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketDescriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socketDescriptor, $0, length) == 0 && getsockname(socketDescriptor, $0, &length) == 0
      }
    }
    guard bound else { throw PostgresUnavailable(reason: "no free loopback port for PostgreSQL") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Runs one of the server's programs and waits; a failure throws with what it printed. Its
  /// output goes to a file, not a pipe: the server that `pg_ctl start` leaves running would hold a
  /// pipe open after `pg_ctl` exits.
  @discardableResult
  public func runTool(_ name: String, _ arguments: [String], asServerUser: Bool = false) throws -> String {
    let command =
      (asServerUser ? self.asServerUser : []) + [binaries.appendingPathComponent(name).path] + arguments
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-pg-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardInput = nil
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    process.standardOutput = handle
    process.standardError = handle
    do { try process.run() } catch { throw PostgresUnavailable(reason: "\(error)") }
    process.waitUntilExit()
    let text = String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self)
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      throw PostgresUnavailable(reason: "\(name) failed (status \(process.terminationStatus)): \(text)")
    }
    return text
  }

  /// A new, empty database for one test.
  public func createDatabase() throws -> String {
    let name = "jianguan_\(UUID().uuidString.prefix(8).lowercased())"
    try sql("postgres", "CREATE DATABASE \(name)")
    return name
  }

  /// Drops a test's database, its connections closed first: what the server would otherwise
  /// write back at its shutdown, at the end of the test process, one database after another.
  public func dropDatabase(_ name: String) throws {
    try sql("postgres", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
  }

  /// The URL of `bureau` in `database`.
  public func url(_ database: String, bureau: String) -> String {
    "postgres://postgres@127.0.0.1:\(port)/\(database)?bureau=\(bureau)"
  }

  /// Runs SQL with psql and returns its rows, unaligned, `|` between columns (on this server, or
  /// on the server at `port`: a standby).
  @discardableResult
  public func sql(_ database: String, _ statement: String, port: Int? = nil) throws -> String {
    try runTool(
      "psql",
      [
        "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port ?? self.port)", "-U",
        "postgres", "-d", database, "-c", statement,
      ]
    ).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// A hot standby of this server: `pg_basebackup -R` (streaming replication from this server)
  /// into a folder beside its data, started on another free loopback port. `stop()` ends it.
  public struct Standby {
    public let server: PostgresServer
    public let data: String
    public let port: Int

    public func url(_ database: String, bureau: String) -> String {
      "postgres://postgres@127.0.0.1:\(port)/\(database)?bureau=\(bureau)"
    }

    public func sql(_ database: String, _ statement: String) throws -> String {
      try server.sql(database, statement, port: port)
    }

    /// Waits until the standby has replayed everything the primary has written so far.
    public func catchUp() throws {
      let lsn = try server.sql("postgres", "SELECT pg_current_wal_lsn()")
      for _ in 0..<600 {
        if try sql("postgres", "SELECT pg_last_wal_replay_lsn() >= '\(lsn)'::pg_lsn") == "t" { return }
        usleep(100_000)
      }
      throw PostgresUnavailable(reason: "the standby did not replay the primary's WAL up to \(lsn) in 60 s")
    }

    public func stop() {
      try? server.runTool("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], asServerUser: true)
      try? FileManager.default.removeItem(atPath: data)
    }
  }

  public func startStandby() throws -> Standby {
    let data = folder.appendingPathComponent("standby-\(UUID().uuidString.prefix(8))").path
    try runTool(
      "pg_basebackup",
      ["-D", data, "-R", "-X", "stream", "-c", "fast", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres"],
      asServerUser: true)
    let standby = Standby(server: self, data: data, port: try Self.freePort())
    try runTool(
      "pg_ctl",
      [
        "-D", data, "-l", data + ".log", "-w", "-t", "60", "-o",
        "-p \(standby.port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c hot_standby=on", "start",
      ], asServerUser: true)
    return standby
  }

  /// A digest of every row of every table of the `jianguan` schema (the tables found in the
  /// catalog, so that a table added later is counted too): equal before and after a refused
  /// command when it wrote nothing.
  public func contentDigest(_ database: String) throws -> String {
    let tables = try sql(
      database,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'jianguan' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).split(separator: "\n").map(String.init)
    guard !tables.isEmpty else { return "no jianguan schema" }
    let digests = tables.map { table in
      "(SELECT '\(table) ' || count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM jianguan.\"\(table)\" t)"
    }
    return try sql(database, "SELECT concat_ws(' ', \(digests.joined(separator: ", ")))")
  }
}

extension PostgresServer {
  /// Every row of every table of the `jianguan` schema as PostgreSQL prints it (a BYTEA as
  /// `\\x` and hex digits): what a test searches for data that must not be stored in the clear.
  public func contentText(_ database: String) throws -> String {
    let tables = try sql(
      database,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'jianguan' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).split(separator: "\n")
    return try tables.map { try sql(database, "SELECT t::text FROM jianguan.\"\($0)\" t") }.joined(
      separator: "\n")
  }
}

/// Why the PostgreSQL tests cannot run here.
public struct PostgresUnavailable: Error, CustomStringConvertible {
  public let reason: String
  public init(reason: String) { self.reason = reason }
  public var description: String { reason }
}

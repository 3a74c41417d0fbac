import Foundation
import JianguanCore
import JianguanStore
import Logging
import PostgresNIO

/// The database or the connection failed (not the request): the command ends with status 2.
public struct PostgresStoreError: StoreFailure, CustomStringConvertible {
  public let code: String
  public let message: String
  public var description: String { message }

  init(_ code: String, _ message: String) {
    self.code = code
    self.message = message
  }

  /// A PostgresNIO error in one sentence: the server's own message when it sent one.
  init(_ error: any Error, url: PostgresURL) {
    let place = "PostgreSQL at \(url.host):\(url.port)/\(url.database)"
    guard let error = error as? PSQLError else {
      self.init("postgres_failure", "\(place): \(error)")
      return
    }
    if let message = error.serverInfo?[.message] {
      let state = error.serverInfo?[.sqlState] ?? ""
      self.init("postgres_\(state.isEmpty ? "server" : state)", "\(place) refused: \(message)")
    } else if error.code == .connectionError {
      self.init(
        "postgres_unreachable",
        "\(place) cannot be reached: no server answered there (is PostgreSQL running, on that host and port?)"
      )
    } else {
      self.init("postgres_failure", "\(place): \(error.code)")
    }
  }

  /// The SQLSTATE of a server error, if it is one.
  static func sqlState(_ error: any Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
  }
}

/// One connection to the database, used synchronously: the CLI is a synchronous program, and the
/// Merkle code reads tiles through a synchronous protocol. Every call blocks its thread (never an
/// event loop's) until PostgreSQL answers.
public final class PostgresSession: @unchecked Sendable {
  public let url: PostgresURL
  let connection: PostgresConnection
  let logger = Logger(label: "jianguan.postgres")

  private init(url: PostgresURL, connection: PostgresConnection) {
    self.url = url
    self.connection = connection
  }

  /// Connects to the database `url` names, with durable commits (`synchronous_commit = on`).
  public static func connect(_ url: PostgresURL) throws -> PostgresSession {
    var configuration = PostgresConnection.Configuration(
      host: url.host, port: url.port, username: url.user,
      password: ProcessInfo.processInfo.environment["PGPASSWORD"], database: url.database, tls: .disable)
    configuration.options.connectTimeout = .seconds(10)
    let logger = Logger(label: "jianguan.postgres")
    do {
      let connection = try PostgresConnection.connect(
        on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: 1,
        logger: logger
      ).wait()
      let session = PostgresSession(url: url, connection: connection)
      try session.execute("SET synchronous_commit = on")
      return session
    } catch let error as PostgresStoreError {
      throw error
    } catch {
      throw PostgresStoreError(error, url: url)
    }
  }

  /// Every row of `query`, once every statement sent before it has succeeded.
  @discardableResult
  func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
    let answer = self.answer(query)
    try drain()
    return try wait(answer)
  }

  /// Statements sent and not waited for (`send`), oldest first.
  private var inFlight: [EventLoopFuture<[PostgresRow]>] = []

  /// Sends `query` without waiting for it: the connection runs statements in the order they are
  /// sent, so the program goes on computing while PostgreSQL works. Its failure is thrown by
  /// the next statement waited for, or by `drain()`; a transaction commits only after it.
  func send(_ query: PostgresQuery) {
    inFlight.append(answer(query))
  }

  /// Waits for every statement sent; throws the first failure.
  func drain() throws {
    let sent = inFlight
    inFlight = []
    for future in sent { _ = try wait(future) }
  }

  /// The rows `query` will answer (after every statement sent before it).
  func answer(_ query: PostgresQuery) -> EventLoopFuture<[PostgresRow]> {
    let answer = connection.eventLoop.makePromise(of: [PostgresRow].self)
    connection.query(query, logger: logger).map { $0.rows }.cascade(to: answer)
    // A connection the server dropped (killed, restarted, the backend terminated) fails the
    // statement at once: PostgresNIO can leave a statement sent after the drop waiting forever.
    // Whichever completes the answer first wins; the other is ignored.
    let place = "PostgreSQL at \(url.host):\(url.port)/\(url.database)"
    connection.closeFuture.whenComplete { _ in
      answer.fail(
        PostgresStoreError(
          "postgres_connection_lost",
          "\(place) closed the connection before it answered (was the server stopped or restarted?); what the command was writing is in the log whole or not at all: run it again once the server is back (a payment or bank file already recorded is recognized as such)"
        ))
    }
    return answer.futureResult
  }

  /// The rows of a statement `answer` sent.
  func wait(_ answer: EventLoopFuture<[PostgresRow]>) throws -> [PostgresRow] {
    do {
      return try answer.wait()
    } catch let error as PostgresStoreError {
      throw error
    } catch {
      throw PostgresStoreError(error, url: url)
    }
  }

  /// Runs a statement without parameters.
  func execute(_ sql: String) throws {
    try rows(PostgresQuery(unsafeSQL: sql))
  }

  /// Whether a transaction is open: one inside another joins it.
  private var inTransaction = false

  /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try inside("BEGIN", body)
  }

  /// Runs `body` on one snapshot of the database, read only: every query in it sees the same
  /// state, whatever other bureaus' or this bureau's writers commit meanwhile.
  public func snapshot<T>(_ body: () throws -> T) throws -> T {
    try inside("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
  }

  private func inside<T>(_ begin: String, _ body: () throws -> T) throws -> T {
    if inTransaction { return try body() }
    try beginOpen(begin)
    let result: T
    do { result = try body() } catch {
      rollbackOpen()
      throw error
    }
    try commitOpen()
    return result
  }

  /// Opens a transaction that `commitOpen` or `rollbackOpen` ends: one that spans another
  /// store's (`PostgresCache`), so it cannot be a closure of this one.
  func beginOpen(_ begin: String = "BEGIN") throws {
    guard !inTransaction else {
      throw PostgresStoreError(
        "transaction_open", "a PostgreSQL transaction is already open on this connection")
    }
    try execute(begin)
    inTransaction = true
  }

  /// Commits the transaction `beginOpen` opened; rolls it back if a statement of it failed.
  func commitOpen() throws {
    defer { inTransaction = false }
    do { try drain() } catch {
      inFlight = []
      try? execute("ROLLBACK")
      throw error
    }
    try execute("COMMIT")
  }

  /// Rolls back the transaction `beginOpen` opened, if one is open.
  func rollbackOpen() {
    guard inTransaction else { return }
    inFlight = []
    try? execute("ROLLBACK")
    inTransaction = false
  }

  /// Whether the server closed the connection (stopped, restarted, the backend terminated).
  var isClosed: Bool { connection.isClosed }

  public func close() {
    try? connection.close().wait()
  }
}

extension ByteBuffer {
  /// A BYTEA column's bytes.
  var bytes: [UInt8] { Array(readableBytesView) }
}

extension Array where Element == UInt8 {
  /// The bytes as a BYTEA parameter.
  var buffer: ByteBuffer { ByteBuffer(bytes: self) }
}

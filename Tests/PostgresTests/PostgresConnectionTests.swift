import Foundation
import JianguanTestSupport
import Testing

@testable import JianguanPostgres

/// A connection the server dropped (the server killed or restarted, the backend terminated):
/// the next statement fails at once in one sentence, never waits for an answer that cannot come.
@Suite("a dropped connection", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresConnectionTests {
  @Test(.timeLimit(.minutes(1))) func aStatementOnADroppedConnectionFailsAtOnce() throws {
    let server = try PostgresServer.server()
    let (log, _) = try PostgresLogTests.newLog(server, database: try server.createDatabase())
    defer { log.close() }
    let backend = try #require(try log.session.rows("SELECT pg_backend_pid()").first?.decode(Int32.self))
    #expect(try server.sql("postgres", "SELECT pg_terminate_backend(\(backend), 10000)") == "t")
    let error = #expect(throws: PostgresStoreError.self) { try log.size() }
    #expect(error?.code == "postgres_connection_lost", "\(String(describing: error))")
  }
}

import Foundation
import JianguanTestSupport
import Testing

/// Reports read from a streaming replica (`--read-db`): a second PostgreSQL started as a hot
/// standby of the first answers them, as of what it has replayed, and agrees with the primary
/// once it has caught up.
@Suite("reports from a streaming replica", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresReplicaTests {
  @Test func reportsOnAHotStandbyAgreeWithThePrimaryOnceItHasCaughtUp() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url, database) = try bureau.copiedClassBureau(on: server)
    let standby = try server.startStandby()
    defer { standby.stop() }
    #expect(try standby.sql("postgres", "SELECT pg_is_in_recovery()") == "t")
    let replica = standby.url(database, bureau: "340100")
    let pay = [
      "pay", "--class", "B1", "--hours", "10", "--amount", "1000", "--at", AcrossStoresRequest.paidAt,
    ]
    // Written on the primary after the standby was made: streamed to it.
    try bureau.ok(pay + ["--student", "S1", "--bank-ref", "REPLICA-1", "--db", url])
    try bureau.ok([
      "lesson", "record", "--db", url, "--enrollment", "E1", "--hours", "3", "--taught-at",
      "2026-03-07T09:00",
    ])
    let signing = bureau.path("signing.key")
    try bureau.ok(["key", "generate", "--name", "jianguan.340100.example/ledger", "--out", signing])
    try bureau.ok(["checkpoint", "sign", "--db", url, "--key", signing])
    try standby.catchUp()
    let reads = [
      ["balance", "--all"], ["balance", "--enrollment", "E1"], ["ledger", "export"],
      ["proof", "inclusion", "7"], ["proof", "consistency", "5", "9"], ["checkpoint", "list"],
    ]
    for read in reads {
      let primary = try bureau.ok(read + ["--db", url]).stdout
      #expect(try bureau.ok(read + ["--db", url, "--read-db", replica]).stdout == primary, "\(read)")
    }

    // The report is read on the replica, not the primary: with its replay paused, it answers
    // as of before the next payment until it has replayed it.
    _ = try standby.sql("postgres", "SELECT pg_wal_replay_pause()")
    let before = try bureau.ok(["balance", "--all", "--db", url]).stdout
    try bureau.ok(pay + ["--student", "S2", "--bank-ref", "REPLICA-2", "--db", url])
    let after = try bureau.ok(["balance", "--all", "--db", url]).stdout
    #expect(before != after)
    #expect(try bureau.ok(["balance", "--all", "--db", url, "--read-db", replica]).stdout == before)
    _ = try standby.sql("postgres", "SELECT pg_wal_replay_resume()")
    try standby.catchUp()
    #expect(try bureau.ok(["balance", "--all", "--db", url, "--read-db", replica]).stdout == after)

    // A replica takes no writes; --read-db names a replica of the same bureau of a URL.
    let write = try bureau.run(pay + ["--student", "S1", "--bank-ref", "REPLICA-3", "--db", replica])
    #expect(write.status == 2 && write.stderr.contains("read-only"), "\(write.stderr)")
    for (arguments, code) in [
      (
        ["balance", "--all", "--db", url, "--read-db", standby.url(database, bureau: "340104")],
        "read_db_other_bureau"
      ),
      (["ledger", "export", "--db", file, "--read-db", replica], "read_db_without_postgres"),
      (["balance", "--all", "--db", url, "--read-db", "postgres://x"], "postgres_url_"),
    ] {
      let result = try bureau.run(arguments + ["--format", "json"])
      #expect(result.status == 1 && result.stdout.contains("\"\(code)"), "\(arguments): \(result.stdout)")
    }
  }
}

import Foundation
import JianguanTestSupport
import Testing

/// The end-to-end suites run on every store of `TestStore.all`; this says in one line why the
/// PostgreSQL cases are absent where they are, and checks that the CLI's PostgreSQL store is its
/// own database, seen by `databaseDigest` row for row.
@Suite struct TestStoreTests {
  @Test(.enabled(if: PostgresServer.findBinaries() != nil, PostgresServer.skipReason))
  func theEndToEndSuiteRunsOnPostgreSQL() throws {
    if case .failure(let unavailable) = PostgresServer.shared { Issue.record("\(unavailable)") }
    let cli = try CLI(store: .postgres)
    defer { cli.remove() }
    #expect(cli.databasePath.hasPrefix("postgres://") && cli.databasePath.hasSuffix("?bureau=340100"))
    #expect(!cli.storeExists)
    let empty = cli.databaseDigest()
    let created = try cli.run(["init", "--authority", "合肥市教育局", "--region", "340100"])
    #expect(created.status == 0, "\(created.stderr)")
    #expect(cli.storeExists && FileManager.default.fileExists(atPath: cli.keyPath))
    let initialized = cli.databaseDigest()
    #expect(initialized != empty)
    #expect(cli.databaseDigest() == initialized, "a digest is a function of the rows")
    let registered = try cli.run([
      "parent", "register", "--name", "张三", "--id-number", CLI.residentID(1, year: 1980), "--phone",
      "13800138000",
    ])
    #expect(registered.status == 0, "\(registered.stderr)")
    #expect(cli.databaseDigest() != initialized, "one more entry changes the digest")
    #expect(try cli.entryKinds().last == "parent.registered")
    // Another CLI is another database: it sees nothing of this one.
    let other = try CLI(store: .postgres)
    defer { other.remove() }
    #expect(other.databasePath != cli.databasePath && !other.storeExists)
  }
}

import Foundation
import Testing

/// The store a test runs on: a SQLite file, or a bureau in a database of the tests' own
/// PostgreSQL server (`PostgresServer`). The end-to-end suites take it as their argument
/// (`@Test(arguments: TestStore.all)`), so that one suite runs on both stores.
public enum TestStore: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case sqlite
  case postgres

  /// Both stores where PostgreSQL 15 is installed, else SQLite alone (the test
  /// `theEndToEndSuiteRunsOnPostgreSQL` is then skipped with `PostgresServer.skipReason`). Decided
  /// without starting the server: arguments are built when the tests are discovered.
  /// `JIANGUAN_TEST_STORES=sqlite` (or `postgres`) runs the suites on that store alone.
  public static let all: [TestStore] = {
    let installed: [TestStore] = PostgresServer.findBinaries() != nil ? [.sqlite, .postgres] : [.sqlite]
    guard let chosen = ProcessInfo.processInfo.environment["JIANGUAN_TEST_STORES"] else { return installed }
    let names = chosen.split(separator: ",").map(String.init)
    return installed.filter { names.contains($0.rawValue) }
  }()

  public var testDescription: String { rawValue }
}

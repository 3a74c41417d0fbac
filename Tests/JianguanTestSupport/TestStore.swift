import Foundation

#if canImport(Testing)
  import Testing
#endif

/// The store a test runs on: a SQLite file, or a bureau in a database of the tests' own
/// PostgreSQL server (`PostgresServer`). The end-to-end suites take it as their argument
/// (`@Test(arguments: TestStore.all)`), so that one suite runs on both stores.
public enum TestStore: String, CaseIterable, Sendable {
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
}

// A release build of every target (`swift build -c release`, as the README shows) has no Testing
// module: the support library builds without it there.
#if canImport(Testing)
  extension TestStore: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
  }
#endif

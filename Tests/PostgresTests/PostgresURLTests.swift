import JianguanCore
import JianguanPostgres
import JianguanTestSupport
import Testing

@Suite("postgres:// URLs")
struct PostgresURLTests {
  @Test func parsesEveryPart() throws {
    let url = try PostgresURL.parse("postgres://jianguan@db.example:5433/province?bureau=340104")
    #expect(
      [url.user, url.host, "\(url.port)", url.database, url.bureau] == [
        "jianguan", "db.example", "5433", "province", "340104",
      ])
    #expect(url.description == "postgres://jianguan@db.example:5433/province?bureau=340104")
    #expect(try PostgresURL.parse("postgresql://u@127.0.0.1:1/d?bureau=110000").host == "127.0.0.1")
  }

  /// Each wrong part is refused by a code and a sentence that name it.
  @Test(arguments: [
    ("mysql://u@h:1/d?bureau=340104", "scheme"),
    ("postgres://h:1/d?bureau=340104", "user"),
    ("postgres://u:secret@h:1/d?bureau=340104", "user"),
    ("postgres://u@:1/d?bureau=340104", "host"),
    ("postgres://u@h/d?bureau=340104", "port"),
    ("postgres://u@h:0/d?bureau=340104", "port"),
    ("postgres://u@h:65536/d?bureau=340104", "port"),
    ("postgres://u@h:1x/d?bureau=340104", "port"),
    ("postgres://u@h:1?bureau=340104", "database"),
    ("postgres://u@h:1/?bureau=340104", "database"),
    ("postgres://u@h:1/d", "bureau"),
    ("postgres://u@h:1/d?", "bureau"),
    ("postgres://u@h:1/d?region=340104", "bureau"),
    ("postgres://u@h:1/d?bureau=34010", "bureau"),
    ("postgres://u@h:1/d?bureau=3401040", "bureau"),
    ("postgres://u@h:1/d?bureau=34010x", "bureau"),
    ("postgres://u@h:1/d?bureau=340104&x=1", "bureau"),
  ])
  func refusesAWrongPart(_ text: String, _ part: String) {
    #expect {
      try PostgresURL.parse(text, field: "to")
    } throws: { error in
      guard let rejection = error as? Rejection else { return false }
      return rejection.code == "postgres_url_\(part)" && rejection.message.hasPrefix("to ")
        && rejection.message.contains(
          part == "scheme" ? "postgres://" : part == "database" ? "database" : part)
    }
  }

  /// Property: any text either parses into a URL that prints back as itself, or is refused with
  /// a rejection of the URL's codes; never a crash.
  @Test func randomTextParsesOrIsRefused() {
    var random = SeededGenerator(seed: 17)
    let pieces = [
      "postgres://", "u", "@", "h", ":", "5432", "/", "d", "?", "bureau=", "340104", "x", "", "0", "%",
    ]
    for _ in 0..<2000 {
      let text = (0..<Int.random(in: 1...10, using: &random)).map { _ in pieces.randomElement(using: &random)!
      }
      .joined()
      do {
        let url = try PostgresURL.parse(text)
        #expect(try PostgresURL.parse(url.description) == url)
      } catch let rejection as Rejection {
        #expect(rejection.code.hasPrefix("postgres_url_"), "\(text)")
      } catch {
        Issue.record("\(text): \(error)")
      }
    }
  }
}

@Suite("the tests' PostgreSQL server")
struct PostgresServerTests {
  /// Where PostgreSQL is installed, the server starts (else every PostgreSQL test would be
  /// skipped in silence) and answers on its loopback port.
  @Test(.enabled(if: PostgresServer.findBinaries() != nil, "PostgreSQL 15 is not installed"))
  func serverStartsWhereInstalled() throws {
    if case .failure(let unavailable) = PostgresServer.shared { Issue.record("\(unavailable)") }
    let server = try PostgresServer.server()
    #expect(try server.sql("postgres", "SHOW fsync") == "on")
    #expect(try Int(server.sql("postgres", "SHOW server_version_num")) ?? 0 >= 150000)
  }
}

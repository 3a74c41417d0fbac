import Foundation
import Testing

/// The registry's writes on a postgres:// URL go through the same `RegistryOperation` as on a
/// file: after `init`, an institution with its venue, teacher, course and class registered on
/// both stores gives the same entries, byte for byte, and the same refusals.
@Suite("registry on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresRegistryTests {
  @Test func theRegistryWritesGiveTheSameEntriesAndRefusalsOnBothStores() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let county = ["--authority", "合肥市蜀山区教育体育局", "--region", "340104"]
    let file = bureau.path("county.sqlite")
    try bureau.ok(["init", "--db", file] + county)
    let url = server.url(try server.createDatabase(), bureau: "340104")
    try bureau.ok(["init", "--db", url] + county)

    let uscc = "52340104MJ4300001F"
    let steps: [[String]] = [
      [
        "institution", "register", "--uscc", uscc, "--name", "蜀山体育培训中心", "--region", "340104", "--kind",
        "non-subject", "--category", "体育", "--license", "教民3401047000001号", "--license-expires", "2029-12-31",
        "--escrow-bank", "中国银行", "--escrow-account", "6217000000000001",
      ],
      ["venue", "add", "--institution", uscc, "--address", "长江西路1号", "--area-m2", "300"],
      ["teacher", "add", "--institution", uscc, "--name", "王老师", "--certificate", "2020340000001"],
      [
        "course", "add", "--institution", uscc, "--name", "篮球", "--category", "体育", "--delivery", "offline",
        "--lesson-minutes", "60", "--hours", "40", "--price-per-hour", "100",
      ],
      [
        "class", "add", "--course", "C1", "--venue", "V1", "--teacher", "T1", "--capacity", "20", "--starts",
        "2026-07-04", "--ends", "2026-08-30", "--schedule", "Sat 09:00-12:00",
      ],
    ]
    for step in steps {
      let onFile = try bureau.ok(step + ["--db", file])
      let onURL = try bureau.ok(step + ["--db", url])
      #expect(onFile.stdout == onURL.stdout, "\(step[0]) \(step[1])")
    }
    // Refusals by the registry's rules: the same sentence, exit 1, nothing written.
    let refused: [[String]] = [
      ["teacher", "add", "--institution", uscc, "--name", "李老师", "--certificate", "2020340000001"],
      [
        "class", "add", "--course", "C1", "--venue", "V1", "--teacher", "T1", "--capacity", "20", "--starts",
        "2026-07-04", "--ends", "2026-08-30", "--schedule", "Sat 10:00-11:00",
      ],
      ["venue", "add", "--institution", "52340104MJ9999999X", "--address", "某地", "--area-m2", "10"],
    ]
    let before = try bureau.export(url)
    for step in refused {
      let onFile = try bureau.run(step + ["--db", file])
      let onURL = try bureau.run(step + ["--db", url])
      #expect(onFile.status == 1 && onURL.status == 1)
      #expect(onFile.stderr == onURL.stderr && !onURL.stderr.isEmpty, "\(step[0]) \(step[1])")
    }
    #expect(try bureau.export(url) == before)
    #expect(try bureau.export(url) == (try bureau.export(file)))
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok") == true)
  }
}

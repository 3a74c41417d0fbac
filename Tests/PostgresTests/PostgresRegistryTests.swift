import Foundation
import JianguanTestSupport
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
    let (file, url, database) = try bureau.twinCounties(on: server)
    let uscc = "52340104MJ4300001F"
    let steps: [[String]] = [
      Bureau.countyInstitution,
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
      ["parent", "register", "--name", "张三", "--id-number", "11010519491231002X", "--phone", "13800138000"],
      [
        "student", "add", "--parent", "P1", "--name", "张小明", "--id-number", "34010420150307001X", "--grade",
        "5",
      ],
      [
        "pay", "--student", "S1", "--class", "B1", "--hours", "20", "--amount", "2000", "--bank-ref", "BK-1",
        "--at", "2026-06-20T10:00",
      ],
      ["institution", "suspend", uscc, "--reason", "消防检查不合格"],
      ["institution", "reinstate", uscc, "--reason", "整改完成"],
    ]
    for step in steps {
      let onFile = try bureau.ok(step + ["--db", file])
      let onURL = try bureau.ok(step + ["--db", url])
      #expect(onFile.stdout == onURL.stdout, "\(step[0]) \(step[1])")
      // Byte for byte until the first person: each store's key makes its own commitments.
      if step[0] == "class" { #expect(try bureau.export(url) == (try bureau.export(file))) }
    }
    // Refusals by the registry's rules: the same sentence, exit 1, nothing written.
    let refused: [[String]] = [
      ["teacher", "add", "--institution", uscc, "--name", "李老师", "--certificate", "2020340000001"],
      [
        "class", "add", "--course", "C1", "--venue", "V1", "--teacher", "T1", "--capacity", "20", "--starts",
        "2026-07-04", "--ends", "2026-08-30", "--schedule", "Sat 10:00-11:00",
      ],
      ["venue", "add", "--institution", "52340104MJ9999999X", "--address", "某地", "--area-m2", "10"],
      ["parent", "register", "--name", "张三", "--id-number", "11010519491231002X", "--phone", "13800138000"],
      [
        "student", "add", "--parent", "P9", "--name", "李四", "--id-number", "340104201503070028", "--grade",
        "5",
      ],
      ["institution", "reinstate", uscc, "--reason", "again"],
      ["institution", "revoke", uscc, "--reason", "held escrow"],
      ["institution", "suspend", "52340104MJ9999999X", "--reason", "unknown"],
    ]
    let before = try bureau.export(url)
    for step in refused {
      let onFile = try bureau.run(step + ["--db", file])
      let onURL = try bureau.run(step + ["--db", url])
      #expect(onFile.status == 1 && onURL.status == 1)
      #expect(onFile.stderr == onURL.stderr && !onURL.stderr.isEmpty, "\(step[0]) \(step[1])")
    }
    #expect(try bureau.export(url) == before)
    #expect(try bureau.export(url).count == (try bureau.export(file)).count)
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok") == true)
    // The sealed personal data is in the database, the ID numbers and names nowhere in clear.
    #expect(try server.sql(database, "SELECT count(*) FROM jianguan.persons") == "2")
    // --key is refused with a file database, and a missing key refuses a person on a URL.
    let keyOnFile = try bureau.run(refused[3] + ["--db", file, "--key", "other.key"])
    #expect(keyOnFile.status == 1)
    #expect(keyOnFile.stderr.contains("names the key file of a PostgreSQL store"))
    let noKey = try bureau.run([
      "parent", "register", "--name", "王五", "--id-number", "110105194912310038", "--phone", "13800138001",
      "--db",
      url, "--key", "missing.key",
    ])
    #expect(noKey.status == 1 && noKey.stderr.contains("missing.key"))
    #expect(try bureau.export(url) == before)
  }
}

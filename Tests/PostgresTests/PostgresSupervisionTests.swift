import Foundation
import JianguanTestSupport
import Testing

/// The regulator's supervision records on a postgres:// URL go through the same
/// `SupervisionOperation` as on a file: the same entries, byte for byte, and the same refusals,
/// which write nothing.
@Suite("supervision on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresSupervisionTests {
  @Test func supervisionRecordsGiveTheSameEntriesAndRefusalsOnBothStores() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url, _) = try bureau.twinCounties(on: server)
    let uscc = "52340104MJ4300001F"
    let day = "2026-06-20"
    let steps: [[String]] = [
      Bureau.countyInstitution,
      ["action", "record", "--date", day, "--region", "340104", "--institutions-checked", "3"],
      ["measure", "add", "--date", day, "--region", "340104", "--kind", "hotline"],
      [
        "finding", "add", "--date", day, "--institution", uscc, "--category", "safety-hazard", "--actions",
        "rectify", "--deadline", "2026-06-30", "--inspection", "SA1",
      ],
      ["finding", "rectify", "F1", "--date", day, "--note", "已整改"],
      ["finding", "verify", "F1", "--date", day, "--note", "复查合格"],
      [
        "complaint", "file", "--date", day, "--channel", "hotline", "--institution", uscc, "--summary", "退费难",
      ],
      ["complaint", "resolve", "K1", "--date", day, "--outcome", "mediated", "--note", "已调解"],
    ]
    for step in steps {
      let onFile = try bureau.ok(step + ["--db", file])
      let onURL = try bureau.ok(step + ["--db", url])
      #expect(onFile.stdout == onURL.stdout, "\(step[0]) \(step[1])")
    }
    #expect(try bureau.export(url) == (try bureau.export(file)))
    let refused: [[String]] = [
      [
        "finding", "add", "--date", day, "--institution", "52340104MJ9999999X", "--category", "safety-hazard",
        "--actions", "rectify", "--deadline", "2026-06-30",
      ],
      [
        "finding", "add", "--date", day, "--institution", uscc, "--category", "safety-hazard", "--actions",
        "rectify", "--deadline", "2026-06-30", "--inspection", "SM1",
      ],
      ["finding", "rectify", "F1", "--date", day, "--note", "again"],
      ["finding", "verify", "F9", "--date", day, "--note", "none"],
      ["complaint", "resolve", "K1", "--date", day, "--outcome", "mediated", "--note", "again"],
      [
        "complaint", "file", "--date", day, "--channel", "hotline", "--region", "340104", "--parent", "P9",
        "--operator-name", "某培训点", "--summary", "夜间授课",
      ],
    ]
    let before = try bureau.export(url)
    for step in refused {
      let onFile = try bureau.run(step + ["--db", file])
      let onURL = try bureau.run(step + ["--db", url])
      #expect(onFile.status == 1 && onURL.status == 1, "\(step): \(onURL.stderr)")
      #expect(
        onFile.stderr == onURL.stderr && !onURL.stderr.isEmpty, "\(step[0]) \(step[1]): \(onURL.stderr)")
    }
    #expect(try bureau.export(url) == before)
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok") == true)
  }
}

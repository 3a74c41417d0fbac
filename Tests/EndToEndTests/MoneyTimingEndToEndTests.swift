import Foundation
import JianguanTestSupport
import Testing

/// Issue 14, points 1–5, through the built binary: the clock of `JIANGUAN_NOW` dates every
/// entry, settle never runs ahead of today, the calendar is imported into the ledger.
@Suite(.serialized) struct MoneyTimingEndToEndTests {
  func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// The `time` of each exported entry.
  func entryTimes(_ cli: CLI) throws -> [String] {
    let export = try cli.run(["ledger", "export"])
    return try export.stdout.split(separator: "\n").map { line in
      // The decoded view of the entry's CBOR bytes.
      let entry = try #require(try object(String(line))["entry"] as? [String: Any])
      return try #require(entry["time"] as? String)
    }
  }

  @Test(arguments: TestStore.all) func settleAheadOfTodayIsRefusedAndWritesNothing(store: TestStore) throws {
    let cli = try CLI(store: store)  // JIANGUAN_NOW is 2026-06-30T12:00
    defer { cli.remove() }
    try MoneyEndToEndTests().bureau(cli)
    let digest = cli.databaseDigest()
    for asOf in ["2026-07-01", "2030-01-01"] {
      let result = try cli.run(["settle", "--as-of", asOf])
      #expect(result.status == 1)
      #expect(
        result.stderr.split(separator: "\n").count == 1
          && result.stderr.contains("as-of \(asOf) is after today"),
        "\(result.stderr)")
    }
    #expect(cli.databaseDigest() == digest)
    #expect(try cli.run(["settle", "--as-of", "2026-06-30"]).status == 0)
  }

  @Test(arguments: TestStore.all) func jianguanNowDatesEveryEntryAndEveryRefundApplication(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    cli.environment["JIANGUAN_NOW"] = "2026-03-09T19:00"
    try MoneyEndToEndTests().bureau(cli)
    #expect(
      try cli.run([
        "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "B-1",
        "--at", "2026-02-20T10:00",
      ]).status == 0)
    let created = try cli.run([
      "refund-request", "create", "--enrollment", "E1", "--hours", "2", "--reason", "搬家", "--format", "json",
    ])
    #expect(created.status == 0, "\(created.stderr)")
    let shown = try object(try cli.run(["refund-request", "show", "RA1", "--format", "json"]).stdout)
    #expect((shown["requestedAt"] as? String)?.hasPrefix("2026-03-09T19:00") == true, "\(shown)")
    #expect(try entryTimes(cli).allSatisfy { $0 == "2026-03-09T11:00:00Z" })

    // A clock set back before the last entry writes nothing.
    cli.environment["JIANGUAN_NOW"] = "2026-03-01T09:00"
    let digest = cli.databaseDigest()
    let back = try cli.run([
      "pay", "--student", "S1", "--class", "B1", "--hours", "1", "--amount", "100", "--bank-ref", "B-2",
      "--at", "2026-02-20T10:00",
    ])
    #expect(back.status == 1 && back.stderr.contains("entry times never go backwards"), "\(back.stderr)")
    #expect(cli.databaseDigest() == digest)
  }

  @Test(arguments: TestStore.all) func aRepeatedLessonSaysWhatMadeItTheSameLesson(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    cli.environment["JIANGUAN_NOW"] = "2026-03-07T20:00"
    try MoneyEndToEndTests().bureau(cli)
    _ = try cli.run([
      "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "B-1",
      "--at", "2026-02-20T10:00",
    ])
    let record = [
      "lesson", "record", "--enrollment", "E1", "--hours", "1", "--taught-at", "2026-03-07T09:00",
    ]
    #expect(try cli.run(record).status == 0)
    let again = try cli.run(record)
    #expect(again.status == 0 && again.stdout.contains("same enrollment, time and hours"), "\(again.stdout)")
    #expect(!again.stdout.contains("bank reference"))
  }

  @Test(arguments: TestStore.all) func calendarImportLoadsAYearIntoTheLedger(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    #expect(try cli.run(["init", "--region", "340100"]).status == 0)
    let file = cli.folder.appendingPathComponent("2027.csv")
    try Data(
      "# covered-years: 2027-2027\ndate,kind,name\n2027-02-08,holiday,春节\n2027-02-13,workday,春节\n".utf8
    ).write(to: file)
    let loaded = try cli.run(["calendar", "import", file.path])
    #expect(
      loaded.status == 0
        && loaded.stdout.contains("calendar year 2027 loaded at seq \(CLI.calendarEntries + 2)"),
      "\(loaded.stdout) \(loaded.stderr)")
    let again = try cli.run(["calendar", "import", file.path])
    #expect(again.status == 0 && again.stdout.contains("already loaded"))
    let list = try object(try cli.run(["calendar", "list", "--format", "json"]).stdout)
    let years = try #require(list["years"] as? [[String: Any]])
    #expect(years.last?["year"] as? Int == 2027 && years.last?["weekdaysOff"] as? Int == 1)
    #expect(
      years.count == CLI.calendarEntries - 1 + 1,
      "every year init loaded (all but the policy entry), and 2027")
    try Data("# covered-years: 2027-2027\ndate,kind,name\n2027-02-09,holiday,春节\n".utf8).write(to: file)
    let digest = cli.databaseDigest()
    let different = try cli.run(["calendar", "import", file.path])
    #expect(
      different.status == 1 && different.stderr.contains("a year is loaded once"), "\(different.stderr)")
    #expect(cli.databaseDigest() == digest)
    #expect(try cli.run(["audit"]).status == 0)
  }
}

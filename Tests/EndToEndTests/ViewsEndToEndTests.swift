import Foundation
import JianguanTestSupport
import Testing

/// A term's work done from what the commands print: no id is read from `ledger export`.
@Suite(.serialized) struct ViewsEndToEndTests {
  /// The one JSON object a `--format json` command printed.
  func json(_ result: CLI.Result, _ what: String = "") throws -> [String: Any] {
    #expect(result.status == 0, "\(what): \(result.stderr)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(what)")
  }

  func items(_ object: [String: Any]) -> [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }

  /// The bureau of MoneyEndToEndTests (class B1, parent P1, student S1), two more students of P1,
  /// and a payment of 10 hours for each of the three.
  func classOfThree(_ cli: CLI) throws {
    try MoneyEndToEndTests().bureau(cli)
    for serial in [3, 4] {
      let added = try cli.run([
        "student", "add", "--parent", "P1", "--name", "张小\(serial)", "--id-number", CLI.residentID(serial),
        "--grade", "5",
      ])
      #expect(added.status == 0, "\(added.stderr)")
    }
    for student in ["S1", "S2", "S3"] {
      let paid = try json(
        try cli.run([
          "pay", "--student", student, "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref",
          "BOC-\(student)", "--at", "2026-02-20T10:00", "--format", "json",
        ]), "pay")
      #expect((paid["id"] as? String)?.hasPrefix("E") == true)
    }
  }

  @Test(arguments: TestStore.all) func aTermIsDoneFromTheViews(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try classOfThree(cli)

    // The roster: who holds hours, and how many are left.
    let shown = try json(try cli.run(["class", "show", "B1", "--format", "json"]), "class show")
    let roster = try #require(shown["roster"] as? [[String: Any]])
    #expect(roster.map { $0["student"] as? String } == ["S1", "S2", "S3"])
    #expect(roster.allSatisfy { $0["hoursLeft"] as? Int == 10 })

    // One session for the class, S2 absent.
    let session = try json(
      try cli.run([
        "lesson", "record", "--class", "B1", "--taught-at", "2026-03-07T09:00", "--hours", "2", "--absent",
        "S2",
        "--format", "json",
      ]), "session")
    let lessons = try #require(session["lessons"] as? [[String: Any]])
    #expect(lessons.map { $0["enrollment"] as? String } == ["E1", "E3"])
    #expect(lessons.allSatisfy { ($0["id"] as? String)?.hasPrefix("L") == true && $0["seq"] is Int })

    // The parent of E1 finds the lesson waiting for confirmation and confirms it.
    let waiting = items(
      try json(
        try cli.run(["lesson", "list", "--enrollment", "E1", "--status", "pending", "--format", "json"]),
        "pending"))
    let lessonID = try #require(waiting.first?["id"] as? String)
    #expect(waiting.count == 1)
    #expect(try cli.run(["lesson", "confirm", lessonID]).status == 0)
    let shownLesson = try json(try cli.run(["lesson", "show", lessonID, "--format", "json"]), "lesson show")
    #expect(shownLesson["status"] as? String == "released" && shownLesson["releasedFen"] as? Int == 20000)

    // A refund, and an application answered by the institution, found by listing them.
    #expect(
      try cli.run(["refund", "--enrollment", "E3", "--all", "--reason", "转学", "--bank-ref", "BOC-R1"]).status
        == 0)
    let refunds = items(try json(try cli.run(["refund", "list", "--enrollment", "E3", "--format", "json"])))
    let refundID = try #require(refunds.first?["id"] as? String)
    #expect(refunds.first?["amountFen"] as? Int == 80000)
    #expect(
      try cli.run(["refund-request", "create", "--enrollment", "E2", "--hours", "3", "--reason", "搬家"]).status
        == 0)
    let open = items(
      try json(try cli.run(["refund-request", "list", "--status", "open", "--format", "json"])))
    let requestID = try #require(open.first?["id"] as? String)
    #expect(open.count == 1 && open.first?["enrollment"] as? String == "E2")
    #expect(
      try cli.run(["refund-request", "answer", requestID, "--agree", "--reason", "同意"]).status == 0)

    // Receipts named by what they recorded, each verified offline.
    let key = cli.folder.appendingPathComponent("bureau.key").path
    #expect(
      try cli.run(["key", "generate", "--name", "jianguan.340100.example/ledger", "--out", key]).status == 0)
    for (option, id, kind) in [
      ("--enrollment", "E1", "payment"), ("--lesson", lessonID, "lesson.recorded"),
      ("--refund", refundID, "refund"),
    ] {
      let receipt = try cli.run(["receipt", "export", option, id, "--key", key])
      #expect(receipt.status == 0, "\(option): \(receipt.stderr)")
      let file = cli.folder.appendingPathComponent("receipt-\(id).json")
      try Data(receipt.stdout.utf8).write(to: file)
      let verified = try json(
        try cli.run(["receipt", "verify", file.path, "--pub", key + ".pub", "--format", "json"]), "verify")
      #expect(verified["kind"] as? String == kind, "\(option) \(id)")
    }
    #expect(try cli.run(["receipt", "export", "--refund", "R9", "--key", key]).status == 1)
    #expect(try cli.run(["receipt", "export", "3", "--lesson", lessonID, "--key", key]).status == 64)

    let enrollment = try json(try cli.run(["enrollment", "show", "E2", "--format", "json"]))
    #expect(enrollment["hoursRefunded"] as? Int == 3 && enrollment["hoursLeft"] as? Int == 7)
    #expect(try cli.run(["audit"]).status == 0)
  }

  @Test(arguments: TestStore.all) func pagesSayWhenMoreRemain(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try classOfThree(cli)
    let first = try json(try cli.run(["enrollment", "list", "--limit", "2", "--format", "json"]))
    #expect(items(first).map { $0["id"] as? String } == ["E1", "E2"])
    #expect(first["more"] as? Bool == true && first["next"] as? String == "E2")
    let last = try json(
      try cli.run(["enrollment", "list", "--limit", "2", "--after", "E2", "--format", "json"]))
    #expect(items(last).map { $0["id"] as? String } == ["E3"])
    #expect(last["more"] as? Bool == false && last["next"] == nil)

    let table = try cli.run(["enrollment", "list", "--limit", "2"])
    #expect(table.status == 0 && table.stdout.hasSuffix("more remain: run again with --after E2\n"))
    let lastTable = try cli.run(["enrollment", "list", "--after", "E2"])
    #expect(lastTable.status == 0 && !lastTable.stdout.contains("more remain"))

    let ledger = try cli.run(["ledger", "list", "--limit", "2"])
    #expect(ledger.stdout.contains("stopped at the limit of 2 entries; more remain: run again with --from 3"))
    let ledgerJSON = try json(try cli.run(["ledger", "list", "--limit", "2", "--format", "json"]))
    #expect(ledgerJSON["more"] as? Bool == true && ledgerJSON["next"] as? Int == 3)
    let whole = try json(try cli.run(["ledger", "list", "--limit", "1000", "--format", "json"]))
    #expect(whole["more"] as? Bool == false)
    #expect(!(try cli.run(["ledger", "list", "--limit", "1000"])).stdout.contains("stopped at the limit"))
  }

  @Test(arguments: TestStore.all) func aRefusedStudentRefusesTheWholeSessionAndNothingIsWritten(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try classOfThree(cli)
    #expect(
      try cli.run(["refund", "--enrollment", "E2", "--hours", "9", "--reason", "转学", "--bank-ref", "BOC-R2"])
        .status == 0)
    let digest = cli.databaseDigest()
    let refused = try cli.run([
      "lesson", "record", "--class", "B1", "--taught-at", "2026-03-07T09:00", "--hours", "2",
    ])
    #expect(
      refused.status == 1 && refused.stderr.contains("enrollment E2")
        && refused.stderr.contains("nothing was"))
    #expect(cli.databaseDigest() == digest)

    // The same session as a file: one refused row refuses the file.
    let file = cli.folder.appendingPathComponent("sessions.csv")
    try Data("class,hours,taught_at,absent\nB1,2,2026-03-07T09:00,\n".utf8).write(to: file)
    let imported = try cli.run(["import", "sessions", file.path])
    #expect(imported.status == 1 && imported.stderr.contains("E2"))
    #expect(cli.databaseDigest() == digest)
    try Data("class,hours,taught_at,absent\nB1,2,2026-03-07T09:00,S2\n".utf8).write(to: file)
    let done = try json(
      try cli.run(["import", "sessions", file.path, "--format", "json"]), "import sessions")
    #expect(done["added"] as? Int == 1 && done["committed"] as? Bool == true)
    let pending = items(try json(try cli.run(["lesson", "list", "--status", "pending", "--format", "json"])))
    #expect(pending.map { $0["enrollment"] as? String } == ["E1", "E3"])
  }
}

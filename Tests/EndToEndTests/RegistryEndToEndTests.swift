import Foundation
import JianguanTestSupport
import Testing

@Suite(.serialized) struct RegistryEndToEndTests {
  func registerArguments(uscc: String) -> [String] {
    [
      "institution", "register", "--uscc", uscc, "--name", "合肥市蜀山区启明体育培训中心", "--region", "340104", "--kind",
      "non-subject", "--category", "体育", "--license", "教民3401047000123号", "--license-expires", "2029-12-31",
      "--escrow-bank", "中国银行", "--escrow-account", "6217000012345678",
    ]
  }

  @Test(arguments: TestStore.all)
  func initRegistersAndRefusesToTouchAnExistingDatabase(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    let created = try cli.run(["init", "--authority", "合肥市教育局", "--region", "340100"])
    #expect(created.status == 0 && created.stdout.contains("seq 1"))
    let attributes = try FileManager.default.attributesOfItem(atPath: cli.keyPath)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    let digest = cli.databaseDigest()
    let again = try cli.run(["init", "--region", "340100"])
    #expect(again.status == 1 && again.stderr.contains("already exists") && again.stdout.isEmpty)
    #expect(cli.databaseDigest() == digest)

    let uscc = CLI.uscc(1)
    let registered = try cli.run(registerArguments(uscc: uscc) + ["--format", "json"])
    #expect(registered.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(registered.stdout.utf8)) as? [String: Any])
    #expect(object["id"] as? String == uscc && object["seq"] as? Int == 2 + CLI.calendarEntries)
    #expect(registered.stdout.split(separator: "\n").count == 1, "exactly one JSON object")

    let list = try cli.run(["institution", "list", "--status", "active"])
    #expect(list.status == 0 && list.stdout.contains(uscc) && list.stdout.contains("启明"))
    let show = try cli.run(["institution", "show", uscc, "--format", "json"])
    #expect(show.stdout.contains("\"status\":\"active\""))
    #expect(try cli.run(["institution", "suspend", uscc, "--reason", "消防检查不合格"]).status == 0)
    #expect(try cli.run(["institution", "list", "--status", "suspended"]).stdout.contains(uscc))
    #expect(try cli.run(["institution", "reinstate", uscc, "--reason", "整改完成"]).status == 0)
    #expect(try cli.run(["audit"]).status == 0)
  }

  /// Every kind of bad value: one sentence naming the field, status 1, the database unchanged.
  @Test(arguments: TestStore.all)
  func badInputIsRefusedWithOneSentenceAndNothingWritten(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    _ = try cli.run(["init", "--region", "340100"])
    let uscc = CLI.uscc(2)
    _ = try cli.run(registerArguments(uscc: uscc))
    let digest = cli.databaseDigest()
    func replacing(_ flag: String, with value: String) -> [String] {
      var arguments = registerArguments(uscc: CLI.uscc(3))
      arguments[arguments.firstIndex(of: flag)! + 1] = value
      return arguments
    }
    let badUSCC = String(CLI.uscc(4).dropLast()) + (CLI.uscc(4).hasSuffix("0") ? "1" : "0")
    let cases: [([String], String)] = [
      (replacing("--uscc", with: badUSCC), "uscc"),
      (replacing("--region", with: "999999"), "region"),
      (replacing("--license-expires", with: "2020-01-01"), "license-expires"),
      (replacing("--license-expires", with: "2023-02-30"), "license-expires"),
      (replacing("--name", with: "名\u{1B}[31m字"), "name"),
      (replacing("--name", with: String(repeating: "x", count: 120_000)), "name"),
      (
        [
          "course", "add", "--institution", uscc, "--name", "篮球", "--category", "体育", "--delivery", "offline",
          "--lesson-minutes", "60", "--hours", "40", "--price-per-hour", "-5",
        ], "price-per-hour"
      ),
      (
        [
          "course", "add", "--institution", uscc, "--name", "篮球", "--category", "体育", "--delivery", "offline",
          "--lesson-minutes", "60", "--hours", "40", "--price-per-hour", "abc",
        ], "price-per-hour"
      ),
      (
        [
          "class", "add", "--course", "C9", "--venue", "V1", "--teacher", "T1", "--capacity", "10",
          "--starts",
          "2026-03-01", "--ends", "2026-04-01", "--schedule", "Sat 09:00-10:00",
        ], "course"
      ),
      (
        [
          "teacher", "add", "--institution", uscc, "--name", "钱老师", "--certificate", "20203400123",
          "--in-service",
        ], "teacher"
      ),
      (
        [
          "parent", "register", "--name", "李四", "--id-number", "340524198001010013", "--phone", "13800138000",
        ], "id-number"
      ),
    ]
    for (arguments, field) in cases {
      let result = try cli.run(arguments)
      #expect(result.status == 1, "\(arguments.prefix(3)) exits 1")
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.count == 1, "one sentence: \(result.stderr.prefix(300))")
      #expect(result.stderr.contains(field), "names \(field): \(result.stderr.prefix(200))")
      #expect(result.stderr.count < 600, "the message stays short")
      #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack"))
      #expect(cli.databaseDigest() == digest, "nothing written for \(arguments.prefix(3))")
    }
    // The ID number is personal data: even a refusal must not echo it whole.
    let refused = try cli.run([
      "parent", "register", "--name", "李四", "--id-number", "340524198001010013", "--phone", "1",
    ])
    #expect(!refused.stderr.contains("340524198001010013"))
  }

  @Test(arguments: TestStore.all)
  func peopleAreShownWithTheirIDNumberMasked(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    _ = try cli.run(["init", "--region", "340100"])
    let idNumber = CLI.residentID(7, year: 1982)
    let parent = try cli.run([
      "parent", "register", "--name", "王五", "--id-number", idNumber, "--phone", "13900001111",
    ])
    let masked = String(idNumber.prefix(4)) + String(repeating: "*", count: 10) + String(idNumber.suffix(4))
    #expect(
      parent.status == 0 && parent.stdout.contains(masked) && !parent.stdout.contains(idNumber),
      "\(parent.stdout)")
    let json = try cli.run([
      "student", "add", "--parent", "P1", "--name", "王小五", "--id-number", CLI.residentID(8, year: 2016),
      "--grade", "3",
      "--format", "json",
    ])
    #expect(json.stdout.contains("\"idNumberMasked\":\"3401**********"))
    let again = try cli.run([
      "parent", "register", "--name", "王五", "--id-number", idNumber, "--phone", "13900001111",
    ])
    #expect(again.status == 1 && again.stderr.contains(masked) && !again.stderr.contains(idNumber))
  }

  @Test(arguments: TestStore.all)
  func jsonErrorsAreOneObjectOnStdout(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    let missing = try cli.run(["institution", "list", "--format", "json"])
    #expect(missing.status == 2, "a missing database is an environment failure")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any])
    let error = try #require(object["error"] as? [String: Any])
    #expect(error["code"] as? String == "database_missing")
    #expect(!cli.storeExists, "a read never creates a database")
  }

  @Test func theDemoBuildsItsOwnDatabaseAndAuditsIt() throws {
    let cli = try CLI()
    defer { cli.remove() }
    let result = try cli.run(["demo"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("audit ok"))
    #expect(
      FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("jianguan-demo.sqlite").path))
    #expect(!cli.storeExists, "the demo never touches the user's database")
    let audit = try cli.run(["--db", "jianguan-demo.sqlite", "audit", "--format", "json"])
    #expect(audit.status == 0 && audit.stdout.contains("\"ok\":true"))
    #expect(try cli.run(["demo"]).status == 0, "the demo replaces its database on each run")
  }
}

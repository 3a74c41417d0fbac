import Foundation
import Testing

/// The tool as installed: a copied binary with nothing beside it, `init`'s required region, the
/// exit statuses of `--help`, and the demo's closing hints. SQLite only: what is tested is the
/// binary and its built-in data, not the store (the tour's commands run on both in the suites).
@Suite(.serialized) struct InstallEndToEndTests {
  /// A CLI running a copy of the binary alone in a new folder, with no Data/ folder named.
  func copiedBinary() throws -> CLI {
    var cli = try CLI()
    cli.environment.removeValue(forKey: "JIANGUAN_DATA")
    let folder = cli.folder.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    cli.executable = folder.appendingPathComponent("jianguan")
    try InstallEndToEndTests.place(CLI.binary, at: cli.executable)
    return cli
  }

  /// Puts the binary at `target`: a hard link where the folders share a file system, else a copy.
  /// A copy is written through a descriptor, which a process another test starts meanwhile
  /// inherits until it execs; starting the copy then fails with "Text file busy" (ETXTBSY), as it
  /// did once in a full run. A link writes nothing.
  static func place(_ binary: URL, at target: URL) throws {
    do { try FileManager.default.linkItem(at: binary, to: target) } catch {
      try FileManager.default.copyItem(at: binary, to: target)
    }
  }

  @Test func aCopiedBinaryRunsTheTourWithItsBuiltInData() throws {
    var cli = try copiedBinary()
    defer { cli.remove() }
    // A term's first steps need the regions (register), the policy (pay) and the calendar (settle).
    try MoneyEndToEndTests().bureau(cli)
    for step in [
      [
        "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "BOC-1",
        "--at", "2026-02-20T10:00",
      ],
      ["lesson", "record", "--class", "B1", "--hours", "1", "--taught-at", "2026-03-07T09:00"],
      ["settle", "--as-of", "2026-04-30"], ["audit"],
    ] {
      let result = try cli.run(step)
      #expect(result.status == 0, "\(step.prefix(2)): \(result.stderr)")
    }
    // An empty JIANGUAN_DATA counts as unset; one naming no folder is an environment failure.
    cli.environment["JIANGUAN_DATA"] = ""
    #expect(try cli.run(["balance", "--region", "340100"]).status == 0)
    cli.environment["JIANGUAN_DATA"] = cli.folder.appendingPathComponent("no-such-folder").path
    let missing = try cli.run(["balance", "--region", "340100", "--format", "json"])
    #expect(missing.status == 2 && missing.stdout.contains("data_directory_missing"))
    // A folder named by JIANGUAN_DATA is used instead of the built-in data, even when it is empty.
    let empty = cli.folder.appendingPathComponent("empty-data")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    cli.environment["JIANGUAN_DATA"] = empty.path
    let unreadable = try cli.run(["balance", "--region", "340100", "--format", "json"])
    #expect(unreadable.status == 2 && unreadable.stdout.contains("data_file_unreadable"))
  }

  /// A payment applies the ledger's policy book, so it does not parse the one in Data/ (a
  /// short command's start-up): a damaged policy.json leaves `pay` working, while `init`, which
  /// loads it into a new ledger, still refuses it and creates nothing.
  @Test func aPaymentDoesNotParseThePolicyFileOnlyInitDoes() throws {
    var cli = try CLI()
    defer { cli.remove() }
    try MoneyEndToEndTests().bureau(cli)
    let data = cli.folder.appendingPathComponent("damaged-data")
    try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("Data"), to: data)
    try Data("{\"regions\": ".utf8).write(to: data.appendingPathComponent("policy.json"))
    cli.environment["JIANGUAN_DATA"] = data.path
    let paid = try cli.run([
      "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "BOC-1",
      "--at", "2026-02-20T10:00",
    ])
    #expect(paid.status == 0, "\(paid.stderr)")
    #expect(try cli.run(["audit"]).status == 0)
    let other = cli.folder.appendingPathComponent("other.sqlite").path
    let refused = try cli.run([
      "--db", other, "init", "--authority", "合肥市教育局", "--region", "340100", "--format", "json",
    ])
    #expect(refused.status == 1 && refused.stdout.contains("policy_json_invalid"), "\(refused.stdout)")
    #expect(
      !FileManager.default.fileExists(atPath: other)
        && !FileManager.default.fileExists(atPath: other + ".key"))
  }

  /// `pay` is parsed on its own when its arguments parse (`Jianguan.parsedAlone`); help, the
  /// version and usage errors still come from the whole parser, word for word as for any command.
  @Test func payParsedAloneAnswersHelpAndUsageErrorsAsTheWholeParser() throws {
    let cli = try CLI()
    defer { cli.remove() }
    let help = try cli.run(["pay", "--help"])
    #expect(help.status == 0 && help.stdout.contains("USAGE: jianguan pay [--db <db>]"), "\(help.stdout)")
    #expect(try cli.run(["pay", "--version"]).stdout.hasPrefix("jianguan 0.1.0"))
    let missing = try cli.run(["pay", "--student", "S1"])
    #expect(missing.status == 64 && missing.stderr.contains("Usage: jianguan pay"), "\(missing.stderr)")
    let unknown = try cli.run(["pay", "--bogus"])
    #expect(unknown.status == 64 && unknown.stderr.contains("See 'jianguan pay --help'"), "\(unknown.stderr)")
  }

  @Test func theDemoHintsNameTheCommandAsItWasRunAndEachWorks() throws {
    let cli = try copiedBinary()
    defer { cli.remove() }
    let demo = try cli.run(["demo"])
    #expect(demo.status == 0, "\(demo.stderr)")
    let hints = demo.stdout.split(separator: "\n").drop { !$0.hasPrefix("try next") }.dropFirst()
      .map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(hints.count >= 8)
    let prefix = "\(cli.executable.path) --db jianguan-demo.sqlite "
    for hint in hints {
      #expect(hint.hasPrefix(prefix), "\(hint)")
      let arguments = hint.dropFirst(prefix.count).split(separator: " ").map(String.init)
      let result = try cli.run(["--db", "jianguan-demo.sqlite"] + arguments)
      #expect(result.status == 0, "\(hint): \(result.stderr)")
    }
  }

  @Test func theDemoStartedBySwiftRunSaysSwiftRun() throws {
    var cli = try CLI()
    defer { cli.remove() }
    // `swift run` starts `.build/<triple>/<configuration>/jianguan`.
    let folder = cli.folder.appendingPathComponent(".build/x86_64-unknown-linux-gnu/debug")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    cli.executable = folder.appendingPathComponent("jianguan")
    try InstallEndToEndTests.place(CLI.binary, at: cli.executable)
    let demo = try cli.run(["demo"])
    #expect(
      demo.status == 0 && demo.stdout.contains("\n  swift run jianguan --db jianguan-demo.sqlite audit\n"))
  }

  @Test func versionNamesTheLedgerFormat() throws {
    let cli = try CLI()
    defer { cli.remove() }
    let version = try cli.run(["--version"])
    #expect(version.status == 0 && version.stdout.contains("ledger format version 2"))
    let completion = try cli.run(["--generate-completion-script", "bash"])
    #expect(completion.status == 0 && completion.stdout.contains("refund-request"))
  }

  @Test func initRequiresARegionAndTakesAnOrigin() throws {
    let cli = try CLI()
    defer { cli.remove() }
    let noRegion = try cli.run(["init", "--authority", "合肥市教育局"])
    #expect(noRegion.status == 64 && noRegion.stderr.contains("--region"))
    let badOrigin = try cli.run(["init", "--region", "340100", "--origin", "my log"])
    #expect(badOrigin.status == 1 && badOrigin.stderr.contains("origin"))
    #expect(!FileManager.default.fileExists(atPath: cli.databasePath))
    #expect(!FileManager.default.fileExists(atPath: cli.databasePath + ".key"))

    let created = try cli.run(["init", "--region", "340100", "--origin", "edu.hefei.gov.cn/jianguan"])
    #expect(created.status == 0 && created.stdout.contains("edu.hefei.gov.cn/jianguan"))
    let key = cli.folder.appendingPathComponent("bureau.key").path
    #expect(
      try cli.run(["key", "generate", "--name", "edu.hefei.gov.cn/jianguan", "--out", key]).status == 0)
    let signed = try cli.run(["checkpoint", "sign", "--key", key])
    // Genesis, the calendar years, then the entry that names the key: the first checkpoint signs them all.
    #expect(
      signed.status == 0
        && signed.stdout.hasPrefix("edu.hefei.gov.cn/jianguan\n\(CLI.calendarEntries + 2)\n"))
    let json = try cli.run(["checkpoint", "sign", "--key", key, "--format", "json"])
    #expect(json.stdout.contains("\"id\":2"), "a created record's id is `id`")
  }

  @Test func exitStatusesFollowTheHelpTable() throws {
    var cli = try CLI()
    defer { cli.remove() }
    // A missing database is an environment failure, in both formats.
    let missing = try cli.run(["lesson", "list"])
    #expect(missing.status == 2 && missing.stderr.contains("no database"))
    let missingJSON = try cli.run(["venue", "list", "--format", "json"])
    #expect(missingJSON.status == 2 && missingJSON.stdout.contains("\"code\":\"database_missing\""))

    // A usage error under --format json is one JSON object too.
    for arguments in [
      ["venue", "list", "--no-such-flag", "--format", "json"],
      ["--format", "json", "lesson", "record", "--hours", "1"],
    ] {
      let usage = try cli.run(arguments)
      #expect(usage.status == 64)
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(usage.stdout.utf8)) as? [String: Any], "\(arguments)")
      #expect((object["error"] as? [String: Any])?["code"] as? String == "usage")
    }
    #expect(try cli.run(["venue", "list", "--no-such-flag"]).stdout.isEmpty)
    #expect(try cli.run(["--help", "--format", "json"]).status == 0)

    // A file that cannot be written is an environment failure.
    let unwritable = try cli.run([
      "key", "generate", "--name", "x.example/log", "--out",
      cli.folder.appendingPathComponent("no/such/dir/k.key").path,
    ])
    #expect(unwritable.status == 2 && unwritable.stderr.contains("cannot be written"))

    // A missing PDF renderer is an environment failure (2), not a refusal.
    #expect(try cli.run(["init", "--region", "110000"]).status == 0)
    let emptyPath = cli.folder.appendingPathComponent("empty-bin")
    try FileManager.default.createDirectory(at: emptyPath, withIntermediateDirectories: true)
    cli.environment["PATH"] = emptyPath.path
    let pdf = try cli.run([
      "report", "bulletin", "--date", "2023-01-12", "--to", "pdf", "--out",
      cli.folder.appendingPathComponent("b.pdf")
        .path,
    ])
    #expect(pdf.status == 2 && pdf.stderr.contains("WeasyPrint"), "\(pdf.stderr)")
  }
}

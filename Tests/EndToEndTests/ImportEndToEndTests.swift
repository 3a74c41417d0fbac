import Foundation
import JianguanTestSupport
import Testing

@Suite(.serialized) struct ImportEndToEndTests {
  /// A bureau from the data-set generator: its registry imported with `import registry`.
  func bureau(_ cli: CLI) throws -> URL {
    let data = cli.folder.appendingPathComponent("data")
    let generated = try CLI.run(
      "/usr/bin/env",
      [
        "python3", CLI.packageRoot.appendingPathComponent("Tools/gen_dataset.py").path, "--out", data.path,
        "--institutions", "5", "--students", "40", "--payments", "300", "--seed", "7",
      ], environment: cli.environment, in: cli.folder)
    #expect(generated.status == 0, "\(generated.stderr)")
    #expect(try cli.run(["init", "--region", "340100"]).status == 0)
    // The terms run into 2027, past Data/calendar.csv: the generator's synthetic calendar goes in first.
    let calendar = data.appendingPathComponent("calendar.csv")
    if FileManager.default.fileExists(atPath: calendar.path) {
      let loaded = try cli.run(["calendar", "import", calendar.path])
      #expect(loaded.status == 0, "\(loaded.stderr)")
    }
    for kind in ["institutions", "venues", "teachers", "courses", "classes", "parents", "students"] {
      let result = try cli.run(["import", "registry", kind, data.appendingPathComponent("\(kind).csv").path])
      #expect(result.status == 0, "\(kind): \(result.stderr)")
    }
    return data
  }

  @Test(arguments: TestStore.all)
  func aGeneratedCityImportsTwiceWithoutDuplicatesAndAudits(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    cli.environment["JIANGUAN_NOW"] = "2027-09-28T12:00"  // the generator's "now"
    let data = try bureau(cli)
    for kind in ["payments", "lessons", "refunds"] {
      let file = data.appendingPathComponent("\(kind).csv").path
      let first = try cli.run(["import", kind, file])
      #expect(
        first.status == 0 && first.stdout.contains("0 already there"),
        "\(kind): \(first.stdout) \(first.stderr)")
      let again = try cli.run(["import", kind, file, "--format", "json"])
      let summary = try #require(
        try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
      #expect(summary["added"] as? Int == 0 && (summary["alreadyThere"] as? Int ?? 0) > 0, "\(kind) again")
    }
    let audit = try cli.run(["audit", "--format", "json"])
    #expect(audit.status == 0, "\(audit.stdout)")
  }

  @Test(arguments: TestStore.all)
  func badRowsAreReportedWithLineColumnValueAndRuleAndNothingIsWritten(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    cli.environment["JIANGUAN_NOW"] = "2027-09-28T12:00"  // the generator's "now"
    let data = try bureau(cli)
    // The generator writes CRLF line ends (RFC 4180); "\r\n" is one Character, a newline.
    var lines = try String(contentsOf: data.appendingPathComponent("payments.csv"), encoding: .utf8)
      .split(whereSeparator: \.isNewline).map(String.init)
    let good = lines[1].split(separator: ",").map(String.init)
    lines[2] = [good[0] + "X", good[1], good[2], "61", good[4], good[5]].joined(separator: ",")
    lines[5] = [good[0] + "Y", good[1], good[2], good[3], "1e3", good[5]].joined(separator: ",")
    let bad = cli.folder.appendingPathComponent("bad.csv")
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: bad)
    let digest = cli.databaseDigest()
    let refused = try cli.run(["import", "payments", bad.path])
    #expect(refused.status == 1)
    #expect(
      refused.stderr.contains("line 3, column hours \"61\"")
        && refused.stderr.contains("line 6, column amount_yuan \"1e3\""), "\(refused.stderr)")
    #expect(cli.databaseDigest() == digest, "nothing written")

    let rejects = cli.folder.appendingPathComponent("rejects.csv")
    let skipped = try cli.run(["import", "payments", bad.path, "--skip-invalid", rejects.path])
    #expect(skipped.status == 0 && skipped.stdout.contains("2 refused"), "\(skipped.stdout)")
    // The refused rows as they were, under the file's header, with a refusal column; UTF-8 with
    // a byte-order mark, so that Excel shows its Chinese.
    let bytes = Array(try Data(contentsOf: rejects))
    #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
    let rows = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(whereSeparator: \.isNewline)
      .map(String.init)
    #expect(rows.count == 3)
    #expect(rows.first == "bank_ref,student,class,hours,amount_yuan,paid_at,refusal")
    #expect(rows.count == 3 && rows[1].hasPrefix(lines[2] + ",\"line 3, column hours: hours 61 "), "\(rows)")
    #expect(rows.count == 3 && rows[2].hasPrefix(lines[5] + ",\"line 6, column amount_yuan: "), "\(rows)")
    // Fixed by a clerk (here: each row put back as the bank first sent it), it imports as it is.
    let fixed = [rows[0], lines[1] + ",\"was: hours 61\"", lines[3] + ",was 1e3"].joined(separator: "\r\n")
    try Data(([0xEF, 0xBB, 0xBF] as [UInt8]) + Array(fixed.utf8)).write(to: rejects)
    let again = try cli.run(["import", "payments", rejects.path])
    #expect(
      again.status == 0 && again.stdout.contains("0 added, 2 already there"),
      "\(again.stdout) \(again.stderr)")

    try Data("bank_ref,student,class,hours,amount_yuan,paid_at\nA,\"S1,B1,1,1,2026-01-01\n".utf8).write(
      to: bad)
    let malformed = try cli.run(["import", "payments", bad.path])
    #expect(
      malformed.status == 1 && malformed.stderr.contains("line 2: a quoted field is not closed"),
      "\(malformed.stderr)")
  }

  @Test(arguments: TestStore.all)
  func aByteOrderMarkAndGB18030AreReadAndAFileThatIsNotUTF8NamesTheOption(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    cli.environment["JIANGUAN_NOW"] = "2029-03-27T12:00"
    let data = try bureau(cli)
    // Excel's "CSV UTF-8" starts with a byte-order mark.
    let payments = try Data(contentsOf: data.appendingPathComponent("payments.csv"))
    let marked = cli.folder.appendingPathComponent("marked.csv")
    try (Data([0xEF, 0xBB, 0xBF]) + payments).write(to: marked)
    let imported = try cli.run(["import", "payments", marked.path])
    #expect(imported.status == 0 && imported.stdout.contains("0 already there"), "\(imported.stderr)")
    // Excel's plain "CSV" on Chinese Windows is GB18030: the refunds' reasons are Chinese. (Without
    // the lessons, every refund of the file still has its hours.)
    let chinese = cli.folder.appendingPathComponent("refunds-gb18030.csv")
    let converted = try CLI.run(
      "/usr/bin/env",
      [
        "iconv", "-f", "UTF-8", "-t", "GB18030", "-o", chinese.path,
        data.appendingPathComponent("refunds.csv").path,
      ], environment: cli.environment, in: cli.folder)
    try #require(converted.status == 0, "\(converted.stderr)")
    let digest = cli.databaseDigest()
    let unread = try cli.run(["import", "refunds", chinese.path])
    #expect(unread.status == 1 && unread.stderr.contains("--encoding gb18030"), "\(unread.stderr)")
    #expect(!unread.stderr.contains("empty") && unread.stderr.split(separator: "\n").count == 1)
    #expect(cli.databaseDigest() == digest, "nothing written")
    let read = try cli.run(["import", "refunds", chinese.path, "--encoding", "gb18030", "--format", "json"])
    #expect(read.status == 0 && read.stdout.contains("\"committed\":true"), "\(read.stdout) \(read.stderr)")
    #expect(try cli.run(["audit"]).status == 0)
  }

  @Test(arguments: TestStore.all)
  func stdinIsAFileToo(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    cli.environment["JIANGUAN_NOW"] = "2027-09-28T12:00"  // the generator's "now"
    let data = try bureau(cli)
    let process = ChildProcess()
    process.executableURL = CLI.binary
    process.arguments = ["import", "payments", "-", "--format", "json"]
    process.environment = cli.environment
    process.currentDirectoryURL = cli.folder
    process.standardInput = try FileHandle(forReadingFrom: data.appendingPathComponent("payments.csv"))
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(String(decoding: output, as: UTF8.self).contains("\"committed\":true"))
  }
}

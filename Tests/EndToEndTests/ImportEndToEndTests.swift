import Foundation
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

  @Test func aGeneratedCityImportsTwiceWithoutDuplicatesAndAudits() throws {
    var cli = try CLI()
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

  @Test func badRowsAreReportedWithLineColumnValueAndRuleAndNothingIsWritten() throws {
    var cli = try CLI()
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
    let written = try String(contentsOf: rejects, encoding: .utf8)
    #expect(
      written.hasPrefix("line,column,value,reason\n3,hours,61,") && written.contains("\n6,amount_yuan,1e3,"))

    try Data("bank_ref,student,class,hours,amount_yuan,paid_at\nA,\"S1,B1,1,1,2026-01-01\n".utf8).write(
      to: bad)
    let malformed = try cli.run(["import", "payments", bad.path])
    #expect(
      malformed.status == 1 && malformed.stderr.contains("line 2: a quoted field is not closed"),
      "\(malformed.stderr)")
  }

  @Test func stdinIsAFileToo() throws {
    var cli = try CLI()
    defer { cli.remove() }
    cli.environment["JIANGUAN_NOW"] = "2027-09-28T12:00"  // the generator's "now"
    let data = try bureau(cli)
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = ["import", "payments", "-", "--format", "json"]
    process.environment = cli.environment
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

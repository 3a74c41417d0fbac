import Foundation
import JianguanTestSupport
import Testing

/// The read commands on a postgres:// URL answer from the state the bureau's log replays to, and
/// print what the same command prints on the file the log was copied from: the same stdout (as a
/// table and as JSON), and for a refusal the same sentence and exit status.
@Suite("read commands on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresReadTests {
  /// A file that ran the money and the parents' flows (applications refused, escalated, decided,
  /// deemed agreed; an erasure), and a URL holding a copy of its log.
  private func copiedBureau(_ server: PostgresServer, _ bureau: inout Bureau, then: [[String]] = []) throws
    -> (
      file: String, url: String
    )
  {
    let file = try bureau.classBureau()
    for request in AcrossStoresRequest.all + AcrossStoresRequest.parentFlows {
      guard let arguments = request.arguments else {
        if case .clock(let now) = request { bureau.environment["JIANGUAN_NOW"] = now }
        continue
      }
      _ = try bureau.run(arguments + ["--db", file])
    }
    for arguments in then { try bureau.ok(arguments + ["--db", file]) }
    let url = server.url(try server.createDatabase(), bureau: "340100")
    try bureau.ok(["copy", "--from", file, "--to", url])
    return (file, url)
  }

  @Test func refundApplicationsShowAndListAsOnTheFile() throws {
    let server = try PostgresServer.server()
    var bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url) = try copiedBureau(server, &bureau)
    let shown = try bureau.ok(["refund-request", "show", "RA2", "--db", url])
    // RA2 was refused by the institution, escalated and agreed by the regulator: every field shows.
    #expect(shown.stdout.contains("refused by the institution on"), "\(shown.stdout)")
    #expect(shown.stdout.contains("escalated"), "\(shown.stdout)")
    let list = try bureau.ok(["refund-request", "list", "--db", url])
    #expect(list.lines.count == 4, "a header and RA1…RA3: \(list.stdout)")
    let institution = AcrossStoresRequest.classBureauInstitution
    let refused = try bureau.compare(
      [
        ["refund-request", "show", "RA1"], ["refund-request", "show", "RA2"],
        ["refund-request", "show", "RA3"],
        ["refund-request", "list"], ["refund-request", "list", "--status", "agreed"],
        ["refund-request", "list", "--student", "S1"], ["refund-request", "list", "--parent", "P1"],
        ["refund-request", "list", "--parent", "P2"], ["refund-request", "list", "--class", "B1"],
        ["refund-request", "list", "--institution", institution],
        ["refund-request", "list", "--enrollment", "E1"],
        ["refund-request", "list", "--limit", "1"],
        ["refund-request", "list", "--limit", "1", "--after", "RA1"],
        // Refused: each with the file's sentence.
        ["refund-request", "show", "RA9"], ["refund-request", "show", "X1"],
        ["refund-request", "list", "--course", "C1"], ["refund-request", "list", "--status", "pending"],
        ["refund-request", "list", "--parent", "P9"], ["refund-request", "list", "--after", "RA9"],
        ["refund-request", "list", "--limit", "0"], ["refund-request", "list", "--institution", "X"],
        ["refund-request", "list", "--enrollment", "E9"], ["refund-request", "list", "--class", "B9"],
      ], file: file, url: url)
    #expect(refused == 10)
  }

  @Test func parentsStudentsAndContractsShowAsOnTheFile() throws {
    let server = try PostgresServer.server()
    var bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url) = try copiedBureau(server, &bureau)
    // The names are opened with the key copy put beside the working folder (jianguan-340100.key).
    let parent = try bureau.ok(["parent", "show", "P1", "--db", url])
    #expect(
      !parent.stdout.contains("(key file missing)") && parent.stdout.contains("138****"), "\(parent.stdout)")
    let erased = try bureau.ok(["parent", "show", "P3", "--db", url])
    #expect(erased.stdout.contains("erased at seq"), "\(erased.stdout)")
    let student = try bureau.ok(["student", "show", "S1", "--db", url])
    #expect(student.stdout.contains("answered refund applications"), "\(student.stdout)")
    let refused = try bureau.compare(
      [
        ["parent", "show", "P1"], ["parent", "show", "P2"], ["parent", "show", "P3"],
        ["student", "show", "S1"],
        ["student", "show", "S2"], ["student", "show", "S3"],
        // Refused: each with the file's sentence.
        ["parent", "show", "P9"], ["parent", "show", "S1"], ["student", "show", "S9"],
        ["student", "show", "P1"], ["contract", "show", "E9"], ["contract", "show", "X1"],
        ["contract", "show", "E1"], ["contract", "show", "E2"],
      ], file: file, url: url)
    #expect(refused == 6)
    // The e-contract names the parent (opened with the key) and masks the student's name.
    let contract = try bureau.ok(["contract", "show", "E1", "--format", "json", "--db", url])
    #expect(
      contract.stdout.contains("\"parentName\"") && contract.stdout.contains("\"studentMaskedName\""),
      "\(contract.stdout)")
    // Without the key file the names show as on a file without its key; --key is for a URL only.
    let keyless = try bureau.ok(["parent", "show", "P1", "--key", bureau.path("none.key"), "--db", url])
    #expect(keyless.stdout.contains("(key file missing)"), "\(keyless.stdout)")
    let onFile = try bureau.run(["parent", "show", "P1", "--key", bureau.path("none.key"), "--db", file])
    #expect(
      onFile.status == 1 && onFile.stderr.contains("names the key file of a PostgreSQL store"),
      "\(onFile.stderr)")
  }

  @Test func institutionsCoursesClassesAndRatingsShowAsOnTheFile() throws {
    let server = try PostgresServer.server()
    var bureau = try Bureau()
    defer { bureau.remove() }
    let uscc = AcrossStoresRequest.classBureauInstitution
    let (file, url) = try copiedBureau(
      server, &bureau,
      then: [
        [
          "course", "add", "--institution", uscc, "--name", "足球", "--category", "体育", "--delivery", "offline",
          "--lesson-minutes", "60", "--hours", "20", "--price-per-hour", "80", "--class-size", "under10",
        ],
        [
          "class", "add", "--course", "C2", "--venue", "V1", "--teacher", "T1", "--capacity", "5", "--starts",
          "2026-08-01", "--ends", "2026-12-26", "--schedule", "Sat 14:00-15:00",
        ],
        [
          "pay", "--student", "S1", "--class", "B2", "--hours", "4", "--amount", "320", "--bank-ref",
          "PAY-9",
          "--at", "2026-07-21T09:00",
        ],
        ["institution", "suspend", uscc, "--reason", "消防检查不合格"],
      ])
    let shown = try bureau.ok(["institution", "show", uscc, "--db", url])
    #expect(shown.stdout.contains("suspended (消防检查不合格)"), "\(shown.stdout)")
    let ratings = try bureau.ok(["report", "ratings", "--institution", uscc, "--db", url])
    #expect(ratings.stdout.contains("5★ 1"), "\(ratings.stdout)")
    let refused = try bureau.compare(
      [
        ["institution", "list"], ["institution", "list", "--status", "suspended"],
        ["institution", "list", "--status", "active"], ["institution", "list", "--region", "340104"],
        ["institution", "list", "--region", "340100"], ["institution", "list", "--region", "340102"],
        ["institution", "show", uscc], ["report", "ratings", "--institution", uscc],
        ["course", "list"], ["course", "list", "--institution", uscc], ["course", "list", "--after", "C1"],
        ["course", "show", "C2"], ["class", "list"], ["class", "list", "--course", "C2"],
        ["class", "list", "--limit", "1"], ["class", "show", "B1"], ["class", "show", "B2"],
        // Refused: each with the file's sentence.
        ["institution", "list", "--status", "closed"], ["institution", "list", "--region", "999999"],
        ["institution", "show", "52340104MJ9999999X"], ["report", "ratings", "--institution", "X"],
        ["course", "show", "C9"], ["course", "list", "--status", "open"],
        ["course", "list", "--course", "C1"],
        ["class", "show", "B9"], ["class", "show", "X1"], ["class", "list", "--student", "S1"],
        ["class", "list", "--course", "C9"],
      ], file: file, url: url)
    #expect(refused == 11)
    // B2's roster: S1 holds the 4 hours just paid.
    let roster = try bureau.ok(["class", "show", "B2", "--db", url])
    #expect(
      roster.stdout.contains("roster:\n") && roster.lines.last?.hasPrefix("S1 ") == true, "\(roster.stdout)")
  }
}

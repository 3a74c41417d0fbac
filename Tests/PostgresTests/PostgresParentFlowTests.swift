import Foundation
import JianguanTestSupport
import Testing

/// Refund applications, ratings, settle, erasure and credentials on a postgres:// URL go through
/// the same operations as on a file: the shared requests after the money
/// (`AcrossStoresRequest.parentFlows`, then `.credentials`) give the same outcome and sentence on
/// both stores, the same entries byte for byte, and a refusal leaves the bureau's rows as they were.
@Suite("parent flows on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresParentFlowTests {
  /// What a command printed, as JSON, without the members named `without`.
  private func object(_ result: Bureau.Result, without: Set<String> = []) throws -> [String: Any] {
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    return object.filter { !without.contains($0.key) }
  }

  /// The rule of a refused command's JSON, or nil.
  private func refusal(_ result: Bureau.Result) throws -> String? {
    (try object(result)["error"] as? [String: Any])?["code"] as? String
  }

  /// Closing an institution (`AcrossStoresRequest.closure`) on a URL: the same outcome and
  /// sentence for each command, the same entries and root as on the file.
  @Test func closingAnInstitutionGivesTheSameEntriesOnPostgres() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let file = try bureau.classBureau(capacity: 3)
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340100")
    try bureau.ok(["copy", "--from", file, "--to", url])
    var refusals: [String] = []
    for request in AcrossStoresRequest.closure {
      let command = request.arguments! + ["--format", "json"]
      let onFile = try bureau.run(command + ["--db", file])
      let before = try server.contentDigest(database)
      let onURL = try bureau.run(command + ["--db", url])
      #expect(onURL.status == onFile.status, "\(command): \(onURL.stderr)")
      #expect(onURL.stdout == onFile.stdout && onURL.stderr == onFile.stderr, "\(command)")
      if let rule = try refusal(onURL) {
        refusals.append(rule)
        #expect(try server.contentDigest(database) == before, "a refusal writes nothing: \(command)")
      }
    }
    #expect(refusals == ["institution_already_revoked", "institution_not_active"])
    let entries = try bureau.export(url)
    #expect(entries == (try bureau.export(file)))
    #expect(entries.last?.contains("\"institution.revoked\"") == true)
    let audit = try bureau.ok(["audit", "--db", url])
    #expect(
      audit.lines.first == "audit ok: \(entries.count) entries, Merkle root \(try bureau.auditRoot(file))")
    let balance = [
      "balance", "--institution", AcrossStoresRequest.classBureauInstitution, "--format", "json",
    ]
    #expect(try bureau.ok(balance + ["--db", url]).stdout == bureau.ok(balance + ["--db", file]).stdout)
  }

  @Test func theParentFlowsAndCredentialsGiveTheSameOutcomesAndEntriesOnPostgres() throws {
    let server = try PostgresServer.server()
    var bureau = try Bureau()
    defer { bureau.remove() }
    let file = try bureau.classBureau()
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340100")
    try bureau.ok(["copy", "--from", file, "--to", url])
    for request in AcrossStoresRequest.all {
      let command = request.arguments! + ["--format", "json"]
      #expect(try bureau.run(command + ["--db", file]).stdout == bureau.run(command + ["--db", url]).stdout)
    }

    var refusals: [String] = []
    for request in AcrossStoresRequest.parentFlows {
      guard let arguments = request.arguments else {
        if case .clock(let now) = request { bureau.environment["JIANGUAN_NOW"] = now }
        continue
      }
      let command = arguments + ["--format", "json"]
      let onFile = try bureau.run(command + ["--db", file])
      let before = try server.contentDigest(database)
      let onURL = try bureau.run(command + ["--db", url])
      #expect(onURL.status == onFile.status, "\(arguments): \(onURL.stderr)")
      #expect(onURL.stdout == onFile.stdout, "\(arguments)")
      #expect(onURL.stderr == onFile.stderr, "\(arguments)")
      if let rule = try refusal(onURL) {
        refusals.append(rule)
        #expect(try server.contentDigest(database) == before, "a refusal writes nothing: \(arguments)")
      }
    }
    #expect(refusals == AcrossStoresRequest.parentFlowRefusals)
    let entries = try bureau.export(url)
    #expect(entries == (try bureau.export(file)))
    let kinds = try entries.suffix(AcrossStoresRequest.parentFlowKinds.count).map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["kind"]
        as? String
    }
    #expect(kinds == AcrossStoresRequest.parentFlowKinds)
    let audit = try bureau.ok(["audit", "--db", url])
    #expect(
      audit.lines.first == "audit ok: \(entries.count) entries, Merkle root \(try bureau.auditRoot(file))")
    // The erased family (P3 and S3): their sealed rows hold nothing any more; the others' do.
    #expect(
      try server.sql(
        database, "SELECT count(*) FROM jianguan.persons WHERE sealed IS NULL AND masked_id = '(erased)'")
        == "2")
    #expect(try server.sql(database, "SELECT count(*) FROM jianguan.persons WHERE sealed IS NOT NULL") == "4")

    // Copied back, the file's tables agree with the file that ran the same requests.
    let back = bureau.path("back.sqlite")
    try bureau.ok(["copy", "--from", url, "--to", back])
    #expect(try bureau.auditRoot(back) == bureau.auditRoot(file))
    for read in [
      ["refund-request", "show", "RA2"], ["refund-request", "show", "RA3"], ["parent", "show", "P3"],
      ["student", "show", "S1"],
      ["report", "ratings", "--institution", AcrossStoresRequest.classBureauInstitution],
    ] {
      let original = try bureau.run(read + ["--db", file])
      #expect(original.status == 0, "\(read): \(original.stderr)")
      #expect(try bureau.run(read + ["--db", back]).stdout == original.stdout, "\(read)")
    }

    // Credentials: a token is made afresh each time, so the outcomes and sentences compare, and
    // the entries but for their token hash.
    refusals = []
    for request in AcrossStoresRequest.credentials {
      let command = request.arguments! + ["--format", "json"]
      let onFile = try bureau.run(command + ["--db", file])
      let before = try server.contentDigest(database)
      let onURL = try bureau.run(command + ["--db", url])
      #expect(onURL.status == onFile.status && onURL.stderr == onFile.stderr, "\(command)")
      #expect(
        NSDictionary(dictionary: try object(onURL, without: ["token"]))
          == NSDictionary(dictionary: try object(onFile, without: ["token"])), "\(command)")
      if let rule = try refusal(onURL) {
        refusals.append(rule)
        #expect(try server.contentDigest(database) == before, "a refusal writes nothing: \(command)")
      }
    }
    #expect(refusals == AcrossStoresRequest.credentialRefusals)
    let list = ["credential", "list"]
    #expect(try bureau.ok(list + ["--db", url]).stdout == bureau.ok(list + ["--db", file]).stdout)
    // Each entry's kind and payload; the token hashes (and so the chain's hashes) differ.
    func payloads(_ lines: [String]) throws -> [NSDictionary] {
      try lines.map { line in
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let entry = try #require(object["entry"] as? [String: Any])
        var payload = try #require(entry["payload"] as? [String: Any])
        payload["tokenHash"] = nil
        return NSDictionary(dictionary: ["kind": object["kind"] ?? "", "payload": payload])
      }
    }
    let withCredentials = try bureau.export(url)
    #expect(try payloads(withCredentials) == payloads(try bureau.export(file)))
    #expect(withCredentials.count == entries.count + 5)
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok") == true)

    // P3's ID number, erased, registers again, under its next commitment, on both stores.
    let again = [
      "parent", "register", "--name", "家长", "--id-number", Bureau.residentID(3, year: 1985), "--phone",
      "13800138000",
    ]
    let onFile = try bureau.ok(again + ["--db", file])
    #expect(try bureau.ok(again + ["--db", url]).stdout == onFile.stdout)
    #expect(try server.sql(database, "SELECT count(*) FROM jianguan.persons WHERE sealed IS NOT NULL") == "5")
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok") == true)
  }
}

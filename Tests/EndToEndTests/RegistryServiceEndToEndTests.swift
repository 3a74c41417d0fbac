import Foundation
import JianguanTestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The registry's writes through `jianguan serve`, as the README's "Run the service" shows them,
/// seen by the command line on the same database while the service runs.
struct RegistryServiceEndToEndTests {
  /// POSTs `body` with `token`; the status and the body parsed as a JSON object.
  static func post(_ base: String, _ path: String, token: String, body: String) async throws
    -> (status: Int, object: [String: Any])
  {
    var request = URLRequest(url: URL(string: base + path)!)
    request.httpMethod = "POST"
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body.utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
  }

  @Test(arguments: TestStore.all)
  func aClassRegisteredOverHTTPIsTheCommandLinesClass(store: TestStore) async throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    try cli.useDemoDatabase()
    // The README's examples run on the demo's database at this moment.
    cli.environment["JIANGUAN_NOW"] = "2026-04-26T12:00"
    #expect(
      try cli.run(["key", "generate", "--name", "jianguan.110000.example/ledger", "--out", "bureau.key"])
        .status == 0)
    let classB1 = try cli.run(["class", "show", "B1", "--format", "json"]).stdout
    let uscc = String(try #require(classB1.firstMatch(of: /"institution":"([0-9A-Z]{18})"/)?.1))
    let institution = try BrowserEndToEndTests.token(cli, ["--role", "institution", "--institution", uscc])
    let regulator = try BrowserEndToEndTests.token(cli, ["--role", "regulator"])
    let (server, base) = try BrowserEndToEndTests.serve(cli)
    defer {
      server.terminate()
      server.waitUntilExit()
    }
    // README: "institution: open a class of its own course, in its own venue, with its own teacher".
    let opened = try await Self.post(
      base, "/v1/classes", token: institution,
      body:
        #"{"course":"C1","venue":"V1","teacher":"T1","capacity":6,"starts":"2026-05-09","ends":"2026-07-31","schedule":"Wed 18:00-19:00"}"#
    )
    #expect(opened.status == 200, "\(opened.object)")
    let classID = try #require(opened.object["id"] as? String)
    let shown = try cli.run(["class", "show", classID, "--format", "json"])
    #expect(shown.status == 0 && shown.stdout.contains(#""schedule":"Wed 18:00-19:00""#), "\(shown.stdout)")
    // A bank may not: the same request is 403 and the command line sees no new class.
    let bank = try BrowserEndToEndTests.token(cli, ["--role", "bank", "--bank", "中国银行"])
    let refused = try await Self.post(
      base, "/v1/venues", token: bank,
      body: #"{"institution":"\#(uscc)","address":"北京市东城区文化路9号","areaM2":90}"#)
    #expect(refused.status == 403)
    // README: "regulator: the daily settle".
    let settled = try await Self.post(base, "/v1/settle", token: regulator, body: "{}")
    #expect(settled.status == 200 && settled.object["asOf"] as? String == "2026-04-26", "\(settled.object)")
    // The demo's lessons were all settled by 21 April: the run answers, and records nothing more.
    let released = try #require(settled.object["released"] as? [[String: Any]]).compactMap {
      $0["id"] as? String
    }
    for lesson in released {
      let row = try cli.run(["lesson", "show", lesson, "--format", "json"]).stdout
      #expect(row.contains(#""status":"released""#), "\(row)")
    }
    let audit = try cli.run(["audit"])
    #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
  }
}

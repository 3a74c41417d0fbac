import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanCore
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Testing

/// Supervision over HTTP: the regulator's day, who may do what (every cell), and refusals that
/// say what the command line says and write nothing.
@Suite struct SupervisionRoutesTests {
  /// F1 (institution A, open, to rectify by 31 March, found on 5 March) and K1 (parent A's
  /// complaint about institution A), written through the store as the command line writes them.
  static func findingAndComplaint(_ fixture: ServerFixture) throws {
    var finding = FindingForm()
    finding.date = "2026-03-05"
    finding.institution = fixture.usccA
    finding.category = "safety-hazard"
    finding.actions = "rectify"
    finding.deadline = "2026-03-31"
    #expect(try fixture.database.addFinding(finding, today: fixture.clock.now.date).id == "F1")
    var complaint = ComplaintForm()
    complaint.date = "2026-03-06"
    complaint.channel = "app"
    complaint.institution = fixture.usccA
    complaint.summary = "教室消防通道堵塞"
    complaint.parent = fixture.parentA
    #expect(try fixture.database.fileComplaint(complaint, today: fixture.clock.now.date).id == "K1")
  }

  @Test(arguments: TestStore.all) func theRegulatorsDay(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    let (uscc, parent) = (fixture.usccA, fixture.parentA)
    try await fixture.serve { client in
      let regulator = fixture.tokens["regulator"]
      let action = try await client.send(
        .post, "/v1/actions", token: regulator,
        body:
          #"{"region":"340104","date":"2026-03-05","title":"春季安全检查","personVisits":12,"institutionsChecked":3,"finesFen":500000}"#
      )
      #expect(action.status == .ok && action.object["id"] as? String == "SA1", "\(action.text)")
      let measure = try await client.send(
        .post, "/v1/measures", token: regulator,
        body: #"{"region":"340104","kind":"document","title":"关于加强校外培训安全管理的通知"}"#)
      #expect(measure.status == .ok && measure.object["id"] as? String == "SM1", "\(measure.text)")
      let finding = try await client.send(
        .post, "/v1/findings", token: regulator,
        body:
          #"{"institution":"\#(uscc)","date":"2026-03-05","category":"fire-safety","actions":"rectify,fine","deadline":"2026-03-31","fineFen":200000,"inspection":"SA1"}"#
      )
      #expect(finding.status == .ok && finding.object["id"] as? String == "F1", "\(finding.text)")
      // The institution reads its order and reports it rectified; the regulator verifies.
      let own = try await client.send(.get, "/v1/findings?status=open", token: fixture.tokens["institution"])
      let records = own.object["records"] as? [[String: Any]] ?? []
      #expect(records.map { $0["id"] as? String } == ["F1"])
      #expect(records.first?["deadline"] as? String == "2026-03-31")
      #expect(
        records.first?["fineFen"] as? Int == 200000 && records.first?["fineYuan"] as? String == "2000.00")
      let rectified = try await client.send(
        .post, "/v1/findings/F1/rectify", token: fixture.tokens["institution"],
        body: #"{"date":"2026-03-09","note":"已清理消防通道"}"#)
      #expect(rectified.status == .ok, "\(rectified.text)")
      let verified = try await client.send(
        .post, "/v1/findings/F1/verify", token: regulator, body: #"{"note":"复查合格"}"#)
      #expect(verified.status == .ok, "\(verified.text)")
      // Verifying twice is the command line's refusal, word for word.
      let again = try await client.send(
        .post, "/v1/findings/F1/verify", token: regulator, body: #"{"note":"复查合格"}"#)
      #expect(again.status == .unprocessableContent && again.rule == "finding_verified_cannot_be_verified")
      #expect(
        (again.object["error"] as? [String: Any])?["message"] as? String
          == "finding F1 is verified; only a rectified finding can be marked verified")
      // A parent complains as themself; the regulator resolves it.
      let complaint = try await client.send(
        .post, "/v1/complaints", token: fixture.tokens["parent"],
        body: #"{"channel":"app","institution":"\#(uscc)","summary":"退费迟迟不到账"}"#)
      #expect(complaint.status == .ok && complaint.object["id"] as? String == "K1", "\(complaint.text)")
      let resolved = try await client.send(
        .post, "/v1/complaints/K1/resolve", token: regulator,
        body: #"{"outcome":"mediated","note":"机构已退费","refundsFen":80000}"#)
      #expect(resolved.status == .ok, "\(resolved.text)")
      // The parent and the auditor read it; the auditor reads the finding.
      let mine = try await client.send(.get, "/v1/complaints/K1", token: fixture.tokens["parent"])
      #expect(mine.object["parent"] as? String == parent && mine.object["status"] as? String == "resolved")
      let audited = try await client.send(.get, "/v1/complaints", token: fixture.tokens["auditor"])
      #expect((audited.object["records"] as? [[String: Any]])?.first?["refundsYuan"] as? String == "800.00")
      let shown = try await client.send(.get, "/v1/findings/F1", token: fixture.tokens["auditor"])
      #expect(
        shown.object["status"] as? String == "verified"
          && shown.object["verifiedOn"] as? String == "2026-03-10")
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func everyRoleAgainstEverySupervisionRoute(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    try Self.findingAndComplaint(fixture)
    let only: (String, Int) -> [String: Int] = { allowed, status in
      Dictionary(uniqueKeysWithValues: ScopeTests.roles.map { ($0, $0 == allowed ? status : 403) })
    }
    func cell(_ method: HTTPRequest.Method, _ path: String, _ body: String?, _ expected: [String: Int])
      -> ScopeTests.Cell
    {
      ScopeTests.Cell(method: method, path: path, body: body, expected: expected)
    }
    let cells: [ScopeTests.Cell] = [
      cell(
        .get, "/v1/findings/F1", nil,
        [
          "regulator": 200, "institution": 200, "institutionB": 404, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      cell(
        .get, "/v1/findings", nil,
        [
          "regulator": 200, "institution": 200, "institutionB": 200, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      cell(
        .get, "/v1/findings?institution=\(fixture.usccA)", nil,
        [
          "regulator": 200, "institution": 200, "institutionB": 404, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      cell(
        .get, "/v1/complaints/K1", nil,
        [
          "regulator": 200, "institution": 403, "institutionB": 403, "parent": 200, "parentB": 404,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      cell(
        .get, "/v1/complaints", nil,
        [
          "regulator": 200, "institution": 403, "institutionB": 403, "parent": 200, "parentB": 200,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      // Writes with a field a rule refuses, so that every role meets the same database.
      cell(
        .post, "/v1/actions", #"{"region":"340104","personVisits":1,"date":"2026-13-01"}"#,
        only("regulator", 422)),
      cell(.post, "/v1/measures", #"{"region":"340104","kind":"poster"}"#, only("regulator", 422)),
      cell(
        .post, "/v1/findings", #"{"institution":"\#(fixture.usccA)","category":"noise","actions":"rectify"}"#,
        only("regulator", 422)),
      cell(
        .post, "/v1/findings/F1/rectify", #"{"date":"2026-03-01","note":"已整改"}"#,
        [
          "regulator": 422, "institution": 422, "institutionB": 404, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
      cell(.post, "/v1/findings/F1/verify", #"{"note":"复查"}"#, only("regulator", 422)),
      cell(
        .post, "/v1/complaints", #"{"channel":"pigeon","institution":"\#(fixture.usccA)","summary":"乱收费"}"#,
        [
          "regulator": 422, "institution": 403, "institutionB": 403, "parent": 422, "parentB": 422,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
      cell(.post, "/v1/complaints/K1/resolve", #"{"outcome":"ignored","note":"-"}"#, only("regulator", 422)),
    ]
    try await ScopeTests.check(cells, on: fixture)
  }

  /// Another institution's finding and another parent's complaint answer, byte for byte, as they
  /// did before they existed; and they are not listed.
  @Test(arguments: TestStore.all) func anotherPartysRecordsAnswerAsMissingOnes(store: TestStore) async throws
  {
    let fixture = try ServerFixture(store: store)
    let asks: [(role: String, method: HTTPRequest.Method, path: String, body: String?)] = [
      ("institutionB", .get, "/v1/findings/F1", nil),
      ("institutionB", .get, "/v1/findings?after=F1", nil),
      ("institutionB", .post, "/v1/findings/F1/rectify", #"{"note":"已整改"}"#),
      ("parentB", .get, "/v1/complaints/K1", nil),
      ("parentB", .get, "/v1/complaints?after=K1", nil),
    ]
    @Sendable func answers(_ client: LiveClient) async throws -> [Answer] {
      var answers: [Answer] = []
      for ask in asks {
        answers.append(
          try await client.send(ask.method, ask.path, token: fixture.tokens[ask.role], body: ask.body))
      }
      return answers
    }
    let missing = try await fixture.serve { client in try await answers(client) }
    try Self.findingAndComplaint(fixture)
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      let hidden = try await answers(client)
      for (ask, (was, now)) in zip(asks, zip(missing, hidden)) {
        #expect(was.status == .notFound && now.status == .notFound, "\(ask.path)")
        #expect(Array(was.body.readableBytesView) == Array(now.body.readableBytesView), "\(ask.path)")
      }
      let listed = try await client.send(.get, "/v1/findings", token: fixture.tokens["institutionB"])
      #expect((listed.object["records"] as? [Any])?.isEmpty == true)
      let complaints = try await client.send(.get, "/v1/complaints", token: fixture.tokens["parentB"])
      #expect((complaints.object["records"] as? [Any])?.isEmpty == true)
      // Owners and overseers see them.
      let own = try await client.send(.get, "/v1/findings", token: fixture.tokens["institution"])
      #expect((own.object["records"] as? [[String: Any]])?.map { $0["id"] as? String } == ["F1"])
    }
    #expect(try fixture.snapshot() == before)
  }

  /// A parent complains as themself only; naming another parent is the store's "not a
  /// registered parent", and writes nothing.
  @Test(arguments: TestStore.all) func aParentCannotComplainInAnothersName(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      let other = try await client.send(
        .post, "/v1/complaints", token: fixture.tokens["parent"],
        body:
          #"{"channel":"app","institution":"\#(fixture.usccA)","summary":"乱收费","parent":"\#(fixture.parentB)"}"#
      )
      #expect(other.status == .notFound && other.rule == "parent_unknown", "\(other.text)")
      #expect(
        (other.object["error"] as? [String: Any])?["message"] as? String
          == "--parent \"\(fixture.parentB)\" is not a registered parent")
      let unknownField = try await client.send(
        .post, "/v1/findings", token: fixture.tokens["regulator"],
        body: #"{"institution":"\#(fixture.usccA)","category":"other","actions":"interview","colour":"red"}"#)
      #expect(unknownField.status == .badRequest && unknownField.rule == "field_unknown")
      #expect(unknownField.text.contains("\\\"colour\\\""))
      let badStatus = try await client.send(
        .get, "/v1/findings?status=closed", token: fixture.tokens["regulator"])
      #expect(badStatus.status == .unprocessableContent && badStatus.rule == "status_unknown")
    }
    #expect(try fixture.snapshot() == before)
  }
}

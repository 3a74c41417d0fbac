import Foundation
import HTTPTypes
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Testing

/// The e-contract, ratings, escalation and the regulator's resolution of a disputed lesson over
/// HTTP: each for its roles only, with the CLI's sentences, and the audit passing after.
@Suite struct ParentFlowRoutesTests {
  @Test(arguments: TestStore.all) func aParentsTermOverHTTP(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    try fixture.enrollmentWithPendingLesson(ref: "BOC-F1")
    try await fixture.serve { client in
      let parent = fixture.tokens["parent"]
      // The contract: its owner, its institution and the regulator; nobody else learns it exists.
      let contract = try await client.send(.get, "/v1/contracts/E1", token: parent)
      #expect(
        contract.status == .ok && (contract.object["text"] as? String)?.contains("中小学生校外培训服务合同") == true)
      #expect((contract.object["terms"] as? [String: Any])?["enrollment"] as? String == "E1")
      #expect(
        try await client.send(.get, "/v1/contracts/E1", token: fixture.tokens["institution"]).status == .ok)
      let other = try await client.send(.get, "/v1/contracts/E1", token: fixture.tokens["parentB"])
      let none = try await client.send(.get, "/v1/contracts/E9", token: fixture.tokens["parentB"])
      #expect(other.status == .notFound && none.status == .notFound)
      #expect(
        try await client.send(.get, "/v1/contracts/E1", token: fixture.tokens["auditor"]).status == .forbidden
      )

      // A rating before any lesson was released is refused with the CLI's rule; nothing written.
      let early = try await client.send(
        .post, "/v1/ratings", token: parent, body: #"{"enrollment":"E1","score":5}"#)
      #expect(early.status == .unprocessableContent, "\(early.text)")
      // The parent disputes the lesson; the regulator releases it; then the rating is taken.
      let dispute = try await client.send(
        .post, "/v1/lessons/L1/dispute", token: parent, body: #"{"reason":"老师缺席"}"#)
      #expect(dispute.status == .ok, "\(dispute.text)")
      let byParent = try await client.send(
        .post, "/v1/lessons/L1/resolve", token: parent, body: #"{"release":true,"reason":"核实已上课"}"#)
      #expect(byParent.status == .forbidden)
      let resolved = try await client.send(
        .post, "/v1/lessons/L1/resolve", token: fixture.tokens["regulator"],
        body: #"{"release":true,"reason":"核实已上课"}"#)
      #expect(resolved.status == .ok, "\(resolved.text)")
      let rating = try await client.send(
        .post, "/v1/ratings", token: parent, body: #"{"enrollment":"E1","score":4,"comment":"不错"}"#)
      #expect(rating.status == .ok, "\(rating.text)")
      let badScore = try await client.send(
        .post, "/v1/ratings", token: parent, body: #"{"enrollment":"E1","score":9}"#)
      #expect(badScore.status == .unprocessableContent || badScore.status == .badRequest)

      // A refund application refused by the institution, taken to the regulator, decided.
      let applied = try await client.send(
        .post, "/v1/refund-requests", token: parent, body: #"{"enrollment":"E1","hours":2,"reason":"搬家"}"#)
      #expect(applied.status == .ok, "\(applied.text)")
      let id = try #require(applied.object["id"] as? String)
      let refused = try await client.send(
        .post, "/v1/refund-requests/\(id)/answer", token: fixture.tokens["institution"],
        body: #"{"agree":false,"reason":"课程已过半"}"#)
      #expect(refused.status == .ok, "\(refused.text)")
      let strangers = try await client.send(
        .post, "/v1/refund-requests/\(id)/escalate", token: fixture.tokens["parentB"],
        body: #"{"reason":"不服"}"#)
      #expect(strangers.status == .notFound)
      let escalated = try await client.send(
        .post, "/v1/refund-requests/\(id)/escalate", token: parent, body: #"{"reason":"不服机构答复"}"#)
      #expect(escalated.status == .ok, "\(escalated.text)")
      let decided = try await client.send(
        .post, "/v1/refund-requests/\(id)/decide", token: fixture.tokens["regulator"],
        body: #"{"agree":true,"reason":"符合退费条件"}"#)
      #expect(decided.status == .ok, "\(decided.text)")
    }
    #expect(try fixture.database.audit().ok)
  }
}

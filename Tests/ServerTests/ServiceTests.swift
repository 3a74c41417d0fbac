import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanCore
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Testing

/// The service end to end on a live loopback port: health, metrics, credentials, refusals.
@Suite struct ServiceTests {
  @Test(arguments: TestStore.all) func healthNeedsNoCredentialAndTheV1RoutesDo(store: TestStore) async throws
  {
    let fixture = try ServerFixture(store: store)
    try await fixture.serve { client in
      #expect(try await client.send(.get, "/health", token: nil).status == .ok)
      let missing = try await client.send(.get, "/v1/institutions", token: nil)
      #expect(missing.status == .unauthorized)
      #expect(missing.rule == "credential_missing")
      let unknown = try await client.send(.get, "/v1/institutions", token: "not-a-token")
      #expect(unknown.status == .unauthorized)
      #expect(unknown.rule == "credential_invalid")
      let auditor = try #require(fixture.database.credentials().first { $0.principal.role == .auditor })
      _ = try fixture.database.revokeCredential(auditor.principal.credential, reason: "离职")
      #expect(
        try await client.send(.get, "/v1/ledger", token: fixture.tokens["auditor"]).status == .unauthorized)
    }
  }

  @Test(arguments: TestStore.all) func metricsCountRequestsByRoutePatternNeverByThePathSent(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    try await fixture.serve { client in
      _ = try await client.send(.get, "/v1/classes/\(fixture.classA)", token: fixture.tokens["regulator"])
      let metrics = try await client.send(.get, "/metrics", token: nil).text
      #expect(metrics.contains("jianguan_http_requests_total"))
      #expect(metrics.contains(#"route="/v1/classes/{id}""#), "\(metrics)")
      #expect(!metrics.contains(fixture.classA + "\""), "a record id leaked into the metrics")
    }
  }

  @Test(arguments: TestStore.all) func aPaymentIsAnEnrollmentAndItsRetryGetsTheSameAnswer(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    try await fixture.serve { client in
      let body = fixture.paymentJSON(student: fixture.studentA, classID: fixture.classA, ref: "BOC-1")
      let first = try await client.send(.post, "/v1/payments", token: fixture.tokens["bank"], body: body)
      #expect(first.status == .ok, "\(first.text)")
      #expect(first.object["id"] as? String == "E1")
      let retry = try await client.send(.post, "/v1/payments", token: fixture.tokens["bank"], body: body)
      #expect(retry.status == .ok && retry.text == first.text)
      // Found by schemathesis: `all=` (empty) was taken for no parameter; only all=true says "all".
      let emptyAll = try await client.send(.get, "/v1/balance?all=", token: fixture.tokens["regulator"])
      #expect(emptyAll.status == .badRequest, "\(emptyAll.text)")
      let balance = try await client.send(.get, "/v1/balance?enrollment=E1", token: fixture.tokens["parent"])
      #expect(balance.object["escrowFen"] as? Int == 100_000)
      #expect(balance.object["escrowYuan"] as? String == "1000.00")
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func aRefusedRuleIs422WithTheCLIsRuleAndSentenceAndWritesNothing(
    store: TestStore
  ) async throws {
    let fixture = try ServerFixture(store: store)
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      // 6000 yuan is over the 5000-yuan cap of one charge.
      let body = fixture.paymentJSON(
        student: fixture.studentA, classID: fixture.classA, ref: "BOC-2", amountFen: 600_000)
      let response = try await client.send(.post, "/v1/payments", token: fixture.tokens["bank"], body: body)
      #expect(response.status == .unprocessableContent)
      #expect(response.rule == "amount_over_charge_cap", "\(response.text)")
      let form = fixture.paymentForm(
        student: fixture.studentA, classID: fixture.classA, ref: "BOC-2", amountYuan: "6000")
      do {
        _ = try fixture.database.pay(form, now: fixture.clock.now)
        Issue.record("the CLI's store accepted what the service refused")
      } catch let rejection as Rejection {
        #expect((response.object["error"] as? [String: Any])?["message"] as? String == rejection.message)
      }
    }
    #expect(try fixture.snapshot() == before)
  }

  @Test(arguments: TestStore.all) func badBodiesAre400or413AndNameTheField(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      let bank = fixture.tokens["bank"]
      let unknownField = try await client.send(
        .post, "/v1/payments", token: bank,
        body: #"{"student":"S1","class":"B1","hours":1,"amountFen":1,"bankRef":"X","tip":1}"#)
      #expect(
        unknownField.status == .badRequest && unknownField.text.contains(#"\"tip\""#), "\(unknownField.text)")
      let missing = try await client.send(.post, "/v1/payments", token: bank, body: #"{"student":"S1"}"#)
      #expect(missing.status == .badRequest && missing.text.contains(#"\"class\""#), "\(missing.text)")
      let wrongType = try await client.send(
        .post, "/v1/payments", token: bank,
        body: #"{"student":"S1","class":"B1","hours":"ten","amountFen":1,"bankRef":"X"}"#)
      #expect(wrongType.status == .badRequest && wrongType.text.contains(#"\"hours\""#), "\(wrongType.text)")
      let notJSON = try await client.send(.post, "/v1/payments", token: bank, body: "{student")
      #expect(notJSON.status == .badRequest)
      let huge = try await client.send(
        .post, "/v1/payments", token: bank,
        body: String(repeating: " ", count: ServerLimits.bodyBytesMax + 1) + "{}")
      #expect(huge.status == .contentTooLarge)
    }
    #expect(try fixture.snapshot() == before)
  }

  @Test(arguments: TestStore.all) func aCredentialOverItsRateIs429WithRetryAfter(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    var options = ServerOptions()
    // Three at once, then one every 1000 s: however slow the machine, the fourth is over.
    options.requestsPerSecond = 0.001
    options.rateLimitBurst = 3
    try await fixture.serve(options: options) { client in
      var statuses: [Int] = []
      var retryAfter: String?
      for _ in 0..<8 {
        let response = try await client.send(.get, "/v1/ledger?limit=1", token: fixture.tokens["auditor"])
        statuses.append(Int(response.status.code))
        if response.status == .tooManyRequests { retryAfter = response.headers[.retryAfter] }
      }
      #expect(statuses == [200, 200, 200, 429, 429, 429, 429, 429], "\(statuses)")
      #expect(retryAfter.flatMap(Int.init) ?? 0 >= 1)
      // Another credential is not held back by the first one's rate.
      #expect(
        try await client.send(.get, "/v1/ledger?limit=1", token: fixture.tokens["regulator"]).status == .ok)
    }
  }

  /// Found by schemathesis: seq=0 was a 500; it is the command line's refusal of a position.
  @Test(arguments: TestStore.all) func aLogPositionIsParsedAsTheCommandLineParsesIt(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    try await fixture.serve { client in
      let auditor = fixture.tokens["auditor"]
      for path in ["/v1/proofs/inclusion?seq=0", "/v1/proofs/consistency?old=0&new=1", "/v1/ledger?from=-1"] {
        let response = try await client.send(.get, path, token: auditor)
        #expect(response.status == .badRequest, "\(path): \(response.text)")
      }
      let beyond = try await client.send(.get, "/v1/proofs/inclusion?seq=999999", token: auditor)
      #expect(beyond.status == .unprocessableContent && beyond.rule == "seq_beyond_size", "\(beyond.text)")
    }
  }

  /// Found by schemathesis: a route asked with a method it does not take is 405, not 404.
  @Test(arguments: TestStore.all) func aRouteWithAnotherMethodIs405AndSaysWhichItTakes(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    try await fixture.serve { client in
      let response = try await client.send(.put, "/v1/lessons/L1/confirm", token: fixture.tokens["parent"])
      #expect(response.status == .methodNotAllowed)
      #expect(response.headers[.allow] == "POST")
      #expect(try await client.send(.get, "/v1/nothing/here", token: nil).status == .notFound)
    }
  }

  @Test func aPublicAddressWithoutTLSIsRefusedUnlessInsecurePublic() throws {
    var options = ServerOptions()
    options.host = "0.0.0.0"
    #expect(throws: Rejection.self) { try options.validate() }
    options.insecurePublic = true
    try options.validate()
    #expect(options.startLine(port: 8080).contains("TLS off"))
    options.tlsCertificatePath = "cert.pem"
    #expect(throws: Rejection.self) { try options.validate() }
  }
}

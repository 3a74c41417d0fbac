import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanCore
import JianguanServer
import JianguanStore
import Testing

/// The service end to end on a live loopback port: health, metrics, credentials, refusals.
@Suite struct ServiceTests {
  @Test func healthNeedsNoCredentialAndTheV1RoutesDo() async throws {
    let fixture = try ServerFixture()
    try await fixture.application().test(.live) { client in
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

  @Test func metricsCountRequestsByRoutePatternNeverByThePathSent() async throws {
    let fixture = try ServerFixture()
    try await fixture.application().test(.live) { client in
      _ = try await client.send(.get, "/v1/classes/\(fixture.classA)", token: fixture.tokens["regulator"])
      let metrics = try await client.send(.get, "/metrics", token: nil).text
      #expect(metrics.contains("jianguan_http_requests_total"))
      #expect(metrics.contains(#"route="/v1/classes/{id}""#), "\(metrics)")
      #expect(!metrics.contains(fixture.classA + "\""), "a record id leaked into the metrics")
    }
  }

  @Test func aPaymentIsAnEnrollmentAndItsRetryGetsTheSameAnswer() async throws {
    let fixture = try ServerFixture()
    try await fixture.application().test(.live) { client in
      let body = fixture.paymentJSON(student: fixture.studentA, classID: fixture.classA, ref: "BOC-1")
      let first = try await client.send(.post, "/v1/payments", token: fixture.tokens["bank"], body: body)
      #expect(first.status == .ok, "\(first.text)")
      #expect(first.object["id"] as? String == "E1")
      let retry = try await client.send(.post, "/v1/payments", token: fixture.tokens["bank"], body: body)
      #expect(retry.status == .ok && retry.text == first.text)
      let balance = try await client.send(.get, "/v1/balance?enrollment=E1", token: fixture.tokens["parent"])
      #expect(balance.object["escrowFen"] as? Int == 100_000)
      #expect(balance.object["escrowYuan"] as? String == "1000.00")
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test func aRefusedRuleIs422WithTheCLIsRuleAndSentenceAndWritesNothing() async throws {
    let fixture = try ServerFixture()
    let before = try fixture.snapshot()
    try await fixture.application().test(.live) { client in
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

  @Test func badBodiesAre400or413AndNameTheField() async throws {
    let fixture = try ServerFixture()
    let before = try fixture.snapshot()
    try await fixture.application().test(.live) { client in
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

  @Test func aCredentialOverItsRateIs429WithRetryAfter() async throws {
    let fixture = try ServerFixture()
    var options = ServerOptions()
    options.requestsPerSecond = 2
    try await fixture.application(options: options).test(.live) { client in
      var statuses: [Int] = []
      var retryAfter: String?
      for _ in 0..<8 {
        let response = try await client.send(.get, "/v1/ledger?limit=1", token: fixture.tokens["auditor"])
        statuses.append(Int(response.status.code))
        if response.status == .tooManyRequests { retryAfter = response.headers[.retryAfter] }
      }
      #expect(statuses.prefix(4).allSatisfy { $0 == 200 }, "\(statuses)")
      #expect(statuses.contains(429), "\(statuses)")
      #expect(retryAfter.flatMap(Int.init) ?? 0 >= 1)
      // Another credential is not held back by the first one's rate.
      #expect(
        try await client.send(.get, "/v1/ledger?limit=1", token: fixture.tokens["regulator"]).status == .ok)
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

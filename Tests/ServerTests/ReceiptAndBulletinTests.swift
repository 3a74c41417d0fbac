import Foundation
import HTTPTypes
import JianguanLedger
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Testing

/// Receipts over HTTP: signed with `serve --key`, for the records the credential may see; the
/// bulletin as a report for the regulator and the auditor.
@Suite struct ReceiptAndBulletinTests {
  @Test(arguments: TestStore.all) func aParentsReceiptVerifiesOfflineAndOthersAreRefused(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    var options = ServerOptions()
    let signer = try NoteSigner.generate(name: "jianguan.340100.example/ledger")
    options.signer = signer
    try await fixture.serve(options: options) { client in
      let pay = fixture.paymentJSON(student: fixture.studentA, classID: fixture.classA, ref: "BOC-R1")
      #expect(
        try await client.send(.post, "/v1/payments", token: fixture.tokens["bank"], body: pay).status == .ok)
      let receipt = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["parent"], body: #"{"enrollment":"E1"}"#)
      #expect(receipt.status == .ok, "\(receipt.text)")
      let verified = try Receipt.parse(json: Array(receipt.text.utf8)).verify(verifier: signer.verifier)
      #expect(verified.checkpoint.size >= 1)
      // Another family's enrollment is answered as one that does not exist; a seq is the regulator's.
      let other = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["parentB"], body: #"{"enrollment":"E1"}"#)
      let missing = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["parent"], body: #"{"enrollment":"E99"}"#)
      #expect(
        other.status == .notFound && other.text == missing.text.replacingOccurrences(of: "E99", with: "E1"))
      let bySeq = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["parent"], body: #"{"seq":1}"#)
      #expect(bySeq.status == .forbidden)
      let regulator = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["regulator"], body: #"{"seq":1}"#)
      #expect(regulator.status == .ok)
      let two = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["regulator"], body: #"{"seq":1,"enrollment":"E1"}"#)
      #expect(two.status == .badRequest && two.rule == "receipt_target")
      let auditor = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["auditor"], body: #"{"seq":1}"#)
      #expect(auditor.status == .forbidden, "an auditor writes nothing, and a receipt signs a checkpoint")

      let bulletin = try await client.send(
        .get, "/v1/reports/bulletin?date=2026-03-01", token: fixture.tokens["auditor"])
      #expect(bulletin.status == .ok && bulletin.object["date"] as? String == "2026-03-01")
      #expect((bulletin.object["html"] as? String)?.contains("“双减”改革每日快报") == true)
      let bad = try await client.send(
        .get, "/v1/reports/bulletin?date=2026-02-30", token: fixture.tokens["regulator"])
      #expect(bad.status == .unprocessableContent || bad.status == .badRequest, "\(bad.text)")
      let parent = try await client.send(.get, "/v1/reports/bulletin", token: fixture.tokens["parent"])
      #expect(parent.status == .forbidden)
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func withoutTheKeyAReceiptIs503AndWritesNothing(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      let receipt = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["regulator"], body: #"{"seq":1}"#)
      #expect(receipt.status == .serviceUnavailable && receipt.rule == "signing_key_missing")
    }
    #expect(try fixture.snapshot() == before)
  }
}

extension ReceiptAndBulletinTests {
  @Test(arguments: TestStore.all) func aRouteARoleNeverUsesIs403InOneSentence(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    try await fixture.serve { client in
      let auditor = try await client.send(
        .post, "/v1/receipts", token: fixture.tokens["auditor"], body: #"{"seq":1}"#)
      #expect(
        auditor.status == .forbidden
          && auditor.text.contains("an auditor credential may not use POST /v1/receipts"))
      let bank = try await client.send(.get, "/v1/reports/bulletin", token: fixture.tokens["bank"])
      #expect(
        bank.status == .forbidden
          && bank.text.contains("a bank credential may not use GET /v1/reports/bulletin"))
    }
  }
}

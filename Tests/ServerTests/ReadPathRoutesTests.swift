import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Testing

/// Reads served on connections of their own: the principals they keep are forgotten as soon as
/// a credential entry (or an erasure) is committed, and many reads at once all answer.
@Suite struct ReadPathRoutesTests {
  @Test(arguments: TestStore.all) func aRevokedCredentialIsRefusedOnItsNextRequest(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    try fixture.enrollmentWithPendingLesson()
    try await fixture.serve { client in
      // Several requests, so that every read connection has admitted the token.
      for _ in 0..<4 {
        let read = try await client.send(.get, "/v1/balance?enrollment=E1", token: fixture.tokens["bank"])
        #expect(read.status == .ok)
      }
      // `credential revoke` from the command line: another connection to the file.
      let bank = try fixture.database.credentials().first { $0.principal.role == .bank }!
      _ = try fixture.database.revokeCredential(bank.principal.credential, reason: "银行更换系统")
      let refused = try await client.send(.get, "/v1/balance?enrollment=E1", token: fixture.tokens["bank"])
      #expect(refused.status == .unauthorized && refused.rule == "credential_invalid")
      // The parent's credential works until the regulator erases the parent over HTTP.
      let parent = fixture.tokens["parent"]
      #expect(try await client.send(.get, "/v1/balance?enrollment=E1", token: parent).status == .ok)
      let erased = try await client.send(
        .post, "/v1/parents/\(fixture.parentA)/erase", token: fixture.tokens["regulator"],
        body: #"{"reason":"家长申请删除","confirm":true}"#)
      #expect(erased.status == .ok, "\(erased.text)")
      let gone = try await client.send(.get, "/v1/balance?enrollment=E1", token: parent)
      #expect(gone.status == .unauthorized && gone.rule == "credential_invalid")
    }
  }

  /// 64 balance reads at once, on as many connections: every one answers the same figures.
  @Test(arguments: TestStore.all) func manyReadsAtOnceAllAnswer(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    try fixture.enrollmentWithPendingLesson()
    try await fixture.serve { client in
      let expected = try await client.send(.get, "/v1/balance?enrollment=E1", token: fixture.tokens["parent"])
      #expect(expected.status == .ok && expected.object["hoursPending"] as? Int == 1)
      let bodies = try await withThrowingTaskGroup(of: String.self) { group in
        for index in 0..<64 {
          group.addTask {
            try await client.connection { connection in
              let token = fixture.tokens[index % 2 == 0 ? "parent" : "institution"]
              let answer = try await connection.send(.get, "/v1/balance?enrollment=E1", token: token)
              return "\(answer.status.code) \(answer.text)"
            }
          }
        }
        return try await group.reduce(into: [String]()) { $0.append($1) }
      }
      #expect(bodies.count == 64)
      #expect(Set(bodies) == ["200 \(expected.text)"])
    }
  }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Testing

/// Who may do what: every role against every route, and that a record outside one's scope
/// answers exactly as one that does not exist.
@Suite struct ScopeTests {
  @Test(arguments: TestStore.all) func anInstitutionCannotTellAnothersEnrollmentFromAMissingOne(
    store: TestStore
  ) async throws {
    let fixture = try ServerFixture(store: store)
    try await fixture.serve { client in
      let other = fixture.tokens["institutionB"]
      let paths = [
        "/v1/enrollments/E1", "/v1/balance?enrollment=E1", "/v1/lessons?enrollment=E1",
      ]
      var missing: [Answer] = []
      for path in paths { missing.append(try await client.send(.get, path, token: other)) }
      let paid = try await client.send(
        .post, "/v1/payments", token: fixture.tokens["bank"],
        body: fixture.paymentJSON(student: fixture.studentA, classID: fixture.classA, ref: "BOC-9"))
      #expect(paid.object["id"] as? String == "E1")
      for (path, before) in zip(paths, missing) {
        let after = try await client.send(.get, path, token: other)
        #expect(after.status == .notFound && before.status == .notFound, "\(path)")
        #expect(Array(after.body.readableBytesView) == Array(before.body.readableBytesView), "\(path)")
        #expect(after.headers[.contentLength] == before.headers[.contentLength])
      }
      // …and its owner does see it.
      #expect(
        try await client.send(.get, "/v1/enrollments/E1", token: fixture.tokens["institution"]).status == .ok)
      // A write to another's record is refused the same way, and writes nothing.
      let lesson = #"{"enrollment":"E1","hours":1,"taughtAt":"2026-03-07T09:00"}"#
      let before = try fixture.snapshot()
      let refused = try await client.send(.post, "/v1/lessons", token: other, body: lesson)
      #expect(refused.status == .notFound && refused.rule == "enrollment_unknown")
      #expect(try fixture.snapshot() == before)
    }
  }

  /// One route a role uses, and what it must get: the table of issue 16, every cell.
  struct Cell: CustomStringConvertible, Sendable {
    let method: HTTPRequest.Method
    let path: String
    let body: String?
    /// role → expected status.
    let expected: [String: Int]
    var description: String { "\(method) \(path)" }
  }

  static let roles = [
    "regulator", "institution", "institutionB", "parent", "parentB", "bank", "otherBank", "auditor",
  ]

  @Test(arguments: TestStore.all) func everyRoleAgainstEveryRoute(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    // E1 (student A, class A) exists, with a lesson L1 pending.
    try fixture.enrollmentWithPendingLesson()
    let reads: [Cell] = [
      Cell(
        method: .get, path: "/v1/institutions/\(fixture.usccA)", body: nil,
        expected: [
          "regulator": 200, "institution": 200, "institutionB": 404, "parent": 403, "parentB": 403,
          "bank": 200, "otherBank": 404, "auditor": 403,
        ]),
      Cell(
        method: .get, path: "/v1/enrollments/E1", body: nil,
        expected: [
          "regulator": 200, "institution": 200, "institutionB": 404, "parent": 200, "parentB": 404,
          "bank": 200, "otherBank": 404, "auditor": 403,
        ]),
      Cell(
        method: .get, path: "/v1/enrollments", body: nil,
        expected: [
          "regulator": 200, "institution": 200, "institutionB": 200, "parent": 200, "parentB": 200,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
      Cell(
        method: .get, path: "/v1/lessons/L1", body: nil,
        expected: [
          "regulator": 200, "institution": 200, "institutionB": 404, "parent": 200, "parentB": 404,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
      Cell(
        method: .get, path: "/v1/classes/\(fixture.classA)", body: nil,
        expected: [
          "regulator": 200, "institution": 200, "institutionB": 404, "parent": 403, "parentB": 403,
          "bank": 200, "otherBank": 404, "auditor": 403,
        ]),
      Cell(
        method: .get, path: "/v1/balance?enrollment=E1", body: nil,
        expected: [
          "regulator": 200, "institution": 200, "institutionB": 404, "parent": 200, "parentB": 404,
          "bank": 200, "otherBank": 404, "auditor": 403,
        ]),
      Cell(
        method: .get, path: "/v1/balance?all=true", body: nil,
        expected: [
          "regulator": 200, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
      Cell(
        method: .get, path: "/v1/ledger?limit=2", body: nil,
        expected: [
          "regulator": 200, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      Cell(
        method: .get, path: "/v1/proofs/inclusion?seq=1", body: nil,
        expected: [
          "regulator": 200, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      Cell(
        method: .get, path: "/v1/checkpoints", body: nil,
        expected: [
          "regulator": 200, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
      Cell(
        method: .get, path: "/v1/reports/risk?asOf=2026-03-10", body: nil,
        expected: [
          "regulator": 200, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 200,
        ]),
    ]
    // Writes that would succeed for an allowed role are sent with a malformed or refused field
    // where needed, so that every role meets the same database; the scope is decided first.
    let writes: [Cell] = [
      Cell(
        method: .post, path: "/v1/payments",
        body: fixture.paymentJSON(
          student: fixture.studentB, classID: fixture.classA, ref: "BOC-X", amountFen: 600_000),
        expected: [
          "regulator": 422, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 422, "otherBank": 404, "auditor": 403,
        ]),
      Cell(
        method: .post, path: "/v1/lessons",
        body: #"{"enrollment":"E1","hours":1,"taughtAt":"2026-03-07T09:30"}"#,
        expected: [
          "regulator": 422, "institution": 422, "institutionB": 404, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
      Cell(
        method: .post, path: "/v1/lessons/L1/dispute", body: #"{"reason":""}"#,
        expected: [
          "regulator": 422, "institution": 403, "institutionB": 403, "parent": 422, "parentB": 404,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
      Cell(
        method: .post, path: "/v1/refunds",
        body: #"{"enrollment":"E1","hours":100,"reason":"退费","bankRef":"BOC-R1"}"#,
        expected: [
          "regulator": 422, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 422, "otherBank": 404, "auditor": 403,
        ]),
      Cell(
        method: .post, path: "/v1/institutions/\(fixture.usccA)/reinstate", body: #"{"reason":"整改完成"}"#,
        expected: [
          "regulator": 422, "institution": 403, "institutionB": 403, "parent": 403, "parentB": 403,
          "bank": 403, "otherBank": 403, "auditor": 403,
        ]),
    ]
    try await Self.check(reads + writes, on: fixture)
  }

  /// Sends every cell as every role, expects each cell's status, and that the refused writes
  /// left the database byte-identical.
  static func check(_ cells: [Cell], on fixture: ServerFixture) async throws {
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      var wrong: [String] = []
      for cell in cells {
        for role in Self.roles {
          let response = try await client.send(
            cell.method, cell.path, token: fixture.tokens[role], body: cell.body)
          if Int(response.status.code) != cell.expected[role] {
            wrong.append(
              "\(role) \(cell): \(response.status.code), expected \(cell.expected[role]!): \(response.text)")
          }
        }
      }
      #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }
    #expect(try fixture.snapshot() == before, "a refused request wrote something")
  }
}

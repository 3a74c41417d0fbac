import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanLedger
import JianguanServer
import JianguanStore
import Testing

/// Concurrent writes share commits; each is answered after its commit, with its own outcome.
@Suite struct GroupCommitTests {
  @Test func concurrentPaymentsSomeRefusedEachGetTheirOwnAnswer() async throws {
    let fixture = try ServerFixture()
    var students: [String] = []
    for _ in 0..<12 { students.append(try fixture.student().student) }
    let count = students.count
    let studentList = students
    try await fixture.application().test(.live) { client in
      let port = try #require(client.port)
      let results = try await withThrowingTaskGroup(of: (Int, Int, String?).self) { group in
        for index in 0..<count {
          group.addTask {
            try await TestClient.withClient(host: "localhost", port: port) { connection in
              // Every third is over the charge cap and refused.
              let amount = index % 3 == 2 ? 600_000 : 100_000
              let body = fixture.paymentJSON(
                student: studentList[index], classID: fixture.classA, ref: "BOC-G\(index)", amountFen: amount)
              let response = try await connection.post(
                "/v1/payments",
                headers: [
                  .authorization: "Bearer \(fixture.tokens["bank"]!)", .contentType: "application/json",
                ],
                body: ByteBuffer(string: body))
              let object =
                (try? JSONSerialization.jsonObject(
                  with: Data((response.body ?? ByteBuffer()).readableBytesView)))
                as? [String: Any]
              return (index, Int(response.status.code), object?["id"] as? String)
            }
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      for (index, status, id) in results {
        #expect(status == (index % 3 == 2 ? 422 : 200), "payment \(index): \(status)")
        if status == 200 { #expect(id?.hasPrefix("E") == true) }
      }
      let ids = results.compactMap { $0.2 }
      #expect(Set(ids).count == ids.count && ids.count == 8, "\(ids)")
    }
    let report = try fixture.database.audit()
    #expect(report.ok, "\(report.faults)")
    #expect(
      try fixture.database.list(.enrollments, filter: ViewFilter(), limit: 100, after: nil).records.count == 8
    )
  }

  @Test func concurrentRetriesOfOnePaymentAllNameTheOneEnrollment() async throws {
    let fixture = try ServerFixture()
    let body = fixture.paymentJSON(student: fixture.studentA, classID: fixture.classA, ref: "BOC-RETRY")
    try await fixture.application().test(.live) { client in
      let port = try #require(client.port)
      let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
        for _ in 0..<10 {
          group.addTask {
            try await TestClient.withClient(host: "localhost", port: port) { connection in
              let response = try await connection.post(
                "/v1/payments",
                headers: [
                  .authorization: "Bearer \(fixture.tokens["bank"]!)", .contentType: "application/json",
                ],
                body: ByteBuffer(string: body))
              return (Int(response.status.code), String(buffer: response.body ?? ByteBuffer()))
            }
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      #expect(answers.allSatisfy { $0.0 == 200 }, "\(answers)")
      #expect(Set(answers.map(\.1)).count == 1, "\(answers)")
      #expect(answers.first?.1.contains(#""id":"E1""#) == true)
    }
    #expect(
      try fixture.database.list(.enrollments, filter: ViewFilter(), limit: 10, after: nil).records.count == 1)
    #expect(try fixture.database.audit().ok)
  }

  @Test func anIdempotencyKeyGivesTheFirstAnswerAndRefusesAnotherRequest() async throws {
    let fixture = try ServerFixture()
    try await fixture.application().test(.live) { client in
      let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "k-1"]
      let body = fixture.paymentJSON(student: fixture.studentA, classID: fixture.classA, ref: "BOC-K1")
      let first = try await client.send(
        .post, "/v1/payments", token: fixture.tokens["bank"], body: body, headers: key)
      let again = try await client.send(
        .post, "/v1/payments", token: fixture.tokens["bank"], body: body, headers: key)
      #expect(first.status == .ok && again.text == first.text)
      let other = fixture.paymentJSON(student: fixture.studentB, classID: fixture.classA, ref: "BOC-K2")
      let reused = try await client.send(
        .post, "/v1/payments", token: fixture.tokens["bank"], body: other, headers: key)
      #expect(reused.status == .unprocessableContent && reused.rule == "idempotency_key_reused")
    }
  }

  @Test func stoppingTheWriterCommitsWhatWasQueuedAndRefusesWhatComesAfter() async throws {
    let fixture = try ServerFixture()
    let writer = try AppDatabase.open(
      path: fixture.path, keyPath: fixture.path + ".key", reference: ServerFixture.reference,
      clock: fixture.clock.reading)
    let commit = GroupCommit(database: writer)
    let size = try fixture.database.size()
    async let queued = commit.submit { database in
      .integer(try database.addVenue(institution: fixture.usccA, address: "蜀山区二号楼", areaM2: "80").seq)
    }
    try await Task.sleep(for: .milliseconds(50))
    commit.stop()
    _ = try await queued
    #expect(try fixture.database.size() == size + 1)
    await #expect(throws: (any Error).self) { _ = try await commit.submit { _ in .bool(true) } }
  }
}

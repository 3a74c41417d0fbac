import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Logging
import ServiceLifecycle
import Testing

/// SIGTERM's path: a graceful shutdown while payments are in flight.
@Suite struct ShutdownTests {
  @Test(arguments: TestStore.all) func aGracefulShutdownAnswersWhatItTookAndLeavesAWholeLedger(
    store: TestStore
  ) async throws {
    let fixture = try ServerFixture(store: store)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = try fixture.application(onRunning: { port in portContinuation.yield(port) })
    let group = ServiceGroup(
      configuration: .init(services: [application], logger: Logger(label: "jianguan-test-shutdown")))
    let server = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next())
    let token = fixture.tokens["bank"]!
    let bodies = (0..<64).map {
      fixture.paymentJSON(
        student: fixture.studentA, classID: fixture.classA, ref: "BOC-SHUT-\($0)", hours: 1, amountFen: 10_000
      )
    }
    let answers = await withTaskGroup(of: String?.self) { tasks in
      for body in bodies {
        tasks.addTask {
          try? await TestClient.withClient(
            host: "localhost", port: port, configuration: LiveClient.configuration
          ) {
            client in
            let response = try await client.post(
              "/v1/payments", headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
              body: ByteBuffer(string: body))
            return response.status == .ok ? String(buffer: response.body ?? ByteBuffer()) : nil
          }
        }
      }
      // The first answer means the server is taking payments: stop it while the rest are in flight.
      var answers: [String] = []
      for await answer in tasks {
        if answers.isEmpty, answer != nil { Task { await group.triggerGracefulShutdown() } }
        if let answer { answers.append(answer) }
      }
      return answers
    }
    #expect(!answers.isEmpty, "no payment was answered before the shutdown")
    await group.triggerGracefulShutdown()
    try await server.value
    // Every payment answered 200 is in the ledger, once; nothing half-written.
    let enrollments = try fixture.database.list(.enrollments, filter: ViewFilter(), limit: 100, after: nil)
      .records
    for answer in answers {
      let id = try #require(answer.split(separator: "\"").dropFirst(3).first.map(String.init))
      #expect(enrollments.contains { $0.id == id }, "\(answer) answered but not in the ledger")
    }
    #expect(Set(enrollments.map { $0.text("bankRef") }).count == enrollments.count)
    let report = try fixture.database.audit()
    #expect(report.ok, "\(report.faults)")
  }
}

extension ViewRecord {
  func text(_ name: String) -> String? {
    guard case .string(let text) = fields.first(where: { $0.name == name })?.value else { return nil }
    return text
  }
}

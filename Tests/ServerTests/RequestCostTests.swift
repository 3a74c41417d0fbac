import Foundation
import HTTPTypes
import Hummingbird
import JianguanStore
import JianguanTestSupport
import Testing

@testable import JianguanServer

/// What was made cheaper per request answers as before: the log line's duration, the body's
/// refusals (its text now scanned once), and reads that share one transaction with the lookup
/// of their credential.
@Suite struct RequestCostTests {
  /// The duration written without Foundation's formatter is `String(format: "%.3f")`'s text, for
  /// every duration that is not exactly half a microsecond (where the two may round apart).
  @Test func theLogLinesDurationIsWhatTheFormatterWrote() {
    var random = SeededGenerator(seed: 1611)
    var durations: [UInt64] = [0, 1, 499, 501, 999, 1000, 1499, 999_499, 999_501, 1_000_000, 12_345_678_901]
    for _ in 0..<2000 {
      durations.append(
        UInt64.random(in: 0...(UInt64(1) << UInt64.random(in: 1...40, using: &random)), using: &random))
    }
    for nanoseconds in durations where nanoseconds % 1000 != 500 {
      #expect(
        RequestLogMiddleware.milliseconds(nanoseconds: nanoseconds)
          == String(format: "%.3f", Double(nanoseconds) / 1_000_000), "\(nanoseconds) ns")
    }
  }

  /// Each kind of bad body gets its rule and its sentence, and writes nothing.
  @Test func aBadBodyIsRefusedByItsRuleAndWritesNothing() async throws {
    let fixture = try ServerFixture()
    let before = try fixture.snapshot()
    let good = fixture.paymentJSON(student: fixture.studentA, classID: fixture.classA, ref: "BOC-BAD")
    let cases: [(body: String, rule: String, sentence: String)] = [
      ("{\"student\":", "body_not_json_object", "the request body must be one JSON object"),
      ("[1, 2]", "body_not_json_object", "the request body must be one JSON object"),
      ("\"text\"", "body_not_json_object", "the request body must be one JSON object"),
      (
        String(good.dropLast()) + ",\"colour\":\"red\",\"amount\":1}", "field_unknown",
        "field \\\"amount\\\" is not a field of this request"
      ),
      (
        good.replacingOccurrences(of: "\"hours\":10", with: "\"hours\":\"10\""), "field_invalid",
        "field \\\"hours\\\" must be a whole number"
      ),
      (
        good.replacingOccurrences(of: "\"hours\":10,", with: ""), "field_invalid",
        "field \\\"hours\\\" is missing"
      ),
      (
        good.replacingOccurrences(of: "\"hours\":10", with: "\"hours\":null"), "field_invalid",
        "field \\\"hours\\\" must not be null"
      ),
    ]
    try await fixture.serve { client in
      for (body, rule, sentence) in cases {
        let refused = try await client.send(.post, "/v1/payments", token: fixture.tokens["bank"], body: body)
        #expect(refused.status == .badRequest && refused.rule == rule, "\(body): \(refused.text)")
        #expect(refused.text.contains(sentence), "\(body): \(refused.text)")
      }
    }
    #expect(try fixture.snapshot() == before)
  }

  /// A read after `beginSnapshot` begins the transaction and keeps it open (one snapshot) until
  /// `endSnapshot`; a snapshot that read nothing leaves no transaction behind.
  @Test func aSnapshotBeginsAtItsFirstReadAndEndsWithIt() throws {
    let fixture = try ServerFixture()
    try fixture.enrollmentWithPendingLesson()
    let reader = try fixture.database.openReader()
    let regulator = Principal(credential: "C1", role: .regulator)
    try reader.beginSnapshot()
    reader.endSnapshot()
    try reader.beginSnapshot()
    let before = try reader.balance(ofEnrollment: "E1", for: regulator)
    _ = try fixture.database.confirmLesson("L1")
    #expect(try reader.balance(ofEnrollment: "E1", for: regulator) == before)
    reader.endSnapshot()
    let after = try reader.balance(ofEnrollment: "E1", for: regulator)
    #expect(after.hoursPending == before.hoursPending - 1 && after.hoursConsumed == before.hoursConsumed + 1)
  }
}

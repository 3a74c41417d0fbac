import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// The service's read path: the balance of one enrollment from one row, its JSON without an
/// encoder, and read connections that see one snapshot and cannot write.
@Suite struct ReadPathTests {
  /// For every role and every kind of id, the one-row balance answers exactly as the scope rule
  /// (`record(.enrollments, …, for:)`) followed by `balance(.enrollment(…))` does: the same
  /// figures, or the same refusal word for word.
  @Test func oneRowBalanceIsTheScopeRuleAndTheSummary() throws {
    let fixture = try StoreFixture()
    let (mine, myClass) = try fixture.openClass()
    let (theirs, theirClass) = try fixture.openClass()
    let e1 = try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: myClass))
    let e2 = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: theirClass, hours: "10", amount: "1000"))
    _ = try fixture.database.recordLesson(
      enrollment: e1, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    let db = fixture.database
    let parent = try db.show(.enrollments, e1).text("parent")!
    let principals = [
      Principal(credential: "C1", role: .regulator),
      Principal(credential: "C2", role: .institution, institution: mine),
      Principal(credential: "C3", role: .institution, institution: theirs),
      Principal(credential: "C4", role: .parent, parent: parent),
      Principal(credential: "C5", role: .parent, parent: "P999"),
      Principal(credential: "C6", role: .bank, bank: "中国银行"),
      Principal(credential: "C7", role: .bank, bank: "中国工商银行"),
      Principal(credential: "C8", role: .auditor),
    ]
    func outcome(_ body: () throws -> BalanceSummary) -> String {
      do { return "\(try body())" } catch let rejection as Rejection {
        return "\(rejection.code): \(rejection.message)"
      } catch { return "\(error)" }
    }
    var seen: Set<String> = []
    for principal in principals {
      for id in [e1, e2, "E99", "X1", ""] {
        let oneRow = outcome { try db.balance(ofEnrollment: id, for: principal) }
        let twoSteps = outcome {
          _ = try db.record(.enrollments, id, for: principal)
          return try db.balance(.enrollment(id))
        }
        #expect(oneRow == twoSteps, "\(principal.role) \(id)")
        seen.insert(oneRow)
      }
    }
    // Figures, "does not exist" and "not an id" all occurred.
    #expect(seen.contains { $0.hasPrefix("BalanceSummary") && $0.contains("hoursPending: 1") })
    #expect(seen.contains { $0.hasPrefix("enrollment_unknown") })
    #expect(seen.contains { $0.hasPrefix("enrollment_id_malformed") })
  }

  /// The summary's JSON is, member for member, what the encoder made of it.
  @Test func summaryJSONIsItsCodableForm() {
    var random = SeededGenerator(seed: 16)
    for _ in 0..<200 {
      var summary = BalanceSummary()
      func any() -> Int64 { Int64.random(in: Int64.min...Int64.max, using: &random) }
      summary.enrollments = any()
      summary.paidFen = any()
      summary.releasedFen = any()
      summary.refundedFen = any()
      summary.escrowFen = any()
      summary.hoursPaid = any()
      summary.hoursConsumed = any()
      summary.hoursRefunded = any()
      summary.hoursPending = any()
      summary.hoursReserved = any()
      summary.hoursRemaining = any()
      #expect(summary.json == JSONValueCoder.encode(summary))
    }
  }

  /// A read connection sees one snapshot from its first read after `beginSnapshot` to `endSnapshot`, even while
  /// another connection commits; and it writes nothing.
  @Test func aReaderSeesOneSnapshotAndCannotWrite() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    let e1 = try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: classID))
    let regulator = Principal(credential: "C1", role: .regulator)
    let reader = try fixture.database.openReader()
    try reader.beginSnapshot()
    // The snapshot is taken at the first read after `beginSnapshot`.
    let before = try reader.balance(ofEnrollment: e1, for: regulator)
    _ = try fixture.database.recordLesson(
      enrollment: e1, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    #expect(try reader.balance(ofEnrollment: e1, for: regulator) == before)
    reader.endSnapshot()
    #expect(try reader.balance(ofEnrollment: e1, for: regulator).hoursPending == before.hoursPending + 1)
    let snapshot = try fixture.snapshot()
    #expect(throws: StoreError.self) { _ = try reader.issueCredential(role: .auditor) }
    #expect(try fixture.snapshot() == snapshot)
  }

  /// A token's principal is kept per connection only until the database changes: a credential
  /// revoked on another connection, or a parent erased on this one, admits nothing at once.
  @Test func aKeptPrincipalIsForgottenWhenTheDatabaseChanges() throws {
    let fixture = try StoreFixture()
    _ = try fixture.openClass()
    _ = try fixture.student()
    let auditor = try fixture.database.issueCredential(role: .auditor)
    let parent = try fixture.database.issueCredential(role: .parent, parent: "P1")
    let reader = try fixture.database.openReader()
    for _ in 0..<3 {
      #expect(try reader.principal(bearerToken: auditor.token) == auditor.principal)
      #expect(try reader.principal(bearerToken: parent.token) == parent.principal)
    }
    _ = try fixture.database.revokeCredential(auditor.principal.credential, reason: "审计结束")
    #expect(try reader.principal(bearerToken: auditor.token) == nil)
    #expect(try reader.principal(bearerToken: parent.token) == parent.principal)
    // The same connection that erases: its own write changes what it admits.
    #expect(try fixture.database.principal(bearerToken: parent.token) == parent.principal)
    _ = try fixture.database.eraseParent("P1", reason: "家长申请删除", confirmed: true)
    #expect(try fixture.database.principal(bearerToken: parent.token) == nil)
    #expect(try reader.principal(bearerToken: parent.token) == nil)
  }
}

import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// The policy values the rules apply are entries of the log: loaded at `init`, replaced by
/// `policy import`, and the replay applies the same book.
@Suite struct PolicyInLedgerTests {
  @Test(arguments: TestStore.all) func initLoadsThePolicyBookAndTheRulesApplyTheOneInTheLedger(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let books = try fixture.database.policyBooks()
    #expect(books.count == 1 && books[0].seq == 1 + StoreFixture.calendarEntries)
    #expect(try books[0].document == StoreFixture.reference.policies.document)
    let (_, classID) = try fixture.openClass()
    // A book whose one charge is at most 10 hours: a payment of 20 is refused from now on,
    // whatever Data/policy.json says.
    let stricter = try Self.book(
      fixture, replacing: "\"maxHoursPerCharge\": 60", with: "\"maxHoursPerCharge\": 10")
    let loaded = try fixture.database.importPolicy(document: stricter)
    #expect(!loaded.repeated)
    let form = fixture.paymentForm(
      student: try fixture.student(), classID: classID, hours: "20", amount: "2000")
    #expect(rejectionCode { _ = try fixture.pay(form) } != nil)
    #expect(
      try fixture.database.importPolicy(document: stricter).repeated, "the same book again writes nothing")
    #expect(try fixture.database.audit().ok)
  }

  /// Inside one batch (a server's group commit) the policy read by the first payment is kept for
  /// the next, until the batch appends a new book: a payment after it is decided by the new book,
  /// and a book whose operation was refused leaves the old one in force.
  @Test(arguments: TestStore.all) func aBatchAppliesABookItLoadedToThePaymentsAfterIt(store: TestStore) throws
  {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass()
    let stricter = try Self.book(
      fixture, replacing: "\"maxHoursPerCharge\": 60", with: "\"maxHoursPerCharge\": 10")
    let students = try (0..<3).map { _ in try fixture.student() }
    let forms = students.enumerated().map { index, student in
      fixture.paymentForm(
        student: student, classID: classID, hours: "20", amount: "2000", ref: "BATCH-\(index)")
    }
    struct Refused: Error {}
    let outcomes = try fixture.database.batch([
      { database in try database.pay(forms[0], now: StoreFixture.now).id },
      { database in
        _ = try database.importPolicy(document: stricter)
        throw Refused()
      },
      { database in try database.pay(forms[1], now: StoreFixture.now).id },
      { database in try database.importPolicy(document: stricter).id },
      { database in try database.pay(forms[2], now: StoreFixture.now).id },
    ])
    #expect((try? outcomes[0].get()) == "E1")
    #expect((try? outcomes[2].get()) == "E2", "the refused book was rolled back: the old one is in force")
    #expect((try? outcomes[3].get()) == "policy")
    if case .failure(let error) = outcomes[4] {
      #expect((error as? Rejection)?.code == "hours_over_charge_limit")
    } else {
      Issue.record("the payment after the new book must be refused by it")
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func aBadPolicyBookIsRefusedAndWritesNothing(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let before = try fixture.snapshot()
    #expect(rejectionCode { _ = try fixture.database.importPolicy(document: "{\"version\": 2}") } != nil)
    #expect(try fixture.snapshot() == before)
  }

  @Test func theReplayTimesDeemedReleasesWithTheBookInTheLog() throws {
    // The replay's window comes from the log's policy entry: a book that lengthens the window
    // makes a release the old window allowed a fault.
    var state = LedgerState()
    var faults: [AuditFault] = []
    let book = try Self.policyText().replacingOccurrences(
      of: "\"confirmationWindowWorkingDays\": 15", with: "\"confirmationWindowWorkingDays\": 40")
    #expect(book.contains("\"confirmationWindowWorkingDays\": 40"))
    _ = state.apply(.genesis(Genesis(authority: "a", region: "340100", origin: "o")), seq: 1)
    faults += state.apply(.policy(PolicyLoaded(document: book)), seq: 2)
    #expect(faults.isEmpty)
    #expect(state.timing.confirmationWindowWorkingDays?("340104") == 40)
    faults += state.apply(.policy(PolicyLoaded(document: "{}")), seq: 3)
    #expect(faults.contains { $0.message.contains("policy entry") })
  }

  static func policyText() throws -> String {
    try #require(try StoreFixture.reference.policies.document)
  }

  static func book(_ fixture: StoreFixture, replacing old: String, with new: String) throws -> String {
    let text = try policyText()
    #expect(text.contains(old), "Data/policy.json no longer has \(old)")
    return text.replacingOccurrences(of: old, with: new)
  }
}

extension PolicyInLedgerTests {
  @Test(arguments: TestStore.all) func aSubjectLessonIsCheckedAgainstTheSchoolHoursOfTheBookInForce(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass(subject: true, pricePerHour: "50")
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "6", amount: "300"))
    // A later book says school hours run to 18:30: the Tuesday 18:00 slot now falls in them.
    let later = try Self.book(
      fixture, replacing: "\"schoolDayEndMinute\": 1050", with: "\"schoolDayEndMinute\": 1110")
    _ = try fixture.database.importPolicy(document: later)
    let code = rejectionCode {
      _ = try fixture.database.recordLesson(
        enrollment: enrollment, hours: "1", taughtAt: "2026-03-03T18:00", now: StoreFixture.now)
    }
    #expect(
      code?.hasPrefix("lesson_") == true, "refused as a lesson breaking a time rule: \(code ?? "accepted")")
  }
}

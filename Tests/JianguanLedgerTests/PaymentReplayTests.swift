import JianguanCore
import Testing

@testable import JianguanLedger

/// The audit's replay checks every payment entry with the `PaymentRules` the write path decided it
/// with, against the state the entries before it left: a forged ledger, hashed end to end, that
/// takes a payment into a full class or above the listed price is a fault naming the rule.
@Suite struct PaymentReplayTests {
  static let uscc = "52340104MJ43079193"

  /// A bureau with its policy, one institution with a one-place class, two parents with a child each.
  func registry() -> LedgerState {
    var state = LedgerState()
    var seq: Int64 = 0
    func apply(_ event: Event) {
      seq += 1
      let faults = state.apply(event, seq: seq)
      #expect(faults.isEmpty, "\(event.kind): \(faults)")
    }
    apply(.genesis(Genesis(authority: "a", region: "340100", origin: "o")))
    apply(.policy(PolicyLoaded(document: EmbeddedReferenceData.files["policy.json"]!)))
    apply(
      .calendar(CalendarLoaded(try! WorkingDayCalendar.Year(year: 2026, weekdaysOff: [], weekendsWorked: [])))
    )
    apply(
      .institutionRegistered(
        InstitutionRegistered(
          uscc: Self.uscc, name: "启航体育", region: "340104", kind: "non-subject", category: "sports",
          nonprofit: false, licence: "教民1", licenceExpires: "2030-01-01", escrowBank: "中国银行",
          escrowAccount: "6217000000010000", mode: "escrow", checksumOverrideReason: nil)))
    apply(.venueAdded(VenueAdded(id: "V1", institution: Self.uscc, address: "地址", areaM2: 100)))
    apply(.teacherAdded(TeacherAdded(id: "T1", institution: Self.uscc, name: "老师", certificate: "c1")))
    apply(
      .courseAdded(
        CourseAdded(
          id: "C1", institution: Self.uscc, name: "篮球", subject: nil, category: "sports", delivery: "offline",
          lessonMinutes: 60, hours: 48, pricePerHourFen: 12_000, classSize: "under10")))
    apply(
      .classAdded(
        ClassAdded(
          id: "B1", course: "C1", institution: Self.uscc, venue: "V1", teacher: "T1", capacity: 1,
          starts: "2026-03-02", ends: "2026-06-30", schedule: "Sat 09:00-11:00")))
    for index in 1...2 {
      apply(.parentRegistered(ParentRegistered(id: "P\(index)", commitment: "c\(index)")))
      apply(
        .studentAdded(StudentAdded(id: "S\(index)", parent: "P\(index)", commitment: "s\(index)", grade: 5)))
    }
    return state
  }

  func payment(_ enrollment: String, student: String, hours: Int64 = 10, amountFen: Int64 = 120_000)
    -> Event
  {
    let parent = "P" + student.dropFirst()
    return .payment(
      Payment(
        enrollment: enrollment, bankRef: "PAY-\(enrollment)", student: student, parent: parent, classID: "B1",
        institution: Self.uscc, hours: hours, amountFen: amountFen, paidAt: "2026-03-01T10:00:00+08:00",
        postings: Posting.transfer(amountFen, from: Posting.parent(parent), to: Posting.escrow(enrollment))))
  }

  /// The rule codes of the payment and lesson rules' faults.
  func rules(_ faults: [AuditFault]) -> [String] {
    faults.compactMap { fault in
      guard let range = fault.message.range(of: " breaks the rule ") else { return nil }
      return String(fault.message[range.upperBound...].prefix { $0 != ":" })
    }
  }

  @Test func aPaymentIntoAFullClassIsAFaultUntilThePlaceIsGivenBack() {
    var state = registry()
    #expect(state.apply(payment("E1", student: "S1"), seq: 20).isEmpty)
    #expect(state.classPlacesTaken == [1])
    // The one place is S1's: S2 cannot pay; S1 may renew.
    #expect(rules(state.apply(payment("E2", student: "S2"), seq: 21)) == ["class_full"])
    // The faulty entry stands in the log, and the replay goes on with it, as the tables do.
    #expect(state.classPlacesTaken == [2])
    #expect(state.apply(payment("E3", student: "S1", hours: 2, amountFen: 24_000), seq: 22).isEmpty)
    #expect(state.classPlacesTaken == [2])
    // Every hour refunded, S1's in both enrollments: the places are free again.
    let refunds: [(Int64, String, String, Int64, Int64)] = [
      (23, "E1", "P1", 10, 120_000), (24, "E3", "P1", 2, 24_000), (25, "E2", "P2", 10, 120_000),
    ]
    for (seq, enrollment, parent, hours, fen) in refunds {
      let refund = Refund(
        refund: "R\(seq)", enrollment: enrollment, bankRef: "RF\(seq)", hours: hours, amountFen: fen,
        reason: "搬家", allRemaining: true,
        postings: Posting.transfer(fen, from: Posting.escrow(enrollment), to: Posting.parent(parent)))
      #expect(state.apply(.refund(refund), seq: seq).isEmpty)
      #expect(state.classPlacesTaken == [seq == 23 ? 2 : seq == 24 ? 1 : 0], "after refund \(seq)")
    }
    #expect(state.apply(payment("E4", student: "S2"), seq: 26).isEmpty)
    #expect(state.classPlacesTaken == [1])
  }

  @Test func aPaymentAboveTheListedPriceOrAfterTheClassIsAFault() {
    var state = registry()
    #expect(
      rules(state.apply(payment("E1", student: "S1", hours: 10, amountFen: 120_001), seq: 20)) == [
        "amount_over_listed_price"
      ])
    var other = registry()
    let late = Payment(
      enrollment: "E1", bankRef: "PAY-E1", student: "S1", parent: "P1", classID: "B1", institution: Self.uscc,
      hours: 1, amountFen: 100, paidAt: "2026-07-01T10:00:00+08:00",
      postings: Posting.transfer(100, from: Posting.parent("P1"), to: Posting.escrow("E1")))
    #expect(rules(other.apply(.payment(late), seq: 20)) == ["class_ended"])
  }

  @Test func aPaymentDatedAfterItsEntryIsAFault() {
    var state = registry()
    var faults: [AuditFault] = []
    Array("2026-03-01T01:00:00Z".utf8).withUnsafeBufferPointer {
      state.noteEntryTime($0, seq: 20, faults: &faults)
    }
    // 10:00 in China is 02:00Z: an hour after the entry's own time.
    faults += state.apply(payment("E1", student: "S1"), seq: 20)
    #expect(rules(faults) == ["payment_in_future"])
  }

  @Test func withoutAPolicyInTheLogNoPaymentIsSound() {
    var registered = registry()
    // The same registry without its policy entry: the replay has no book to apply.
    registered.policyInForce = nil
    #expect(rules(registered.apply(payment("E1", student: "S1"), seq: 20)) == ["policy_not_loaded"])
  }

  /// Lessons too: every `lesson.recorded` is checked by the rules that recorded it.
  @Test func aLessonOutsideTheClassSlotsOrBeforeThePaymentIsAFault() {
    var state = registry()
    #expect(state.apply(payment("E1", student: "S1"), seq: 20).isEmpty)
    func lesson(_ id: String, hours: Int64 = 2, at taughtAt: String) -> Event {
      .lessonRecorded(LessonRecorded(lesson: id, enrollment: "E1", hours: hours, taughtAt: taughtAt))
    }
    // Saturday 7 March 09:00, the class's slot of two hours.
    #expect(state.apply(lesson("L1", at: "2026-03-07T09:00:00+08:00"), seq: 21).isEmpty)
    #expect(
      rules(state.apply(lesson("L2", at: "2026-03-07T10:00:00+08:00"), seq: 22)) == ["lesson_not_in_schedule"]
    )
    #expect(
      rules(state.apply(lesson("L3", hours: 3, at: "2026-03-14T09:00:00+08:00"), seq: 23)) == [
        "lesson_hours_exceed_slot"
      ])
    #expect(
      rules(state.apply(lesson("L4", at: "2026-07-04T09:00:00+08:00"), seq: 24)) == [
        "lesson_outside_class_dates"
      ])
  }
}

import JianguanCore
import Testing

@testable import JianguanLedger

/// The replay checks the timing rules as the write path applies them (issue 14, points 1, 2, 5):
/// entry times in order, nothing dated after its entry, deemed releases only after the window,
/// counted with the calendar the log holds.
@Suite struct ReplayTimingTests {
  func day(_ text: String) -> CalendarDate { try! CalendarDate.parse(text, field: "test") }

  /// Applies `event` as entry `seq` dated `time` (UTC); returns its faults.
  func apply(_ event: Event, _ seq: Int64, _ time: String, _ state: inout LedgerState) -> [AuditFault] {
    var faults: [AuditFault] = []
    Array(time.utf8).withUnsafeBufferPointer { state.noteEntryTime($0, seq: seq, faults: &faults) }
    state.apply(event, seq: seq, faults: &faults)
    return faults
  }

  @Test func entryTimesNeverGoBackwards() {
    var state = LedgerState()
    let genesis = Event.genesis(Genesis(authority: "a", region: "340100", origin: "o"))
    #expect(apply(genesis, 1, "2026-03-01T01:00:00Z", &state).isEmpty)
    let venue = Event.venueAdded(VenueAdded(id: "V1", institution: "X", address: "a", areaM2: 1))
    let back = apply(venue, 2, "2026-02-28T01:00:00Z", &state)
    #expect(back.contains { $0.seq == 2 && $0.message.contains("never go backwards") }, "\(back)")
    let malformed = apply(venue, 3, "2026-02-30T01:00:00Z", &state)
    #expect(malformed.contains { $0.message.contains("not a UTC time") }, "\(malformed)")
  }

  /// A small ledger: 2026's calendar (with the Qingming Monday), institution X in 340104 with a
  /// class on Tuesday and Saturday mornings, E1 paid (entry 4, the registry before it).
  func enrolled() -> LedgerState {
    var state = LedgerState()
    let year = try! WorkingDayCalendar.Year(year: 2026, weekdaysOff: [day("2026-04-06")], weekendsWorked: [])
    let registry: [Event] = [
      .policy(PolicyLoaded(document: EmbeddedReferenceData.files["policy.json"]!)),
      .institutionRegistered(
        InstitutionRegistered(
          uscc: "X", name: "n", region: "340104", kind: "non-subject", category: "体育", nonprofit: false,
          licence: "l", licenceExpires: "2029-12-31", escrowBank: "b", escrowAccount: "1", mode: "escrow",
          checksumOverrideReason: nil)),
      .venueAdded(VenueAdded(id: "V1", institution: "X", address: "a", areaM2: 100)),
      .teacherAdded(TeacherAdded(id: "T1", institution: "X", name: "t", certificate: "c")),
      .courseAdded(
        CourseAdded(
          id: "C1", institution: "X", name: "篮球", subject: nil, category: "体育", delivery: "offline",
          lessonMinutes: 60, hours: 48, pricePerHourFen: 100, classSize: nil)),
      .classAdded(
        ClassAdded(
          id: "B1", course: "C1", institution: "X", venue: "V1", teacher: "T1", capacity: 30,
          starts: "2026-03-01", ends: "2026-12-31", schedule: "Tue 09:00-10:00,Sat 09:00-10:00")),
      .parentRegistered(ParentRegistered(id: "P1", commitment: "c")),
      .studentAdded(StudentAdded(id: "S1", parent: "P1", commitment: "s", grade: 5)),
    ]
    _ = apply(
      .genesis(Genesis(authority: "a", region: "340100", origin: "o")), 1, "2026-02-01T01:00:00Z", &state)
    #expect(apply(.calendar(CalendarLoaded(year)), 2, "2026-02-01T01:00:00Z", &state).isEmpty)
    for event in registry {
      let faults = apply(event, 3, "2026-02-01T01:00:00Z", &state)
      #expect(faults.isEmpty, "\(faults)")
    }
    // The window the tests count with, whatever the policy book says for the region.
    state.timing.confirmationWindowWorkingDays = { _ in 15 }
    let paid = apply(
      .payment(
        Payment(
          enrollment: "E1", bankRef: "PAY1", student: "S1", parent: "P1", classID: "B1", institution: "X",
          hours: 10, amountFen: 1_000, paidAt: "2026-02-20T10:00:00+08:00",
          postings: Posting.transfer(1_000, from: "parent:P1", to: "escrow:E1"))), 4, "2026-02-20T03:00:00Z",
      &state)
    #expect(paid.isEmpty, "\(paid)")
    return state
  }

  func deemed(_ lesson: String) -> Event {
    .lessonReleased(
      LessonReleased(
        lesson: lesson, enrollment: "E1", basis: .deemed, amountFen: 100,
        postings: Posting.transfer(100, from: "escrow:E1", to: "institution:X")))
  }

  @Test func aDeemedReleaseComesOnlyAfterTheWindowFromTheRecording() {
    var state = enrolled()
    // Taught 7 March, recorded 20 March: the window counts from 20 March (15 working days, the
    // Qingming Monday not counted: 13 April).
    let recorded = Event.lessonRecorded(
      LessonRecorded(lesson: "L1", enrollment: "E1", hours: 1, taughtAt: "2026-03-07T09:00:00+08:00"))
    #expect(apply(recorded, 5, "2026-03-20T04:00:00Z", &state).isEmpty)
    let early = apply(deemed("L1"), 6, "2026-04-10T10:00:00Z", &state)
    #expect(
      early.contains { $0.seq == 6 && $0.message.contains("window of 15 working days ends on 2026-04-13") },
      "\(early)")

    var onTime = enrolled()
    _ = apply(recorded, 5, "2026-03-20T04:00:00Z", &onTime)
    #expect(apply(deemed("L1"), 6, "2026-04-13T10:00:00Z", &onTime).isEmpty)
  }

  /// A settle on 2 January 2027 as of 31 December 2026, before 2027's calendar is loaded: the
  /// window ended in 2026, so the days of 2027 need not be counted.
  @Test func aWindowThatEndedInACoveredYearNeedsNoLaterCalendar() {
    var state = enrolled()
    let recorded = Event.lessonRecorded(
      LessonRecorded(lesson: "L1", enrollment: "E1", hours: 1, taughtAt: "2026-12-01T09:00:00+08:00"))
    #expect(apply(recorded, 5, "2026-12-01T04:00:00Z", &state).isEmpty)
    #expect(apply(deemed("L1"), 6, "2027-01-02T02:00:00Z", &state).isEmpty)
  }

  @Test func aLessonOrPaymentDatedAfterItsEntryIsAFault() {
    var state = enrolled()
    let recorded = Event.lessonRecorded(
      LessonRecorded(lesson: "L1", enrollment: "E1", hours: 1, taughtAt: "2026-03-07T09:00:00+08:00"))
    let faults = apply(recorded, 5, "2026-03-06T04:00:00Z", &state)
    #expect(faults.contains { $0.message.contains("taughtAt") }, "\(faults)")
  }

  @Test func aCalendarYearIsCheckedAndLoadedOnce() {
    var state = enrolled()
    let year = try! WorkingDayCalendar.Year(year: 2026, weekdaysOff: [day("2026-04-06")], weekendsWorked: [])
    let twice = apply(.calendar(CalendarLoaded(year)), 5, "2026-03-01T00:00:00Z", &state)
    #expect(twice.contains { $0.message.contains("loaded twice") })
    var forged = CalendarLoaded(year)
    forged.year = 2027
    forged.weekdaysOff = [day("2027-02-06")]  // a Saturday listed as a weekday off
    let bad = apply(.calendar(forged), 6, "2026-03-01T00:00:00Z", &state)
    #expect(bad.contains { $0.message.contains("calendar entry") }, "\(bad)")
  }

  /// The due day of a refund application is recomputed with the log's calendar (the Qingming
  /// Monday is not a working day: 5 working days after Thursday 2 April end on Friday 10 April).
  @Test func aRefundApplicationsDueDayIsCountedWithTheLogsCalendar() {
    for (due, sound) in [("2026-04-10", true), ("2026-04-09", false), ("2026-04-13", false)] {
      var state = enrolled()
      state.timing.refundAnswerWorkingDays = { _ in 5 }
      let created = Event.parentFlow(
        .refundRequestCreated(
          RefundRequestCreated(
            request: "RA1", enrollment: "E1", hours: 1, allRemaining: false, reason: "r",
            requestedAt: "2026-04-02T10:00:00+08:00", answerDue: due, paymentBankRef: "PAY1")))
      let faults = apply(created, 5, "2026-04-02T02:00:00Z", &state)
      #expect(faults.isEmpty == sound, "\(due): \(faults)")
    }
  }
}

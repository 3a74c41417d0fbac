import Foundation
import GRDB
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// Issue 14, points 1–5: money moves only when it should. Each test fails on the code before it.
@Suite struct MoneyTimingTests {
  static func day(_ text: String) -> CalendarDate { try! CalendarDate.parse(text, field: "test") }

  /// A class (Sat and Sun 09:00-12:00, 60-minute lessons) and one enrollment of `hours`, paid
  /// on 20 February 2026 with the clock at `now`.
  func enrolled(now: String = "2026-03-01T09:00", hours: String = "10") throws -> (StoreFixture, String) {
    let fixture = try StoreFixture(now: now)
    let (_, classID) = try fixture.openClass()
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: hours, amount: "100"))
    return (fixture, enrollment)
  }

  func entryTimes(_ fixture: StoreFixture) throws -> [String] {
    try fixture.raw().read { db in
      try Data.fetchAll(db, sql: "SELECT entry FROM ledger ORDER BY seq").map {
        try Entry.parse([UInt8]($0)).time
      }
    }
  }

  // MARK: 1. No entry after now; times never go backwards

  @Test func settleAfterTodayIsRefusedAndWritesNothing() throws {
    let (fixture, enrollment) = try enrolled()
    fixture.clock.set("2026-03-07T20:00")
    _ = try fixture.database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    let before = try fixture.snapshot()
    for asOf in ["2026-03-08", "2030-01-01"] {
      #expect(
        rejectionCode { _ = try fixture.database.settle(asOf: Self.day(asOf)) } == "settle_as_of_in_future")
    }
    #expect(try fixture.snapshot() == before)
    #expect(try fixture.database.settle(asOf: Self.day("2026-03-07")).released.isEmpty)
  }

  @Test(arguments: TestStore.all) func entriesAreDatedByTheClockAndNeverGoBackwards(store: TestStore) throws {
    let fixture = try StoreFixture(store: store, now: "2026-03-01T09:00")
    _ = try fixture.student()
    #expect(try entryTimes(fixture).allSatisfy { $0 == "2026-03-01T01:00:00Z" })
    fixture.clock.set("2026-02-28T09:00")
    let before = try fixture.snapshot()
    #expect(rejectionCode { _ = try fixture.student() } == "clock_before_last_entry")
    #expect(try fixture.snapshot() == before)
    fixture.clock.set("2026-03-01T09:00")  // the same second is not backwards
    _ = try fixture.student()
    #expect(try fixture.database.audit().ok)
  }

  @Test func aPaymentOrLessonDatedAfterTheClockIsRefused() throws {
    let (fixture, enrollment) = try enrolled()
    let (_, classID) = try fixture.openClass()
    // The caller's `now` (30 June) is later than the clock (1 March): the clock dates the entry.
    let early = fixture.paymentForm(student: try fixture.student(), classID: classID, at: "2026-03-02T10:00")
    let afterStudent = try fixture.snapshot()
    #expect(
      rejectionCode { _ = try fixture.database.pay(early, now: StoreFixture.now) } == "payment_in_future")
    #expect(
      rejectionCode {
        _ = try fixture.database.recordLesson(
          enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
      } == "lesson_in_future")
    #expect(try fixture.snapshot() == afterStudent)
  }

  // MARK: 2. The window runs from the recording

  @Test func theConfirmationWindowRunsFromTheRecordingNotFromTaughtAt() throws {
    let (fixture, enrollment) = try enrolled()
    // Taught on 7 March, recorded only on 20 April.
    fixture.clock.set("2026-04-20T10:00")
    let lesson = try fixture.database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    let deemedDay = try StoreFixture.reference.calendar.workingDay(15, after: Self.day("2026-04-20"))
    fixture.clock.set("\(deemedDay)T18:00")
    // Counted from 7 March the window ended on 27 March; from the recording it has not.
    #expect(try fixture.database.settle(asOf: Self.day("2026-04-20")).released.isEmpty)
    #expect(try fixture.database.settle(asOf: deemedDay.adding(days: -1)).released.isEmpty)
    #expect(try fixture.database.settle(asOf: deemedDay).released.map(\.id) == [lesson.id])
    #expect(try fixture.database.audit().ok)
  }

  // MARK: 3. A lesson fits its class

  @Test(arguments: TestStore.all) func aLessonMustFitItsClassAndItsTimeRules(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (_, sports) = try fixture.openClass()
    let (_, maths) = try fixture.openClass(subject: true, pricePerHour: "50")
    let student = try fixture.student()
    let sportsEnrollment = try fixture.pay(
      fixture.paymentForm(student: student, classID: sports, hours: "10", amount: "100"))
    let mathsEnrollment = try fixture.pay(
      fixture.paymentForm(student: student, classID: maths, hours: "10", amount: "100"))
    _ = try fixture.database.recordLesson(
      enrollment: sportsEnrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    let before = try fixture.snapshot()
    let cases: [(String, String, String, String)] = [
      // 09:30 is inside the slot, not its start.
      ("lesson_not_in_schedule", sportsEnrollment, "1", "2026-03-14T09:30"),
      ("lesson_not_in_schedule", sportsEnrollment, "1", "2026-03-09T09:00"),  // a Monday
      ("lesson_hours_exceed_slot", sportsEnrollment, "4", "2026-03-14T09:00"),  // the slot holds 3
      ("lesson_outside_class_dates", sportsEnrollment, "1", "2026-05-16T09:00"),
      ("lesson_not_in_schedule", mathsEnrollment, "1", "2026-03-10T22:00"),  // a subject lesson at 22:00
      ("lesson_not_in_schedule", mathsEnrollment, "1", "2026-03-10T10:00"),  // 10:00 on a school day
      ("lesson_exists_with_different_hours", sportsEnrollment, "2", "2026-03-07T09:00"),  // the slot again
    ]
    for (code, enrollment, hours, taughtAt) in cases {
      #expect(
        rejectionCode {
          _ = try fixture.database.recordLesson(
            enrollment: enrollment, hours: hours, taughtAt: taughtAt, now: StoreFixture.now)
        } == code, "\(taughtAt)")
    }
    #expect(try fixture.snapshot() == before)
    let again = try fixture.database.recordLesson(
      enrollment: sportsEnrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    #expect(again.repeated)
    _ = try fixture.database.recordLesson(
      enrollment: mathsEnrollment, hours: "3", taughtAt: "2026-03-10T18:00", now: StoreFixture.now)
    #expect(try fixture.database.audit().ok)
  }

  // MARK: 4. One charge: 60 hours and 3 months, however it is split

  @Test(arguments: TestStore.all) func twoSameDayPaymentsMayNotPassSixtyHours(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass()
    let student = try fixture.student()
    let first = try fixture.pay(
      fixture.paymentForm(student: student, classID: classID, hours: "48", amount: "4800"))
    let before = try fixture.snapshot()
    let second = fixture.paymentForm(student: student, classID: classID, hours: "20", amount: "2000")
    #expect(
      rejectionCode { _ = try fixture.database.pay(second, now: StoreFixture.now) }
        == "hours_over_charge_limit")
    #expect(try fixture.snapshot() == before)
    // Hours no longer held do not count: after a refund of 8, 48 - 8 + 20 = 60 is allowed.
    _ = try fixture.database.refund(enrollment: first, hours: "8", reason: "退部分课时", bankRef: "R-8")
    _ = try fixture.database.pay(second, now: StoreFixture.now)
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func aFewHoursOfAClassLongerThanThreeMonthsAreAllowed(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (_, yearLong) = try fixture.openClass(starts: "2026-03-02", ends: "2026-12-31")
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: yearLong, hours: "10", amount: "1000"))
    #expect(enrollment.hasPrefix("E"))
  }

  /// The edge of 3 months: paid 20 February, the months end on 20 May. From Saturday 21 March
  /// the class holds 6 hours a weekend, so 54 hours end on Sunday 17 May and 55 on Saturday 23 May.
  @Test(arguments: TestStore.all) func theSlotsTheHoursCoverEndWithinThreeMonthsOfThePayment(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass(starts: "2026-03-16", ends: "2026-06-30")
    let first = try fixture.student()
    let second = try fixture.student()
    let before = try fixture.snapshot()
    let over = fixture.paymentForm(student: first, classID: classID, hours: "55", amount: "100")
    #expect(
      rejectionCode { _ = try fixture.database.pay(over, now: StoreFixture.now) } == "charge_beyond_months")
    #expect(try fixture.snapshot() == before)
    _ = try fixture.pay(fixture.paymentForm(student: first, classID: classID, hours: "54", amount: "100"))
    // Held hours are taught first: 30 held leave room for 24 more, not 25.
    _ = try fixture.pay(fixture.paymentForm(student: second, classID: classID, hours: "30", amount: "100"))
    let more = fixture.paymentForm(student: second, classID: classID, hours: "25", amount: "100")
    #expect(
      rejectionCode { _ = try fixture.database.pay(more, now: StoreFixture.now) } == "charge_beyond_months")
    _ = try fixture.pay(fixture.paymentForm(student: second, classID: classID, hours: "24", amount: "100"))
    #expect(try fixture.database.audit().ok)
  }

  // MARK: 5. The calendar never runs out silently; it lives in the ledger

  @Test(arguments: TestStore.all) func initLoadsEachCalendarYearIntoTheLedgerRightAfterGenesis(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let kinds = try fixture.raw().read { db in
      try String.fetchAll(db, sql: "SELECT kind FROM ledger ORDER BY seq")
    }
    let years = Int(StoreFixture.calendarEntries) - 1  // the last entry init appends is the policy book
    #expect(
      Array(kinds.prefix(years + 2)) == ["genesis"] + Array(repeating: "calendar", count: years) + ["policy"])
    let listed = try fixture.database.calendarYears()
    #expect(listed.map(\.year) == Array(2004...(2004 + years - 1)))
    #expect(listed.map(\.seq) == Array(2...Int64(years + 1)))
    #expect(try fixture.database.audit().ok)
  }

  /// A made-up 2027 for tests: holidays 8–10 February (Monday–Wednesday), Saturday 13 February worked.
  static let test2027 = """
    # TEST DATA, not the State Council's arrangement.
    # covered-years: 2027-2027
    date,kind,name
    2027-02-06,holiday,春节
    2027-02-07,holiday,春节
    2027-02-08,holiday,春节
    2027-02-09,holiday,春节
    2027-02-10,holiday,春节
    2027-02-13,workday,春节

    """

  @Test(arguments: TestStore.all) func aDateOutsideTheCalendarIsRefusedUntilItsYearIsImported(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store, now: "2027-01-20T12:00")
    let (_, classID) = try fixture.openClass(starts: "2027-02-01", ends: "2027-04-30")
    let enrollment = try fixture.database.pay(
      fixture.paymentForm(
        student: try fixture.student(), classID: classID, hours: "10", amount: "100", at: "2027-01-20T10:00"),
      now: fixture.clock.now
    ).id
    fixture.clock.set("2027-02-20T12:00")
    let before = try fixture.snapshot()
    do {
      _ = try fixture.database.recordLesson(
        enrollment: enrollment, hours: "1", taughtAt: "2027-02-07T09:00", now: fixture.clock.now)
      Issue.record("a lesson in 2027 was accepted without a 2027 calendar")
    } catch let refusal as Rejection {
      #expect(refusal.code == "calendar_year_not_loaded")
      #expect(refusal.message.contains("`jianguan calendar import FILE`"), "\(refusal.message)")
    }
    #expect(try fixture.snapshot() == before)

    let loaded = try fixture.database.importCalendar(csv: Self.test2027)
    #expect(loaded.map(\.id) == ["2027"] && !loaded[0].repeated)
    #expect(try fixture.database.importCalendar(csv: Self.test2027).allSatisfy(\.repeated))
    let afterImport = try fixture.snapshot()
    let other = Self.test2027.replacingOccurrences(of: "2027-02-10,holiday", with: "2027-02-11,holiday")
    #expect(
      rejectionCode { _ = try fixture.database.importCalendar(csv: other) }
        == "calendar_year_exists_with_different_days")
    #expect(try fixture.snapshot() == afterImport)

    _ = try fixture.database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2027-02-07T09:00", now: fixture.clock.now)
    #expect(try fixture.database.audit().ok)
  }

  @Test func aDeadlineThatRunsPastTheCalendarIsRefused() throws {
    let (fixture, enrollment) = try enrolled(now: "2026-03-01T09:00")
    fixture.clock.set("2026-12-28T10:00")
    let before = try fixture.snapshot()
    // The 5th working day after 28 December 2026 is in 2027, which the calendar does not cover.
    #expect(
      rejectionCode {
        _ = try fixture.database.createRefundRequest(
          enrollment: enrollment, hours: "1", reason: "搬家", now: fixture.clock.now)
      } == "calendar_year_not_loaded")
    #expect(try fixture.snapshot() == before)
  }

  /// The rules read the calendar from its table, and the window from `recorded_on`: a change
  /// behind the ledger is a fault of the audit.
  @Test func theAuditFindsACalendarOrARecordingDayChangedBehindTheLedger() throws {
    let (fixture, enrollment) = try enrolled()
    fixture.clock.set("2026-03-07T20:00")
    _ = try fixture.database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    #expect(try fixture.database.audit().ok)
    for sql in [
      "UPDATE calendar_years SET weekdays_off = '' WHERE year = 2026",
      "DELETE FROM calendar_years WHERE year = 2025",
      "UPDATE lessons SET recorded_on = '2026-01-02'",
    ] {
      let copy = fixture.directory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
      _ = try fixture.database.backup(to: copy)
      let queue = try DatabaseQueue(path: copy)
      try queue.write { db in try db.execute(sql: sql) }
      try queue.close()
      let opened = try AppDatabase.open(path: copy, keyPath: copy + ".key", reference: StoreFixture.reference)
      let report = try opened.audit()
      #expect(!report.ok, "\(sql)")
      #expect(
        report.faults.contains {
          $0.message.contains("calendar_years") || $0.message.contains("recorded on")
        },
        "\(sql): \(report.faults)")
    }
  }
}

import JianguanTestSupport
import Testing

@testable import JianguanCore

/// The lesson rules (issue 14, point 3) and the 3-month cover of a charge (point 4), edge by edge.
@Suite struct LessonAndChargeRulesTests {
  static let calendar = try! WorkingDayCalendar(csv: TestSupport.dataText("calendar.csv"))

  func day(_ text: String) -> CalendarDate { try! CalendarDate.parse(text, field: "test") }
  func at(_ text: String) -> LocalDateTime { try! LocalDateTime.parse(text, field: "test") }

  func terms(_ schedule: String, subject: Bool = false, delivery: Delivery = .offline, minutes: Int = 60)
    -> LessonRules.ClassTerms
  {
    LessonRules.ClassTerms(
      schedule: try! Schedule.parse(schedule, field: "schedule"), starts: day("2026-03-02"),
      ends: day("2026-06-30"),
      delivery: delivery, isSubject: subject, lessonMinutes: minutes)
  }

  func code(_ taught: String, hours: Int64 = 1, _ terms: LessonRules.ClassTerms) -> String? {
    TestSupport.rejectionCode {
      try LessonRules.check(
        taught: at(taught), hours: hours, field: "taught-at", terms: terms, policy: .defaults,
        calendar: Self.calendar)
    }
  }

  @Test func aLessonStartsAtOneOfItsSlotsAndFitsIt() throws {
    let sports = terms("Sat 09:00-11:00,Wed 18:00-19:00")
    #expect(code("2026-03-07T09:00", hours: 2, sports) == nil)
    #expect(code("2026-03-11T18:00", sports) == nil)
    #expect(code("2026-03-07T09:01", sports) == "lesson_not_in_schedule")
    #expect(code("2026-03-07T09:00:30", sports) == "lesson_not_in_schedule")
    #expect(code("2026-03-08T09:00", sports) == "lesson_not_in_schedule")
    #expect(code("2026-03-07T09:00", hours: 3, sports) == "lesson_hours_exceed_slot")
    #expect(code("2026-03-11T18:00", hours: 2, sports) == "lesson_hours_exceed_slot")
    #expect(code("2026-02-28T09:00", sports) == "lesson_outside_class_dates")
    #expect(code("2026-07-04T09:00", sports) == "lesson_outside_class_dates")
  }

  /// The Double Reduction time rules hold for the lesson itself, whatever its class's slots say
  /// (a class added under older rules, or another region's policy).
  @Test func theTimeRulesApplyToTheLessonItself() throws {
    #expect(code("2026-03-10T20:00", terms("Tue 20:00-21:00")) == "lesson_ends_too_late")
    #expect(code("2026-03-10T22:00", terms("Tue 22:00-23:00")) == "lesson_ends_too_late")
    #expect(
      code("2026-03-10T20:00", terms("Tue 20:00-20:40", delivery: .online, minutes: 40))
        == "lesson_online_lesson_too_long")
    #expect(
      code("2026-03-07T09:00", terms("Sat 09:00-09:45", subject: true, minutes: 45))
        == "lesson_subject_on_weekend")
    // 6 April 2026, Qingming: a holiday Monday.
    #expect(
      code("2026-04-06T18:00", terms("Mon 18:00-18:45", subject: true, minutes: 45))
        == "subject_lesson_on_rest_day")
    #expect(code("2026-04-13T18:00", terms("Mon 18:00-18:45", subject: true, minutes: 45)) == nil)
    #expect(code("2027-03-06T09:00", terms("Sat 09:00-10:00")) == "calendar_year_not_loaded")
  }

  func lastDay(
    _ schedule: String, minutes: Int = 60, from: String, ends: String, ahead: Int64 = 0, hours: Int64
  )
    -> CalendarDate?
  {
    ChargeRules.lastCoveredDay(
      schedule: try! Schedule.parse(schedule, field: "schedule"), lessonMinutes: minutes, from: day(from),
      ends: day(ends), hoursAhead: ahead, hours: hours)
  }

  @Test func theSlotsAChargeCoversAreCountedInOrder() {
    // Saturdays 7, 14, 21 March…; one hour each.
    #expect(lastDay("Sat 09:00-10:00", from: "2026-03-07", ends: "2026-06-30", hours: 1) == day("2026-03-07"))
    #expect(lastDay("Sat 09:00-10:00", from: "2026-03-07", ends: "2026-06-30", hours: 2) == day("2026-03-14"))
    #expect(
      lastDay("Sat 09:00-10:00", from: "2026-03-07", ends: "2026-06-30", ahead: 2, hours: 1)
        == day("2026-03-21"))
    // A slot of two lessons holds two hours; a slot shorter than a lesson holds none.
    #expect(lastDay("Sat 09:00-11:00", from: "2026-03-02", ends: "2026-06-30", hours: 3) == day("2026-03-14"))
    #expect(
      lastDay("Sat 09:00-09:30,Sun 09:00-10:00", from: "2026-03-02", ends: "2026-06-30", hours: 2)
        == day("2026-03-15"))
    // More hours than the remaining slots hold: the cover ends at the term's last slot.
    #expect(lastDay("Sat 09:00-10:00", from: "2026-03-02", ends: "2026-03-20", hours: 5) == day("2026-03-14"))
    // No slot left at all.
    #expect(lastDay("Sat 09:00-10:00", from: "2026-03-16", ends: "2026-03-20", hours: 1) == nil)
  }

  /// Seeded random schedules, terms and hours, against a model that lists every slot hour by
  /// hour: the cover ends on the day of the (ahead + hours)-th hour, or the term's last slot.
  @Test(arguments: [1, 14, 2026] as [UInt64])
  func theCoverIsTheDayOfTheLastHourCounted(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    for _ in 0..<300 {
      let minutes = [30, 45, 60].randomElement(using: &generator)!
      var slots: [Schedule.Slot] = []
      for weekday in 1...7 where Bool.random(using: &generator) {
        let lessons = Int.random(in: 0...3, using: &generator)
        let start = 9 * 60
        slots.append(
          Schedule.Slot(
            weekday: weekday, startMinute: start,
            endMinute: start + max(lessons, 1) * minutes - (lessons == 0 ? 1 : 0))!)
      }
      guard !slots.isEmpty else { continue }
      let schedule = try Schedule(slots: slots)
      let from = day("2026-03-01").adding(days: Int.random(in: 0...30, using: &generator))
      let ends = from.adding(days: Int.random(in: 0...120, using: &generator))
      let ahead = Int64.random(in: 0...30, using: &generator)
      let hours = Int64.random(in: 1...60, using: &generator)
      // The model: one element per hour the term's slots hold, in order.
      var hourDays: [CalendarDate] = []
      var slotDays: [CalendarDate] = []
      var date = from
      while date <= ends {
        for slot in schedule.slots where slot.weekday == date.weekday {
          let held = slot.durationMinutes / minutes
          hourDays += Array(repeating: date, count: held)
          if held > 0 { slotDays.append(date) }
        }
        date = date.adding(days: 1)
      }
      let expected: CalendarDate? =
        hourDays.count >= Int(ahead + hours) ? hourDays[Int(ahead + hours) - 1] : slotDays.last
      let got = ChargeRules.lastCoveredDay(
        schedule: schedule, lessonMinutes: minutes, from: from, ends: ends, hoursAhead: ahead, hours: hours)
      #expect(got == expected, "\(schedule) \(from)…\(ends) ahead \(ahead) hours \(hours)")
      // Hours ahead are taught first: the same as buying them all at once.
      #expect(
        got
          == ChargeRules.lastCoveredDay(
            schedule: schedule, lessonMinutes: minutes, from: from, ends: ends, hoursAhead: 0,
            hours: ahead + hours))
    }
  }
}

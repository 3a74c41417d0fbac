import Testing

@testable import JianguanCore

@Suite struct WorkingDayCalendarTests {
  static let calendar: WorkingDayCalendar = {
    do {
      return try WorkingDayCalendar(csv: TestSupport.dataText("calendar.csv"))
    } catch {
      fatalError("cannot load Data/calendar.csv: \(error)")
    }
  }()
  let calendar = WorkingDayCalendarTests.calendar

  func day(_ text: String) -> CalendarDate { try! CalendarDate.parse(text, field: "date") }

  @Test func coversTheSourceYears() {
    #expect(calendar.coveredYears.min() == 2004)
    #expect(calendar.coveredYears.max()! >= 2026)
    #expect(calendar.coveredYears.count == calendar.coveredYears.max()! - 2004 + 1)
  }

  @Test func springFestival2023() {
    var date = day("2023-01-21")
    while date <= day("2023-01-27") {
      #expect(calendar.isStatutoryHoliday(date), "\(date)")
      #expect(!calendar.isWorkingDay(date), "\(date)")
      #expect(calendar.name(of: date) == "春节")
      date = date.adding(days: 1)
    }
    #expect(day("2023-01-28").weekday == 6 && day("2023-01-29").weekday == 7)
    #expect(calendar.isWorkingDay(day("2023-01-28")))  // adjusted working Saturday
    #expect(calendar.isWorkingDay(day("2023-01-29")))  // adjusted working Sunday
    #expect(!calendar.isStatutoryHoliday(day("2023-01-28")))
    #expect(calendar.isWorkingDay(day("2023-01-20")))
    #expect(!calendar.isWorkingDay(day("2023-02-04")))  // an ordinary Saturday
    #expect(!calendar.isStatutoryHoliday(day("2023-02-04")))
  }

  @Test func workingDaysPerYear() throws {
    // Totals known from the State Council arrangements.
    for (year, expected) in [(2023, 249), (2024, 251), (2025, 248)] {
      let start = CalendarDate(year: year, month: 1, day: 1)!.adding(days: -1)
      let end = CalendarDate(year: year, month: 12, day: 31)!
      #expect(try calendar.workingDays(after: start, through: end) == expected, "\(year)")
    }
  }

  /// Counted by hand on the 2023 and 2024 calendars.
  @Test func nthWorkingDayAfter() throws {
    // 01-20 (1); 01-21…27 Spring Festival; 01-28 Sat (2), 01-29 Sun (3); 01-30…02-03 (4–8);
    // 02-06…10 (9–13); 02-13 (14), 02-14 (15).
    #expect(try calendar.workingDay(15, after: day("2023-01-19")) == day("2023-02-14"))
    // 09-28 (1); 09-29…10-06 Mid-autumn and National Day; 10-07 Sat (2), 10-08 Sun (3);
    // 10-09…13 (4–8); 10-16…20 (9–13); 10-23 (14), 10-24 (15).
    #expect(try calendar.workingDay(15, after: day("2023-09-27")) == day("2023-10-24"))
    // 10-01…07 National Day 2024; 10-08…11 (1–4); 10-12 Sat is a working day (5).
    #expect(try calendar.workingDay(5, after: day("2024-09-30")) == day("2024-10-12"))
    #expect(try calendar.workingDay(1, after: day("2023-01-20")) == day("2023-01-28"))
    #expect(try calendar.workingDay(1, after: day("2023-01-27")) == day("2023-01-28"))
    #expect(try calendar.workingDay(0, after: day("2023-01-20")) == day("2023-01-28"))
  }

  /// Issue 14, point 5: a day outside the covered years is refused with a sentence that names
  /// `jianguan calendar import`, never counted as Monday–Friday.
  @Test func refusesDaysOutsideTheCoveredYears() {
    for text in ["2099-01-01", "2003-10-01"] {
      let refusal = rejection { try calendar.requireCovered(day(text), field: "taught-at") }
      #expect(refusal?.code == "calendar_year_not_loaded")
      #expect(refusal?.message.contains("jianguan calendar import FILE") == true)
      #expect(refusal?.message.contains("taught-at \(text)") == true)
    }
    let last = calendar.coveredYears.max()!
    // A count that walks out of the covered years is refused, whatever day it would give.
    #expect(
      rejection { _ = try calendar.workingDay(15, after: CalendarDate(year: last, month: 12, day: 28)!) }?
        .code
        == "calendar_year_not_loaded")
    #expect(
      rejection {
        _ = try calendar.workingDays(
          after: CalendarDate(year: last, month: 12, day: 28)!,
          through: CalendarDate(year: last + 1, month: 1, day: 5)!)
      }?.code == "calendar_year_not_loaded")
    #expect(calendar.coveredYearsText == "2004-\(last)")
  }

  /// The compact per-year form (what a `calendar` entry holds) gives the same working days as the
  /// file it came from, and checks its lists.
  @Test func theCompactYearsKeepEveryWorkingDay() throws {
    let compact = try WorkingDayCalendar(years: calendar.years)
    #expect(compact.coveredYears == calendar.coveredYears)
    var date = day("2004-01-01")
    while date.year <= calendar.coveredYears.max()! {
      #expect(compact.isWorkingDay(date) == calendar.isWorkingDay(date), "\(date)")
      date = date.adding(days: 1)
    }
    let spring = calendar.years.first { $0.year == 2023 }!
    #expect(spring.weekdaysOff.contains(day("2023-01-23")) && !spring.weekdaysOff.contains(day("2023-01-21")))
    #expect(spring.weekendsWorked.contains(day("2023-01-28")))
    #expect(rejection { _ = try WorkingDayCalendar(years: [spring, spring]) }?.code == "calendar_year_twice")
    let bad: [() throws -> Void] = [
      { _ = try WorkingDayCalendar.Year(year: 2023, weekdaysOff: [day("2023-01-21")], weekendsWorked: []) },
      { _ = try WorkingDayCalendar.Year(year: 2023, weekdaysOff: [], weekendsWorked: [day("2023-01-30")]) },
      { _ = try WorkingDayCalendar.Year(year: 2023, weekdaysOff: [day("2024-01-01")], weekendsWorked: []) },
      {
        _ = try WorkingDayCalendar.Year(
          year: 2023, weekdaysOff: [day("2023-01-24"), day("2023-01-23")], weekendsWorked: [])
      },
    ]
    for body in bad { #expect(rejection(body)?.code == "calendar_year_malformed") }
  }

  func rejection(_ body: () throws -> Void) -> Rejection? {
    do {
      try body()
      return nil
    } catch {
      return error as? Rejection
    }
  }

  @Test func refusesMalformedFiles() {
    let head = "# covered-years: 2023-2023\ndate,kind,name\n"
    let bad = [
      "date,kind,name\n2023-01-02,holiday,元旦\n",
      "# covered-years: 2023\ndate,kind,name\n",
      "# covered-years: 2023-2023\n# covered-years: 2023-2023\ndate,kind,name\n",
      head.replacingOccurrences(of: "date,kind,name", with: "day,kind,name"),
      head + "2023-01-02,holiday\n",
      head + "2023-02-30,holiday,x\n",
      head + "2024-01-01,holiday,元旦\n",
      head + "2023-01-02,vacation,元旦\n",
      head + "2023-01-30,workday,春节\n",
      head + "2023-01-02,holiday,元旦\n2023-01-01,holiday,元旦\n",
      head + "2023-01-02,holiday,\n",
    ]
    for text in bad {
      #expect(
        TestSupport.rejectionCode { _ = try WorkingDayCalendar(csv: text) } == "calendar_malformed", "\(text)"
      )
    }
    #expect(throws: Never.self) { _ = try WorkingDayCalendar(csv: head + "2023-01-02,holiday,元旦\r\n") }
  }
}

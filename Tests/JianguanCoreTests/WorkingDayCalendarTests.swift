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
    #expect(calendar.coveredYears.lowerBound == 2004)
    #expect(calendar.coveredYears.upperBound >= 2026)
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

  @Test func workingDaysPerYear() {
    // Totals known from the State Council arrangements.
    for (year, expected) in [(2023, 249), (2024, 251), (2025, 248)] {
      let start = CalendarDate(year: year, month: 1, day: 1)!.adding(days: -1)
      let end = CalendarDate(year: year, month: 12, day: 31)!
      #expect(calendar.workingDays(after: start, through: end) == expected, "\(year)")
    }
  }

  /// Counted by hand on the 2023 and 2024 calendars.
  @Test func nthWorkingDayAfter() {
    // 01-20 (1); 01-21…27 Spring Festival; 01-28 Sat (2), 01-29 Sun (3); 01-30…02-03 (4–8);
    // 02-06…10 (9–13); 02-13 (14), 02-14 (15).
    #expect(calendar.workingDay(15, after: day("2023-01-19")) == day("2023-02-14"))
    // 09-28 (1); 09-29…10-06 Mid-autumn and National Day; 10-07 Sat (2), 10-08 Sun (3);
    // 10-09…13 (4–8); 10-16…20 (9–13); 10-23 (14), 10-24 (15).
    #expect(calendar.workingDay(15, after: day("2023-09-27")) == day("2023-10-24"))
    // 10-01…07 National Day 2024; 10-08…11 (1–4); 10-12 Sat is a working day (5).
    #expect(calendar.workingDay(5, after: day("2024-09-30")) == day("2024-10-12"))
    #expect(calendar.workingDay(1, after: day("2023-01-20")) == day("2023-01-28"))
    #expect(calendar.workingDay(1, after: day("2023-01-27")) == day("2023-01-28"))
    #expect(calendar.workingDay(0, after: day("2023-01-20")) == day("2023-01-28"))
  }

  @Test func fallsBackToMondayToFridayOutsideTheRange() {
    #expect(calendar.isWorkingDay(day("2099-01-01")))  // a Thursday; holidays unknown that far ahead
    #expect(!calendar.isStatutoryHoliday(day("2099-01-01")))
    #expect(!calendar.isWorkingDay(day("2099-01-03")))  // Saturday
    #expect(calendar.isWorkingDay(day("2003-10-01")))  // a Wednesday before the covered years
    #expect(calendar.workingDay(15, after: day("2099-01-01")) == day("2099-01-22"))
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

import Foundation
import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct CalendarDateTests {
  /// Walks every day of 1900–2100 with an independent counter and month table.
  @Test func matchesBruteForceCounterFrom1900To2100() throws {
    var counter = -25_567  // 1900-01-01 is 25,567 days before 1970-01-01.
    var weekday = 1  // 1900-01-01 was a Monday.
    var previous: CalendarDate?
    for year in 1900...2100 {
      let leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
      let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
      for month in 1...12 {
        for day in 1...lengths[month - 1] {
          let date = try #require(CalendarDate(year: year, month: month, day: day))
          #expect(date.daysSinceEpoch == counter)
          #expect(CalendarDate(daysSinceEpoch: counter) == date)
          #expect(date.weekday == weekday)
          if let previous {
            #expect(previous.adding(days: 1) == date)
            #expect(previous < date)
          }
          previous = date
          counter += 1
          weekday = weekday % 7 + 1
        }
        #expect(CalendarDate(year: year, month: month, day: lengths[month - 1] + 1) == nil)
      }
    }
    #expect(CalendarDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
  }

  @Test func parsesAndPrints() throws {
    let date = try CalendarDate.parse("2024-02-29", field: "date")
    #expect(date.year == 2024 && date.month == 2 && date.day == 29)
    #expect(date.description == "2024-02-29")
    #expect(try CalendarDate.parse("0001-01-01", field: "date").description == "0001-01-01")
    #expect(try CalendarDate.parse("9999-12-31", field: "date").description == "9999-12-31")
  }

  @Test(arguments: [
    ("2023-02-30", "date_day_out_of_range"), ("2023-02-29", "date_day_out_of_range"),
    ("1900-02-29", "date_day_out_of_range"), ("2023-04-31", "date_day_out_of_range"),
    ("2023-01-00", "date_day_out_of_range"), ("2023-13-01", "date_month_out_of_range"),
    ("2023-00-10", "date_month_out_of_range"), ("0000-01-01", "date_year_out_of_range"),
    ("2023-1-5", "date_not_yyyy_mm_dd"), ("2023/01/05", "date_not_yyyy_mm_dd"),
    ("20230105", "date_not_yyyy_mm_dd"),
    ("2023-01-05 ", "date_not_yyyy_mm_dd"), ("", "date_not_yyyy_mm_dd"),
    ("２０２３-01-05", "date_not_yyyy_mm_dd"),
    ("2023-01-05T00:00", "date_not_yyyy_mm_dd"), ("+023-01-05", "date_not_yyyy_mm_dd"),
  ])
  func refusesBadDates(text: String, code: String) {
    #expect(TestSupport.rejectionCode { _ = try CalendarDate.parse(text, field: "date") } == code)
  }

  @Test func messageExplainsTheDay() {
    let rejection = TestSupport.rejection { _ = try CalendarDate.parse("2023-02-30", field: "start date") }
    #expect(rejection?.message == "start date \"2023-02-30\" does not exist: month 2023-02 has 28 days")
  }

  @Test func addsMonthsClampingToMonthEnd() throws {
    let jan31 = try CalendarDate.parse("2023-01-31", field: "d")
    #expect(jan31.adding(months: 1).description == "2023-02-28")
    #expect(try CalendarDate.parse("2024-01-31", field: "d").adding(months: 1).description == "2024-02-29")
    #expect(jan31.adding(months: 3).description == "2023-04-30")
    #expect(jan31.adding(months: 12).description == "2024-01-31")
    #expect(jan31.adding(months: -1).description == "2022-12-31")
    #expect(jan31.adding(months: -14).description == "2021-11-30")
    #expect(jan31.adding(months: 0) == jan31)
    #expect(jan31.adding(days: -31).description == "2022-12-31")
  }

  @Test func randomDayRoundTrip() throws {
    var generator = SeededGenerator(seed: 7)
    for _ in 0..<10_000 {
      let days = Int.random(in: -719_162...2_932_896, using: &generator)  // 0001-01-01 … 9999-12-31
      let date = CalendarDate(daysSinceEpoch: days)
      #expect(date.daysSinceEpoch == days)
      #expect(try CalendarDate.parse(date.description, field: "d") == date)
    }
  }

  @Test func codableAsString() throws {
    let date = try CalendarDate.parse("2021-07-24", field: "d")
    let json = try JSONEncoder().encode([date])
    #expect(String(decoding: json, as: UTF8.self) == "[\"2021-07-24\"]")
    #expect(try JSONDecoder().decode([CalendarDate].self, from: json) == [date])
    #expect(throws: DecodingError.self) {
      _ = try JSONDecoder().decode([CalendarDate].self, from: Data("[\"2021-02-30\"]".utf8))
    }
  }
}

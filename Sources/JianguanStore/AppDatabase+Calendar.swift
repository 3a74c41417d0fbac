import Foundation
import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Loads the years of a calendar file (the format of `Data/calendar.csv`) into the ledger, one
  /// `calendar` entry per year, in one transaction. A year already loaded with the same days is
  /// counted as a repeat; with other days it is refused, and nothing is written.
  public func importCalendar(csv: String, file: String = "calendar.csv") throws -> [Recorded] {
    let calendar = try WorkingDayCalendar(csv: csv, file: file)
    return try write { db in
      var recorded: [Recorded] = []
      for year in calendar.years {
        recorded.append(try loadCalendarYear(year, db: db))
      }
      return recorded
    }
  }

  /// Appends the `calendar` entry of one year, unless the same year is already loaded.
  func loadCalendarYear(_ year: WorkingDayCalendar.Year, db: Database) throws -> Recorded {
    let entry = CalendarLoaded(year)
    if let row = try db.row(
      "SELECT weekdays_off, weekends_worked, seq FROM calendar_years WHERE year = ?", [year.year])
    {
      let loaded = try Self.calendarYear(year.year, row["weekdays_off"], row["weekends_worked"])
      guard loaded == year else {
        throw Rejection(
          "calendar_year_exists_with_different_days",
          "calendar year \(year.year) was loaded at seq \(row["seq"] as Int64) with other days off or working weekends; a year is loaded once"
        )
      }
      return Recorded(id: String(year.year), seq: row["seq"], repeated: true)
    }
    return Recorded(id: String(year.year), seq: try appendToLog(.calendar(entry), db: db))
  }

  /// The working-day calendar the ledger holds (its `calendar` entries): what every rule counts
  /// working days with. Read once and kept until a `calendar` entry changes it.
  func ledgerCalendar(_ db: Database) throws -> WorkingDayCalendar {
    let key =
      try db.row(
        "SELECT c.seq, \(Self.envelopeOfEntry) FROM calendar_years c JOIN ledger l ON l.seq = c.seq ORDER BY c.seq DESC LIMIT 1"
      ).map { [UInt8]("\($0[0] as Int64)".utf8) + [UInt8]($0[1] as Data) } ?? []
    if let cached = calendarCache.value(for: key) { return cached }
    var years: [WorkingDayCalendar.Year] = []
    for row in try Row.fetchAll(db, sql: "SELECT year, weekdays_off, weekends_worked FROM calendar_years") {
      years.append(try Self.calendarYear(row["year"], row["weekdays_off"], row["weekends_worked"]))
    }
    let calendar = try WorkingDayCalendar(years: years)
    calendarCache.store(calendar, for: key)
    return calendar
  }

  /// The years of the ledger's calendar with the seq of each entry, ascending.
  public func calendarYears() throws -> [(year: Int, seq: Int64, weekdaysOff: Int, weekendsWorked: Int)] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT year, weekdays_off, weekends_worked, seq FROM calendar_years ORDER BY year"
      )
      .map { row in
        let year = try Self.calendarYear(row["year"], row["weekdays_off"], row["weekends_worked"])
        return (year.year, row["seq"], year.weekdaysOff.count, year.weekendsWorked.count)
      }
    }
  }

  static func calendarYear(_ year: Int, _ weekdaysOff: String, _ weekendsWorked: String) throws
    -> WorkingDayCalendar.Year
  {
    func days(_ text: String) throws -> [CalendarDate] {
      try text.split(separator: ",").map { try CalendarDate.parse(String($0), field: "calendar_years") }
    }
    return try WorkingDayCalendar.Year(
      year: year, weekdaysOff: days(weekdaysOff), weekendsWorked: days(weekendsWorked))
  }
}

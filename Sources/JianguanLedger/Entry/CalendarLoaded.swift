import JianguanCore

/// `calendar`: the working-day calendar of one year, as the State Council arranged it, loaded into
/// the log (at `init` from `Data/calendar.csv`, later by `jianguan calendar import FILE`), so that
/// the replay and an outside verifier count working days exactly as the rules did. One entry per
/// year; a year is loaded once.
public struct CalendarLoaded: Codable, Equatable, Sendable {
  public var year: Int
  /// Monday–Friday dates that are days off, ascending.
  public var weekdaysOff: [CalendarDate]
  /// Saturday and Sunday dates that are working days (调休), ascending.
  public var weekendsWorked: [CalendarDate]

  public init(_ year: WorkingDayCalendar.Year) {
    self.year = year.year
    self.weekdaysOff = year.weekdaysOff
    self.weekendsWorked = year.weekendsWorked
  }

  /// The year as the rules use it; refused when the lists break its rules.
  public func checked() throws -> WorkingDayCalendar.Year {
    try WorkingDayCalendar.Year(year: year, weekdaysOff: weekdaysOff, weekendsWorked: weekendsWorked)
  }
}

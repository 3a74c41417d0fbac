/// China's working days: Monday to Friday, except public holidays, plus the weekends made
/// working days (调休), as read from `Data/calendar.csv`.
///
/// File format (UTF-8, LF or CRLF): lines beginning with "#" are comments, except that one of
/// them must be `# covered-years: 2004-2026`, the years the list is complete for; then the
/// header `date,kind,name`, then one row per exception, in date order: `kind` is `holiday` (a day
/// off in a public-holiday break, on a weekday or a weekend) or `workday` (a Saturday or Sunday
/// that is a working day), `name` the holiday's name. Outside the covered years the calendar
/// knows no holidays and falls back to Monday–Friday.
public struct WorkingDayCalendar: Sendable {
  /// The largest calendar text accepted.
  public static let maxCSVBytes = 1 << 20

  /// The years whose holidays and adjusted working days the file lists completely.
  public let coveredYears: ClosedRange<Int>
  private let holidays: [Int: String]
  private let workdays: [Int: String]

  /// Reads `Data/calendar.csv` (format above), refusing malformed or out-of-order rows.
  public init(csv: String) throws {
    let code = "calendar_malformed"
    let text = try CSVText(csv, file: "calendar.csv", code: code, maxBytes: Self.maxCSVBytes)
    let directive = "covered-years:"
    let rangeLines = text.comments.filter { $0.hasPrefix(directive) }
    let bounds = rangeLines.first.map { line in
      line.dropFirst(directive.count).split(separator: "-").map { Int($0.filter { $0 != " " }) }
    }
    guard rangeLines.count == 1, let bounds, bounds.count == 2, let first = bounds[0], let last = bounds[1],
      1 <= first, first <= last, last <= 9999
    else {
      throw Rejection(code, "calendar.csv needs exactly one comment line \"# covered-years: YYYY-YYYY\"")
    }
    guard let header = text.rows.first, header.fields == ["date", "kind", "name"] else {
      throw Rejection(code, "calendar.csv does not have the header date,kind,name")
    }
    var holidays: [Int: String] = [:]
    var workdays: [Int: String] = [:]
    var previous: CalendarDate?
    for row in text.rows.dropFirst() {
      let place = "calendar.csv line \(row.lineNumber)"
      guard row.fields.count == 3, !row.fields[2].isEmpty,
        let date = try? CalendarDate.parse(row.fields[0], field: "date")
      else {
        throw Rejection(code, "\(place) is not YYYY-MM-DD,holiday|workday,name")
      }
      guard (first...last).contains(date.year) else {
        throw Rejection(code, "\(place) has \(date), outside the covered years \(first)-\(last)")
      }
      if let previous, date <= previous {
        throw Rejection(code, "\(place) has \(date), not after the line before")
      }
      previous = date
      switch row.fields[1] {
      case "holiday":
        holidays[date.daysSinceEpoch] = row.fields[2]
      case "workday":
        guard date.isWeekend else {
          throw Rejection(code, "\(place) makes \(date) a workday, but it is not a weekend")
        }
        workdays[date.daysSinceEpoch] = row.fields[2]
      default:
        throw Rejection(code, "\(place) has kind \(Rejection.quote(row.fields[1])); use holiday or workday")
      }
    }
    self.coveredYears = first...last
    self.holidays = holidays
    self.workdays = workdays
  }

  /// Whether people work on this day: an adjusted working weekend, or a weekday that is not a
  /// holiday. Outside `coveredYears`: Monday to Friday.
  public func isWorkingDay(_ d: CalendarDate) -> Bool {
    let day = d.daysSinceEpoch
    if workdays[day] != nil { return true }
    if holidays[day] != nil { return false }
    return !d.isWeekend
  }

  /// Whether the day is a day off in a public-holiday break (weekend days inside the break
  /// included). Always false outside `coveredYears`.
  public func isStatutoryHoliday(_ d: CalendarDate) -> Bool {
    holidays[d.daysSinceEpoch] != nil
  }

  /// The holiday's name ("春节") for a holiday, or the name of the holiday it makes up for, for an
  /// adjusted working day; nil otherwise.
  public func name(of d: CalendarDate) -> String? {
    holidays[d.daysSinceEpoch] ?? workdays[d.daysSinceEpoch]
  }

  /// The n-th working day after `d`, `d` itself not counted (n = 1: the next working day).
  /// n below 1 is treated as 1.
  public func workingDay(_ n: Int, after d: CalendarDate) -> CalendarDate {
    var remaining = max(n, 1)
    var day = d
    while true {
      day = day.adding(days: 1)
      if isWorkingDay(day) {
        remaining -= 1
        if remaining == 0 { return day }
      }
    }
  }

  /// The number of working days after `start` up to and including `end` (0 if `end` ≤ `start`).
  public func workingDays(after start: CalendarDate, through end: CalendarDate) -> Int {
    var count = 0
    var day = start.adding(days: 1)
    while day <= end {
      if isWorkingDay(day) { count += 1 }
      day = day.adding(days: 1)
    }
    return count
  }
}

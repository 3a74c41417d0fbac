/// China's working days: Monday to Friday, except public holidays, plus the weekends made
/// working days (调休), as read from `Data/calendar.csv`.
///
/// File format (UTF-8, LF or CRLF): lines beginning with "#" are comments, except that one of
/// them must be `# covered-years: 2004-2026`, the years the list is complete for; then the
/// header `date,kind,name`, then one row per exception, in date order: `kind` is `holiday` (a day
/// off in a public-holiday break, on a weekday or a weekend) or `workday` (a Saturday or Sunday
/// that is a working day), `name` the holiday's name. `jianguan calendar import FILE` reads the
/// same format. A rule never counts days outside the covered years: `requireCovered` and the
/// counting functions refuse them (`calendar_year_not_loaded`), naming `jianguan calendar import`.
public struct WorkingDayCalendar: Sendable {
  /// The largest calendar text accepted.
  public static let maxCSVBytes = 1 << 20

  /// One year's arrangement, as compact as the rules need it: the weekdays that are days off and
  /// the weekend days that are working days. Every other weekday is worked, every other weekend
  /// day rested.
  public struct Year: Equatable, Sendable {
    public let year: Int
    /// Monday–Friday dates that are days off (public holidays and the weekdays of their breaks), ascending.
    public let weekdaysOff: [CalendarDate]
    /// Saturday and Sunday dates that are working days (调休), ascending.
    public let weekendsWorked: [CalendarDate]

    /// Checks the lists: every date in `year`, each list strictly ascending, `weekdaysOff` on
    /// Monday–Friday and `weekendsWorked` on Saturday or Sunday (`calendar_year_malformed`).
    public init(year: Int, weekdaysOff: [CalendarDate], weekendsWorked: [CalendarDate]) throws {
      func refuse(_ what: String) -> Rejection {
        Rejection("calendar_year_malformed", "calendar year \(year): \(what)")
      }
      guard (1...9999).contains(year) else { throw refuse("the year is outside 1...9999") }
      for (list, name, weekend) in [
        (weekdaysOff, "weekdaysOff", false), (weekendsWorked, "weekendsWorked", true),
      ] {
        for (earlier, later) in zip(list, list.dropFirst()) where later <= earlier {
          throw refuse("\(name) has \(later) after \(earlier); the dates must be ascending, each once")
        }
        if let stray = list.first(where: { $0.year != year }) {
          throw refuse("\(name) has \(stray), of another year")
        }
        if let stray = list.first(where: { $0.isWeekend != weekend }) {
          throw refuse("\(name) has \(stray), which is \(weekend ? "not a weekend day" : "a weekend day")")
        }
      }
      self.year = year
      self.weekdaysOff = weekdaysOff
      self.weekendsWorked = weekendsWorked
    }
  }

  /// The years whose holidays and adjusted working days are known completely.
  public let coveredYears: Set<Int>
  private let holidays: [Int: String]
  private let workdays: [Int: String]

  /// Reads `Data/calendar.csv` (format above), refusing malformed or out-of-order rows; `file` is
  /// the name the refusals give it (the file a user imports).
  public init(csv: String, file: String = "calendar.csv") throws {
    let code = "calendar_malformed"
    let text = try CSVText(csv, file: file, code: code, maxBytes: Self.maxCSVBytes)
    let directive = "covered-years:"
    let rangeLines = text.comments.filter { $0.hasPrefix(directive) }
    let bounds = rangeLines.first.map { line in
      line.dropFirst(directive.count).split(separator: "-").map { Int($0.filter { $0 != " " }) }
    }
    guard rangeLines.count == 1, let bounds, bounds.count == 2, let first = bounds[0], let last = bounds[1],
      1 <= first, first <= last, last <= 9999
    else {
      throw Rejection(code, "\(file) needs exactly one comment line \"# covered-years: YYYY-YYYY\"")
    }
    guard let header = text.rows.first, header.fields == ["date", "kind", "name"] else {
      throw Rejection(code, "\(file) does not have the header date,kind,name")
    }
    var holidays: [Int: String] = [:]
    var workdays: [Int: String] = [:]
    var previous: CalendarDate?
    for row in text.rows.dropFirst() {
      let place = "\(file) line \(row.lineNumber)"
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
    self.coveredYears = Set(first...last)
    self.holidays = holidays
    self.workdays = workdays
  }

  /// The calendar of these years (as the ledger holds them); a year given twice is refused.
  public init(years: [Year]) throws {
    var covered = Set<Int>()
    var holidays: [Int: String] = [:]
    var workdays: [Int: String] = [:]
    for year in years {
      guard covered.insert(year.year).inserted else {
        throw Rejection("calendar_year_twice", "calendar year \(year.year) is given twice")
      }
      for day in year.weekdaysOff { holidays[day.daysSinceEpoch] = "" }
      for day in year.weekendsWorked { workdays[day.daysSinceEpoch] = "" }
    }
    self.coveredYears = covered
    self.holidays = holidays
    self.workdays = workdays
  }

  /// The covered years in their compact form, ascending (weekend days of a holiday break are
  /// rest days anyway, so only the weekdays off are kept).
  public var years: [Year] {
    coveredYears.sorted().map { year in
      let days = { (table: [Int: String], weekend: Bool) in
        table.keys.map(CalendarDate.init(daysSinceEpoch:)).filter {
          $0.year == year && $0.isWeekend == weekend
        }
        .sorted()
      }
      // The lists were checked when they were read.
      return try! Year(year: year, weekdaysOff: days(holidays, false), weekendsWorked: days(workdays, true))
    }
  }

  /// Whether the year of `d` is covered.
  public func covers(_ d: CalendarDate) -> Bool { coveredYears.contains(d.year) }

  /// The covered years as text: "2004-2026" or "2004-2026, 2028"; "none" when empty.
  public var coveredYearsText: String {
    var runs: [(Int, Int)] = []
    for year in coveredYears.sorted() {
      if let last = runs.last, last.1 + 1 == year {
        runs[runs.count - 1].1 = year
      } else {
        runs.append((year, year))
      }
    }
    return runs.isEmpty ? "none" : runs.map { $0 == $1 ? "\($0)" : "\($0)-\($1)" }.joined(separator: ", ")
  }

  /// Refuses a day whose year the calendar does not cover (`calendar_year_not_loaded`): no rule
  /// may count working days it does not know.
  public func requireCovered(_ d: CalendarDate, field: String) throws {
    guard !covers(d) else { return }
    throw Rejection(
      "calendar_year_not_loaded",
      "\(field) \(d) is in \(d.year), a year the working-day calendar does not cover (it covers \(coveredYearsText)); load the State Council's holiday arrangement for \(d.year) with `jianguan calendar import FILE`"
    )
  }

  /// Whether people work on this day: an adjusted working weekend, or a weekday that is not a
  /// holiday. Outside `coveredYears`: Monday to Friday (rules call `requireCovered` first).
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
  /// n below 1 is treated as 1. Refused when the count reaches a year that is not covered.
  public func workingDay(_ n: Int, after d: CalendarDate, field: String = "date") throws -> CalendarDate {
    try requireCovered(d, field: field)
    var remaining = max(n, 1)
    var day = d
    while true {
      day = day.adding(days: 1)
      try requireCovered(day, field: "counting working days after \(field) \(d), the day")
      if isWorkingDay(day) {
        remaining -= 1
        if remaining == 0 { return day }
      }
    }
  }

  /// The number of working days after `start` up to and including `end` (0 if `end` ≤ `start`).
  /// Refused when a day counted is in a year that is not covered.
  public func workingDays(after start: CalendarDate, through end: CalendarDate) throws -> Int {
    var count = 0
    var day = start.adding(days: 1)
    while day <= end {
      try requireCovered(day, field: "counting working days up to \(end), the day")
      if isWorkingDay(day) { count += 1 }
      day = day.adding(days: 1)
    }
    return count
  }
}

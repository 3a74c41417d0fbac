/// A day of the proleptic Gregorian calendar, without time or zone; written "YYYY-MM-DD".
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// The year, 1...9999 for dates made by `parse` or `init?(year:month:day:)`.
  public let year: Int
  /// The month, 1...12.
  public let month: Int
  /// The day of the month, 1...28/29/30/31.
  public let day: Int

  /// Makes a date, or nil if it does not exist (2023-02-30) or the year is outside 1...9999.
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month),
      (1...CalendarDate.daysIn(year: year, month: month)).contains(day)
    else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// Makes the date that is `daysSinceEpoch` days after 1970-01-01 (negative: before it).
  public init(daysSinceEpoch: Int) {
    // Howard Hinnant's civil_from_days: eras of 400 years (146,097 days) starting on March 1.
    let shifted = daysSinceEpoch + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// Parses exactly "YYYY-MM-DD" (ASCII digits, zero-padded) naming a day that exists.
  public static func parse(_ text: String, field: String) throws -> CalendarDate {
    var quoted: String { Rejection.quote(text) }  // only a refusal needs it
    let bytes = text.utf8.count == 10 ? Array(text.utf8) : []
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let year = digits(bytes[0..<4]), let month = digits(bytes[5..<7]), let day = digits(bytes[8..<10])
    else {
      throw Rejection("date_not_yyyy_mm_dd", "\(field) \(quoted) is not a date written YYYY-MM-DD")
    }
    if year == 0 {
      throw Rejection("date_year_out_of_range", "\(field) \(quoted) has year 0000; years start at 0001")
    }
    if !(1...12).contains(month) {
      throw Rejection(
        "date_month_out_of_range", "\(field) \(quoted) has no month \(month); months are 01 to 12")
    }
    let length = daysIn(year: year, month: month)
    guard let date = CalendarDate(year: year, month: month, day: day) else {
      throw Rejection(
        "date_day_out_of_range",
        "\(field) \(quoted) does not exist: month \(String(text.prefix(7))) has \(length) days")
    }
    return date
  }

  /// Whether `year` is a leap year of the Gregorian calendar.
  public static func isLeap(year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  /// The number of days in a month of a year (month 1...12).
  public static func daysIn(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeap(year: year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 (which is 0); negative before it.
  public var daysSinceEpoch: Int {
    // Howard Hinnant's days_from_civil.
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date `days` days later (earlier when negative).
  public func adding(days: Int) -> CalendarDate {
    CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
  }

  /// The same day `months` months later, clamped to the month's end (01-31 + 1 month = 02-28).
  public func adding(months: Int) -> CalendarDate {
    let index = year * 12 + (month - 1) + months
    let newYear = index >= 0 ? index / 12 : (index - 11) / 12
    let newMonth = index - newYear * 12 + 1
    let newDay = min(day, CalendarDate.daysIn(year: newYear, month: newMonth))
    return CalendarDate(unchecked: newYear, newMonth, newDay)
  }

  /// ISO weekday: 1 = Monday … 7 = Sunday.
  public var weekday: Int {
    // 1970-01-01 was a Thursday (4).
    let sinceMonday = ((daysSinceEpoch % 7) + 7 + 3) % 7
    return sinceMonday + 1
  }

  /// Whether the day is a Saturday or Sunday.
  public var isWeekend: Bool { weekday >= 6 }

  /// "YYYY-MM-DD".
  public var description: String {
    let yearText = (0...9999).contains(year) ? CalendarDate.pad(year, 4) : String(year)
    return "\(yearText)-\(CalendarDate.pad(month, 2))-\(CalendarDate.pad(day, 2))"
  }

  /// Whether `lhs` is an earlier day than `rhs`.
  public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// Decodes from the string "YYYY-MM-DD".
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    do {
      self = try CalendarDate.parse(text, field: "date")
    } catch let rejection as Rejection {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: rejection.message)
    }
  }

  /// Encodes as the string "YYYY-MM-DD".
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  init(unchecked year: Int, _ month: Int, _ day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Zero-pads a non-negative number to `width` digits.
  static func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }

  /// The value of a run of ASCII digits, or nil if any byte is not a digit.
  static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
    var value = 0
    for byte in bytes {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }
}

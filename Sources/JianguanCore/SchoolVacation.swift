/// A school vacation, the same days every year: from one month and day to another, both
/// included ("07-10" to "08-31"; a vacation across the new year, "12-25" to "01-05", is allowed).
public struct SchoolVacation: Codable, Sendable, Equatable, Hashable {
  /// "winter" or "summer", for messages.
  public let name: String
  public let fromMonth: Int
  public let fromDay: Int
  public let toMonth: Int
  public let toDay: Int

  /// Makes a vacation, or nil when a month or day does not exist (29 February is allowed).
  public init?(name: String, fromMonth: Int, fromDay: Int, toMonth: Int, toDay: Int) {
    guard CalendarDate(year: 2024, month: fromMonth, day: fromDay) != nil,
      CalendarDate(year: 2024, month: toMonth, day: toDay) != nil
    else { return nil }
    (self.name, self.fromMonth, self.fromDay, self.toMonth, self.toDay) = (
      name, fromMonth, fromDay, toMonth, toDay
    )
  }

  /// Whether `date` falls in this vacation.
  public func contains(_ date: CalendarDate) -> Bool {
    let day = date.month * 100 + date.day
    let from = fromMonth * 100 + fromDay
    let to = toMonth * 100 + toDay
    return from <= to ? (from...to).contains(day) : day >= from || day <= to
  }

  /// "summer vacation (07-10 to 08-31)".
  public var label: String {
    "\(name) vacation (\(CalendarDate.pad(fromMonth, 2))-\(CalendarDate.pad(fromDay, 2)) to "
      + "\(CalendarDate.pad(toMonth, 2))-\(CalendarDate.pad(toDay, 2)))"
  }

  /// Parses "MM-DD".
  static func monthDay(_ text: String) -> (month: Int, day: Int)? {
    let bytes = Array(text.utf8)
    guard bytes.count == 5, bytes[2] == UInt8(ascii: "-"),
      let month = CalendarDate.digits(bytes[0..<2]), let day = CalendarDate.digits(bytes[3..<5])
    else { return nil }
    return (month, day)
  }
}

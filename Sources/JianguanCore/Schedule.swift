/// A weekly timetable of a class: lesson slots by weekday and time of day, written
/// "Tue 18:00-18:45,Thu 18:00-18:45".
public struct Schedule: Hashable, Sendable, CustomStringConvertible {
  /// One weekly lesson slot.
  public struct Slot: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public let weekday: Int
    /// Minutes after midnight at which the slot starts.
    public let startMinute: Int
    /// Minutes after midnight at which the slot ends (up to 1440 = 24:00).
    public let endMinute: Int

    /// Makes a slot, or nil unless weekday is 1...7 and 0 ≤ start < end ≤ 1440.
    public init?(weekday: Int, startMinute: Int, endMinute: Int) {
      guard (1...7).contains(weekday), startMinute >= 0, startMinute < endMinute, endMinute <= 1440 else {
        return nil
      }
      self.weekday = weekday
      self.startMinute = startMinute
      self.endMinute = endMinute
    }

    /// The length of the slot in minutes.
    public var durationMinutes: Int { endMinute - startMinute }

    /// "Tue 18:00-18:45".
    public var description: String {
      "\(Schedule.dayNames[weekday - 1]) \(Schedule.clock(startMinute))-\(Schedule.clock(endMinute))"
    }

    /// Orders slots by weekday, then start, then end.
    public static func < (lhs: Slot, rhs: Slot) -> Bool {
      (lhs.weekday, lhs.startMinute, lhs.endMinute) < (rhs.weekday, rhs.startMinute, rhs.endMinute)
    }
  }

  /// The most slots in one schedule.
  public static let maxSlots = 21
  /// The longest schedule text looked at.
  public static let maxTextLength = 500
  /// English day names, Monday first.
  public static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
  static let chineseDayNames = ["一", "二", "三", "四", "五", "六", "日"]

  /// The slots, sorted by weekday and start.
  public let slots: [Slot]

  /// Makes a schedule of 1 to `maxSlots` slots that do not overlap (touching is fine).
  public init(slots: [Slot], field: String = "schedule") throws {
    if slots.isEmpty {
      throw Rejection("schedule_is_empty", "\(field) has no lesson slots; give e.g. \"Tue 18:00-18:45\"")
    }
    if slots.count > Schedule.maxSlots {
      throw Rejection(
        "schedule_too_many_slots",
        "\(field) has \(slots.count) slots; at most \(Schedule.maxSlots) are allowed")
    }
    let sorted = slots.sorted()
    for (earlier, later) in zip(sorted, sorted.dropFirst())
    where earlier.weekday == later.weekday && later.startMinute < earlier.endMinute {
      throw Rejection(
        "schedule_slots_overlap",
        "\(field) slots \(Rejection.quote(earlier.description)) and \(Rejection.quote(later.description)) overlap"
      )
    }
    self.slots = sorted
  }

  /// Parses comma-separated slots "Tue 18:00-18:45" (day names Mon…Sun in any case, or
  /// 周一…周日 / 星期一…星期日; hours of one or two digits; spaces around commas and a full-width
  /// comma allowed).
  public static func parse(_ text: String, field: String) throws -> Schedule {
    if text.unicodeScalars.count > maxTextLength {
      throw Rejection(
        "schedule_too_long", "\(field) \(Rejection.quote(text)) is longer than \(maxTextLength) characters")
    }
    let items = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == "，" })
    if items.count > maxSlots {
      throw Rejection(
        "schedule_too_many_slots", "\(field) has \(items.count) slots; at most \(maxSlots) are allowed")
    }
    if items.count == 1 && items[0].allSatisfy({ $0 == " " }) {
      throw Rejection("schedule_is_empty", "\(field) is empty; give slots such as \"Tue 18:00-18:45\"")
    }
    return try Schedule(slots: items.map { try parseSlot(String($0), field: field) }, field: field)
  }

  /// "Tue 18:00-18:45,Thu 18:00-18:45", sorted by weekday and start.
  public var description: String { slots.map(\.description).joined(separator: ",") }

  /// The total lesson time per week in minutes.
  public var minutesPerWeek: Int { slots.reduce(0) { $0 + $1.durationMinutes } }

  private static func parseSlot(_ raw: String, field: String) throws -> Slot {
    let item = raw.trimmingSpaces
    var quoted: String { Rejection.quote(item) }  // only a refusal needs it
    guard let firstDigit = item.firstIndex(where: { $0.isASCII && $0.isNumber }) else {
      throw Rejection("schedule_bad_slot", "\(field) slot \(quoted) is not of the form \"Tue 18:00-18:45\"")
    }
    let dayText = String(item[..<firstDigit]).trimmingSpaces
    guard let weekday = weekday(named: dayText) else {
      throw Rejection(
        "schedule_unknown_weekday", "\(field) slot \(quoted) does not start with a day name Mon…Sun or 周一…周日")
    }
    let times = item[firstDigit...].split(separator: "-", omittingEmptySubsequences: false)
    guard times.count == 2, let start = minutes(times[0].trimmingSpaces, allowMidnightEnd: false),
      let end = minutes(times[1].trimmingSpaces, allowMidnightEnd: true)
    else {
      throw Rejection(
        "schedule_bad_time",
        "\(field) slot \(quoted) does not give two times HH:MM-HH:MM between 00:00 and 24:00")
    }
    guard let slot = Slot(weekday: weekday, startMinute: start, endMinute: end) else {
      throw Rejection("schedule_end_not_after_start", "\(field) slot \(quoted) does not end after it starts")
    }
    return slot
  }

  private static func weekday(named text: String) -> Int? {
    if let index = dayNames.firstIndex(where: { $0.lowercased() == text.lowercased() }) { return index + 1 }
    for prefix in ["周", "星期"] where text.hasPrefix(prefix) {
      let rest = String(text.dropFirst(prefix.count))
      if let index = chineseDayNames.firstIndex(of: rest) { return index + 1 }
      if rest == "天" { return 7 }
    }
    return nil
  }

  /// Minutes after midnight of "H:MM" or "HH:MM"; "24:00" only when it is an end.
  private static func minutes(_ text: String, allowMidnightEnd: Bool) -> Int? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, (1...2).contains(parts[0].utf8.count), parts[1].utf8.count == 2,
      let hour = CalendarDate.digits(ArraySlice(parts[0].utf8)),
      let minute = CalendarDate.digits(ArraySlice(parts[1].utf8)), minute < 60
    else { return nil }
    if hour == 24 && minute == 0 && allowMidnightEnd { return 1440 }
    return hour < 24 ? hour * 60 + minute : nil
  }

  /// "HH:MM" for minutes after midnight.
  static func clock(_ minutes: Int) -> String {
    "\(CalendarDate.pad(minutes / 60, 2)):\(CalendarDate.pad(minutes % 60, 2))"
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces; by index, not by reversing the characters twice (a
  /// payment parses its class's schedule, and this was a seventh of an import).
  fileprivate var trimmingSpaces: String {
    var start = startIndex
    var end = endIndex
    while start < end, self[start] == " " { start = index(after: start) }
    while end > start, self[index(before: end)] == " " { end = index(before: end) }
    return String(self[start..<end])
  }
}

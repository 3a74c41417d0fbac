/// A moment in China Standard Time (UTC+8, no daylight saving), to the second; written
/// "YYYY-MM-DDTHH:MM:SS+08:00".
public struct LocalDateTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// China's offset from UTC, in seconds.
  public static let offsetSeconds: Int64 = 8 * 3600

  /// The day in China.
  public let date: CalendarDate
  /// Minutes since midnight, 0...1439.
  public let minuteOfDay: Int
  /// The second of the minute, 0...59.
  public let second: Int

  /// Makes a moment, or nil if `minuteOfDay` is outside 0...1439 or `second` outside 0...59.
  public init?(date: CalendarDate, minuteOfDay: Int, second: Int = 0) {
    guard (0..<1440).contains(minuteOfDay), (0..<60).contains(second) else { return nil }
    self.date = date
    self.minuteOfDay = minuteOfDay
    self.second = second
  }

  /// The moment at `unixSeconds` seconds after 1970-01-01T00:00:00Z, seen in China.
  public init(unixSeconds: Int64) {
    self.init(unixSeconds: unixSeconds, offsetSeconds: LocalDateTime.offsetSeconds)
  }

  /// The wall-clock time at `offsetSeconds` (0 ≤ offset < 1 day) east of UTC; never overflows.
  private init(unixSeconds: Int64, offsetSeconds: Int64) {
    var days = LocalDateTime.floorDivide(unixSeconds, 86_400)
    var secondOfDay = (unixSeconds &- days &* 86_400) + offsetSeconds  // exact: the remainder is 0..<86_400
    if secondOfDay >= 86_400 {
      days += 1
      secondOfDay -= 86_400
    }
    date = CalendarDate(daysSinceEpoch: Int(days))
    minuteOfDay = Int(secondOfDay) / 60
    second = Int(secondOfDay) % 60
  }

  /// Seconds since 1970-01-01T00:00:00Z.
  public var unixSeconds: Int64 {
    // Wrapping operators: for any moment made from an Int64 the exact result fits, even when an
    // intermediate sum (near Int64.max) does not, and two's-complement wrapping then gives it exactly.
    Int64(date.daysSinceEpoch) &* 86_400 &+ Int64(minuteOfDay * 60 + second) &- LocalDateTime.offsetSeconds
  }

  /// The hour of the day, 0...23.
  public var hour: Int { minuteOfDay / 60 }
  /// The minute of the hour, 0...59.
  public var minute: Int { minuteOfDay % 60 }

  /// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a space may replace the
  /// T), optionally followed by "+08:00", or by "Z" for UTC (then converted to China time).
  public static func parse(_ text: String, field: String) throws -> LocalDateTime {
    var notForm: Rejection {
      Rejection(
        "datetime_not_iso_form",
        "\(field) \(Rejection.quote(text)) is not a date-time written YYYY-MM-DDTHH:MM[:SS] with an optional +08:00 or Z"
      )
    }
    guard text.utf8.count >= 10, text.utf8.count <= 25 else { throw notForm }
    var quoted: String { Rejection.quote(text) }  // only a refusal needs it
    var bytes = Array(text.utf8)
    let date: CalendarDate
    do {
      date = try CalendarDate.parse(String(decoding: bytes[0..<10], as: UTF8.self), field: field)
    } catch let rejection as Rejection where rejection.code == "date_not_yyyy_mm_dd" {
      throw notForm
    }
    if bytes.count == 10 {
      return LocalDateTime(date: date, minuteOfDay: 0)!
    }
    var isUTC = false
    if bytes.last == UInt8(ascii: "Z") {
      isUTC = true
      bytes.removeLast()
    } else if bytes.count >= 16,
      bytes[bytes.count - 6] == UInt8(ascii: "+") || bytes[bytes.count - 6] == UInt8(ascii: "-")
    {
      let offset = String(decoding: bytes[(bytes.count - 6)...], as: UTF8.self)
      guard offset == "+08:00" else {
        throw Rejection(
          "datetime_offset_not_china",
          "\(field) \(quoted) has offset \(Rejection.quote(offset)); give China time (+08:00) or UTC (Z)")
      }
      bytes.removeLast(6)
    }
    guard bytes.count == 16 || bytes.count == 19,
      bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      bytes[13] == UInt8(ascii: ":"), bytes.count == 16 || bytes[16] == UInt8(ascii: ":"),
      let hour = CalendarDate.digits(bytes[11..<13]), let minute = CalendarDate.digits(bytes[14..<16])
    else { throw notForm }
    var second = 0
    if bytes.count == 19 {
      guard let value = CalendarDate.digits(bytes[17..<19]) else { throw notForm }
      second = value
    }
    guard hour < 24, minute < 60, second < 60 else {
      throw Rejection(
        "datetime_time_out_of_range",
        "\(field) \(quoted) has no such time of day; hours are 00-23, minutes and seconds 00-59")
    }
    let moment = LocalDateTime(date: date, minuteOfDay: hour * 60 + minute, second: second)!
    if !isUTC { return moment }
    let converted = LocalDateTime(unixSeconds: moment.unixSeconds + LocalDateTime.offsetSeconds)
    guard converted.date.year <= 9999 else {
      throw Rejection("datetime_out_of_range", "\(field) \(quoted) is after year 9999 in China time")
    }
    return converted
  }

  /// A UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" for `unixSeconds` (for ledger entry times).
  public static func utcTimestamp(unixSeconds: Int64) -> String {
    let local = LocalDateTime(unixSeconds: unixSeconds, offsetSeconds: 0)
    return "\(local.date)T\(local.clockText)Z"
  }

  /// "YYYY-MM-DDTHH:MM:SS+08:00".
  public var description: String { "\(date)T\(clockText)+08:00" }

  /// "HH:MM:SS".
  var clockText: String {
    "\(CalendarDate.pad(hour, 2)):\(CalendarDate.pad(minute, 2)):\(CalendarDate.pad(second, 2))"
  }

  /// Whether `lhs` is an earlier moment than `rhs`.
  public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
    (lhs.date, lhs.minuteOfDay, lhs.second) < (rhs.date, rhs.minuteOfDay, rhs.second)
  }

  /// Decodes from any text `parse` accepts.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    do {
      self = try LocalDateTime.parse(text, field: "date-time")
    } catch let rejection as Rejection {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: rejection.message)
    }
  }

  /// Encodes as the canonical "YYYY-MM-DDTHH:MM:SS+08:00".
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
  }
}

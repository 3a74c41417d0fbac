import JianguanCore

/// What the replay keeps to check the timing rules: the calendar the log holds, and the time of
/// the entry being applied.
public struct TimingState: Sendable {
  /// The working-day calendar of the `calendar` entries so far.
  public internal(set) var calendar = try! WorkingDayCalendar(years: [])
  public internal(set) var years: [WorkingDayCalendar.Year] = []
  /// Unix seconds of the entry being applied; nil when the caller gave no time (then the rules
  /// that need one are not checked).
  var entrySeconds: Int64?
  var lastSeconds: Int64 = .min
  /// The confirmation window, in working days, for an institution's region; nil: deemed
  /// releases are not timed (the policy is not yet in the log; the audit passes it).
  public var confirmationWindowWorkingDays: (@Sendable (String) -> Int)?
  /// The working days an institution of a region has to answer a refund application; nil: the
  /// due day is not recomputed.
  public var refundAnswerWorkingDays: (@Sendable (String) -> Int)?

  public init() {}
}

extension LedgerState {
  /// Notes the time of the entry about to be applied (its `YYYY-MM-DDTHH:MM:SSZ` bytes): entry
  /// times never go backwards.
  public mutating func noteEntryTime(
    _ timestamp: UnsafeBufferPointer<UInt8>, seq: Int64, faults: inout [AuditFault]
  ) {
    guard let seconds = LedgerState.unixSeconds(utcTimestamp: timestamp) else {
      timing.entrySeconds = nil
      faults.append(AuditFault(seq: seq, "the entry's time is not a UTC time YYYY-MM-DDTHH:MM:SSZ"))
      return
    }
    if seconds < timing.lastSeconds {
      faults.append(
        AuditFault(
          seq: seq,
          "the entry is dated \(LocalDateTime.utcTimestamp(unixSeconds: seconds)), before the entry before it (\(LocalDateTime.utcTimestamp(unixSeconds: timing.lastSeconds))): entry times never go backwards"
        ))
    }
    timing.entrySeconds = seconds
    timing.lastSeconds = max(timing.lastSeconds, seconds)
  }

  /// Unix seconds of `YYYY-MM-DDTHH:MM:SSZ`, or nil when the bytes are not that form. Read
  /// digit by digit: the audit does it for every entry.
  public static func unixSeconds(utcTimestamp bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      bytes[19] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ from: Int, _ count: Int) -> Int? {
      var value = 0
      for index in from..<(from + count) {
        let digit = Int(bytes[index]) - 48
        guard (0...9).contains(digit) else { return nil }
        value = value * 10 + digit
      }
      return value
    }
    guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
      let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
      hour < 24, minute < 60, second < 60, let date = CalendarDate(year: year, month: month, day: day)
    else { return nil }
    return Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
  }

  /// The China day of the entry being applied.
  var entryDay: CalendarDate? {
    timing.entrySeconds.map { LocalDateTime(unixSeconds: $0).date }
  }

  /// A date-time a payload names (paid, taught) may not be after its entry's time.
  func checkNotAfterEntry(_ text: String, what: String, fault: (String) -> Void) {
    guard let seconds = timing.entrySeconds, let moment = try? LocalDateTime.parse(text, field: what),
      moment.unixSeconds > seconds
    else { return }
    fault("\(what) \(text) is after the entry's own time \(LocalDateTime(unixSeconds: seconds))")
  }

  /// A refund application's due day is the region's `refundAnswerWorkingDays`-th working day after
  /// the day it was made, counted with the log's calendar, as the write path counted it.
  func checkAnswerDue(_ body: RefundRequestCreated, region: String?, fault: (String) -> Void) {
    guard let daysOf = timing.refundAnswerWorkingDays, let region,
      let requested = try? CalendarDate.parse(String(body.requestedAt.prefix(10)), field: "requestedAt")
    else { return }
    let days = daysOf(region)
    do {
      let due = try timing.calendar.workingDay(days, after: requested)
      if due.description != body.answerDue {
        fault(
          "refund request \(body.request) is due \(body.answerDue); \(days) working days after \(requested) is \(due)"
        )
      }
    } catch {
      fault("refund request \(body.request): its due day counts days the log's calendar does not cover")
    }
  }

  mutating func applyCalendar(_ body: CalendarLoaded, fault: (String) -> Void) {
    let year: WorkingDayCalendar.Year
    do { year = try body.checked() } catch {
      fault("calendar entry: \(error)")
      return
    }
    guard !timing.years.contains(where: { $0.year == year.year }) else {
      fault("calendar year \(year.year) is loaded twice")
      return
    }
    timing.years.append(year)
    timing.calendar = try! WorkingDayCalendar(years: timing.years)
  }

  /// A deemed release comes only once the confirmation window has passed: at least the window's
  /// working days after the day the lesson was recorded, counted with the log's calendar.
  func checkDeemedRelease(_ lesson: LessonRecord, id: String, region: String?, fault: (String) -> Void) {
    guard let windowOf = timing.confirmationWindowWorkingDays, let region, let releaseDay = entryDay,
      lesson.recordedDay != Int32.min
    else { return }
    let recordedOn = CalendarDate(daysSinceEpoch: Int(lesson.recordedDay))
    let window = max(windowOf(region), 1)
    do {
      // The window's last day, counted only as far as it needs: a settle on 2 January may deem
      // a lesson as of 31 December before the new year's calendar is loaded.
      let windowEnds = try timing.calendar.workingDay(window, after: recordedOn)
      if windowEnds > releaseDay {
        fault(
          "lesson \(id) recorded on \(recordedOn) is deemed confirmed on \(releaseDay), before its window of \(window) working days ends on \(windowEnds)"
        )
      }
    } catch {
      fault(
        "lesson \(id) is deemed confirmed counting working days the log's calendar does not cover: \(error)")
    }
  }
}

extension LedgerState {
  /// A `policy` entry puts its book in force: the replay's windows and due days come from it
  /// from then on, as the rules' did.
  mutating func applyPolicy(_ body: PolicyLoaded, fault: (String) -> Void) {
    let book: PolicyBook
    do { book = try PolicyBook.parse(json: Array(body.document.utf8)) } catch {
      fault("policy entry: \(error)")
      return
    }
    let policy = LedgerPolicy(book)
    policyInForce = policy
    timing.confirmationWindowWorkingDays = { policy.policy(for: $0).confirmationWindowWorkingDays }
    timing.refundAnswerWorkingDays = { policy.policy(for: $0).refundAnswerWorkingDays }
  }
}

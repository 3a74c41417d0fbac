/// One charge = at most 60 class hours and 3 months of lessons, however it is split (教监管函〔2021〕2号;
/// issue 14, point 4). The store sums what a student already holds; these functions are the rule.
public enum ChargeRules {
  /// The day of the last lesson that a payment's hours cover: the class's scheduled slots are
  /// taken in order, every date of the term counted, from `from` (the later of the payment date
  /// and the class's start) through `ends`; each slot holds its minutes ÷ `lessonMinutes` hours
  /// (rounded down). The `hoursAhead` the student already holds unconsumed in the class are taught
  /// first; the payment's `hours` take the slots after them. The answer is the slot in which the
  /// running total first reaches `hoursAhead + hours`; when the term's remaining slots hold fewer
  /// hours, the hours cannot all be scheduled and the cover ends at the term's last slot. Nil when
  /// no slot remains at all.
  public static func lastCoveredDay(
    schedule: Schedule, lessonMinutes: Int, from: CalendarDate, ends: CalendarDate, hoursAhead: Int64,
    hours: Int64
  ) -> CalendarDate? {
    let target = hoursAhead + hours
    var hoursByWeekday = [Int64](repeating: 0, count: 8)
    for slot in schedule.slots {
      hoursByWeekday[slot.weekday] += Int64(slot.durationMinutes / max(lessonMinutes, 1))
    }
    // Day numbers and a weekday counter: a date is made only for the answer (the audit and the
    // import ask this for every payment, over up to a term of days).
    var covered: Int64 = 0
    var lastSlotDay: Int?
    var day = from.daysSinceEpoch
    var weekday = from.weekday
    let last = ends.daysSinceEpoch
    while day <= last {
      let held = hoursByWeekday[weekday]
      if held > 0 {
        covered += held
        lastSlotDay = day
        if covered >= target { return CalendarDate(daysSinceEpoch: day) }
      }
      day += 1
      weekday = weekday == 7 ? 1 : weekday + 1
    }
    return lastSlotDay.map { CalendarDate(daysSinceEpoch: $0) }
  }
}

/// The rules a lesson taught must keep to fit its class (issue 14, point 3).
public enum LessonRules {
  /// A class as the lesson rules need it.
  public struct ClassTerms: Sendable {
    public var schedule: Schedule
    public var starts: CalendarDate
    public var ends: CalendarDate
    public var delivery: Delivery
    public var isSubject: Bool
    public var lessonMinutes: Int

    public init(
      schedule: Schedule, starts: CalendarDate, ends: CalendarDate, delivery: Delivery, isSubject: Bool,
      lessonMinutes: Int
    ) {
      self.schedule = schedule
      self.starts = starts
      self.ends = ends
      self.delivery = delivery
      self.isSubject = isSubject
      self.lessonMinutes = lessonMinutes
    }
  }

  /// Checks a lesson of `hours` class hours taught at `taught`, in this order (the first broken
  /// rule is reported):
  ///
  /// 1. the calendar covers its day (`calendar_year_not_loaded`);
  /// 2. its day is within the class's term (`lesson_outside_class_dates`);
  /// 3. its weekday and start are those of one of the class's slots, to the minute
  ///    (`lesson_not_in_schedule`);
  /// 4. its hours fit that slot: at most the slot's minutes ÷ the lesson minutes, rounded down
  ///    (`lesson_hours_exceed_slot`);
  /// 5. the Double Reduction time rules of `ClassRules.check` hold for the lesson itself, the
  ///    span from its start for `hours` × the lesson minutes (`lesson_` + the class rule's code,
  ///    e.g. `lesson_ends_too_late`);
  /// 6. a subject lesson is not on a weekend or statutory holiday (`subject_lesson_on_rest_day`).
  ///
  /// Returns the slot the lesson fills.
  @discardableResult
  public static func check(
    taught: LocalDateTime, hours: Int64, field: String, terms: ClassTerms, policy: Policy,
    calendar: WorkingDayCalendar
  ) throws -> Schedule.Slot {
    let day = taught.date
    try calendar.requireCovered(day, field: field)
    guard day >= terms.starts, day <= terms.ends else {
      throw Rejection(
        "lesson_outside_class_dates",
        "\(field) \(day) is outside the class's dates \(terms.starts) to \(terms.ends)")
    }
    guard
      taught.second == 0,
      let slot = terms.schedule.slots.first(where: {
        $0.weekday == day.weekday && $0.startMinute == taught.minuteOfDay
      })
    else {
      throw Rejection(
        "lesson_not_in_schedule",
        "\(field) \(taught) is a \(Schedule.dayNames[day.weekday - 1]) at \(Schedule.clock(taught.minuteOfDay)), not the start of one of the class's slots \(Rejection.quote(terms.schedule.description))"
      )
    }
    let fitting = Int64(slot.durationMinutes / max(terms.lessonMinutes, 1))
    guard hours <= fitting else {
      throw Rejection(
        "lesson_hours_exceed_slot",
        "hours \(hours) is more than the slot \(Rejection.quote(slot.description)) holds: \(fitting) lesson(s) of \(terms.lessonMinutes) minutes"
      )
    }
    // hours ≤ fitting ≤ 1440, so the span fits in a day.
    let span = Schedule.Slot(
      weekday: slot.weekday, startMinute: slot.startMinute,
      endMinute: slot.startMinute + Int(hours) * terms.lessonMinutes)!
    do {
      try ClassRules.check(
        schedule: try Schedule(slots: [span]), delivery: terms.delivery, isSubject: terms.isSubject,
        lessonMinutes: terms.lessonMinutes, policy: policy)
      // School hours and vacations too: the policy in force now may differ from the one the
      // class was added under.
      try ClassRules.checkSchoolCalendar(
        schedule: try Schedule(slots: [span]), starts: day, ends: day, isSubject: terms.isSubject,
        policy: policy)
    } catch let rule as Rejection {
      let code = rule.code.hasPrefix("class_") ? String(rule.code.dropFirst("class_".count)) : rule.code
      throw Rejection(
        "lesson_\(code)",
        "\(field) \(taught): the lesson breaks a Double Reduction time rule: \(rule.message)")
    }
    if terms.isSubject, day.isWeekend || calendar.isStatutoryHoliday(day) {
      throw Rejection(
        "subject_lesson_on_rest_day",
        "\(field) \(day) is a weekend or statutory holiday: subject training is not held on rest days (双减意见)")
    }
    return slot
  }
}

extension ClassRules {
  /// Checks a subject class against the school calendar of the region's policy (双减意见: no
  /// subject training in school hours, at weekends, on holidays or in the vacations), in order:
  ///
  /// 1. no slot from Monday to Friday overlaps school hours, `schoolDayStartMinute` to
  ///    `schoolDayEndMinute` (`class_subject_in_school_hours`);
  /// 2. no scheduled weekday of the term falls in one of the policy's `vacations`
  ///    (`class_subject_in_vacation`).
  ///
  /// Non-subject classes are not checked.
  public static func checkSchoolCalendar(
    schedule: Schedule, starts: CalendarDate, ends: CalendarDate, isSubject: Bool, policy: Policy
  ) throws {
    guard isSubject else { return }
    if let slot = schedule.slots.first(where: {
      $0.weekday <= 5 && $0.startMinute < policy.schoolDayEndMinute
        && $0.endMinute > policy.schoolDayStartMinute
    }) {
      throw Rejection(
        "class_subject_in_school_hours",
        "schedule slot \(Rejection.quote(slot.description)) is within school hours (\(Schedule.clock(policy.schoolDayStartMinute))-\(Schedule.clock(policy.schoolDayEndMinute)) on school days), when subject training is not allowed"
      )
    }
    let weekdays = Set(schedule.slots.map(\.weekday))
    var day = starts
    while day <= ends {
      if weekdays.contains(day.weekday), let vacation = policy.vacations.first(where: { $0.contains(day) }) {
        throw Rejection(
          "class_subject_in_vacation",
          "the term \(starts) to \(ends) has a lesson on \(day), in the \(vacation.label), when subject training is not allowed"
        )
      }
      day = day.adding(days: 1)
    }
  }
}

/// The Double Reduction rules on when classes may be held and what subject courses may cost.
public enum ClassRules {
  /// Checks a class's weekly schedule against the region's policy. Rules, checked in this order
  /// (the first broken one is reported):
  ///
  /// 1. `lessonMinutes` is 1...600 (`class_lesson_minutes_invalid`);
  /// 2. subject classes have no slot on Saturday or Sunday (`class_subject_on_weekend`);
  /// 3. every slot lasts at least `lessonMinutes` and at most 3 × `lessonMinutes`, so a slot may
  ///    hold a double or triple lesson but never a fraction of one (`class_slot_shorter_than_lesson`,
  ///    `class_slot_longer_than_three_lessons`);
  /// 4. online slots last at most `onlineMaxLessonMinutes` (`class_online_lesson_too_long`);
  /// 5. slots end by `onlineLatestEndMinute` (online) or `offlineLatestEndMinute` (offline)
  ///    (`class_ends_too_late`);
  /// 6. online slots on the same day are at least `onlineMinGapMinutes` apart
  ///    (`class_online_gap_too_short`).
  public static func check(
    schedule: Schedule, delivery: Delivery, isSubject: Bool, lessonMinutes: Int, policy: Policy
  ) throws {
    guard (1...600).contains(lessonMinutes) else {
      throw Rejection(
        "class_lesson_minutes_invalid", "lesson length \(lessonMinutes) minutes is outside 1...600 minutes")
    }
    if isSubject, let slot = schedule.slots.first(where: { $0.weekday >= 6 }) {
      throw Rejection(
        "class_subject_on_weekend",
        "schedule slot \(quote(slot)) falls on a weekend, when subject training is not allowed")
    }
    for slot in schedule.slots {
      if slot.durationMinutes < lessonMinutes {
        throw Rejection(
          "class_slot_shorter_than_lesson",
          "schedule slot \(quote(slot)) is \(slot.durationMinutes) minutes, shorter than one \(lessonMinutes)-minute lesson"
        )
      }
      if slot.durationMinutes > 3 * lessonMinutes {
        throw Rejection(
          "class_slot_longer_than_three_lessons",
          "schedule slot \(quote(slot)) is \(slot.durationMinutes) minutes, longer than three \(lessonMinutes)-minute lessons"
        )
      }
    }
    if delivery == .online,
      let slot = schedule.slots.first(where: { $0.durationMinutes > policy.onlineMaxLessonMinutes })
    {
      throw Rejection(
        "class_online_lesson_too_long",
        "schedule slot \(quote(slot)) is \(slot.durationMinutes) minutes; online lessons last at most \(policy.onlineMaxLessonMinutes)"
      )
    }
    let latestEnd = delivery == .online ? policy.onlineLatestEndMinute : policy.offlineLatestEndMinute
    if let slot = schedule.slots.first(where: { $0.endMinute > latestEnd }) {
      throw Rejection(
        "class_ends_too_late",
        "schedule slot \(quote(slot)) ends after \(Schedule.clock(latestEnd)), the latest end for \(delivery.rawValue) lessons"
      )
    }
    if delivery == .online {
      for (earlier, later) in zip(schedule.slots, schedule.slots.dropFirst())
      where earlier.weekday == later.weekday
        && later.startMinute - earlier.endMinute < policy.onlineMinGapMinutes
      {
        throw Rejection(
          "class_online_gap_too_short",
          "schedule slots \(quote(earlier)) and \(quote(later)) are less than \(policy.onlineMinGapMinutes) minutes apart"
        )
      }
    }
  }

  /// The highest price per hour allowed for a subject course by the guided price for its class
  /// size and delivery — base × (100 + markup) / 100, rounded down in the parent's favour — or
  /// nil when the region sets no guided price for it.
  public static func guidedCeilingFen(classSize: ClassSize, delivery: Delivery, policy: Policy) throws
    -> Int64?
  {
    guard let guided = policy.guidedPrice(classSize: classSize, delivery: delivery) else { return nil }
    let scaled = try Money.multiply(
      guided.baseFenPerHour, Int64(100 + policy.guidedPriceMarkupPercent), field: "guided price ceiling")
    return scaled / 100
  }

  /// Checks a price per class hour: it must be positive, and a subject course with a guided
  /// price for its class size and delivery may cost at most the guided ceiling.
  public static func checkPrice(
    pricePerHourFen: Int64, classSize: ClassSize, delivery: Delivery, isSubject: Bool, policy: Policy
  ) throws {
    if pricePerHourFen <= 0 {
      throw Rejection(
        "class_price_not_positive", "price per hour \(Money.formatYuan(pricePerHourFen)) yuan is not positive"
      )
    }
    guard isSubject,
      let ceiling = try guidedCeilingFen(classSize: classSize, delivery: delivery, policy: policy)
    else { return }
    if pricePerHourFen > ceiling {
      let base = policy.guidedPrice(classSize: classSize, delivery: delivery)!.baseFenPerHour
      throw Rejection(
        "class_price_above_guided_ceiling",
        "price per hour \(Money.formatYuan(pricePerHourFen)) yuan is above the ceiling of "
          + "\(Money.formatYuan(ceiling)) yuan (guided \(Money.formatYuan(base)) + \(policy.guidedPriceMarkupPercent)%) "
          + "for \(delivery.rawValue) subject classes of \(classSize.label)")
    }
  }

  private static func quote(_ slot: Schedule.Slot) -> String { Rejection.quote(slot.description) }
}

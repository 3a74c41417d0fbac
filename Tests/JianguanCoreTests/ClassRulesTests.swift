import Testing

@testable import JianguanCore

@Suite struct ClassRulesTests {
  let policy = Policy()

  func code(
    _ schedule: String, _ delivery: Delivery, subject: Bool = false, lesson: Int = 45,
    policy: Policy = Policy()
  ) throws -> String? {
    let parsed = try Schedule.parse(schedule, field: "schedule")
    return TestSupport.rejectionCode {
      try ClassRules.check(
        schedule: parsed, delivery: delivery, isSubject: subject, lessonMinutes: lesson, policy: policy)
    }
  }

  @Test func acceptsOrdinaryClasses() throws {
    #expect(try code("Tue 18:00-18:45,Thu 18:00-18:45", .offline, subject: true) == nil)
    #expect(try code("Sat 09:00-10:30", .offline) == nil)  // a double lesson, non-subject on Saturday
    #expect(try code("Sat 19:45-20:30", .offline) == nil)  // ends exactly at 20:30
    // A 10-minute gap, ending by 21:00.
    #expect(try code("Mon 20:00-20:30,Mon 20:40-20:50", .online, lesson: 10) == nil)
    #expect(try code("Wed 20:30-21:00", .online, subject: true, lesson: 30) == nil)
  }

  @Test func refusesBrokenRules() throws {
    #expect(try code("Sat 09:00-09:45", .offline, subject: true) == "class_subject_on_weekend")
    #expect(try code("Sun 09:00-09:30", .online, subject: true, lesson: 30) == "class_subject_on_weekend")
    #expect(try code("Tue 18:00-18:40", .offline) == "class_slot_shorter_than_lesson")
    #expect(try code("Tue 14:00-16:16", .offline) == "class_slot_longer_than_three_lessons")
    #expect(try code("Tue 19:00-19:40", .online, lesson: 40) == "class_online_lesson_too_long")
    #expect(try code("Tue 19:50-20:35", .offline) == "class_ends_too_late")
    #expect(try code("Tue 20:35-21:05", .online, lesson: 30) == "class_ends_too_late")
    #expect(try code("Mon 19:00-19:30,Mon 19:39-20:09", .online, lesson: 30) == "class_online_gap_too_short")
    #expect(try code("Mon 19:00-19:45,Mon 19:45-20:30", .offline) == nil)  // no gap rule offline
    #expect(try code("Mon 19:00-19:45", .offline, lesson: 0) == "class_lesson_minutes_invalid")
  }

  @Test func followsThePolicy() throws {
    var relaxed = Policy()
    relaxed.offlineLatestEndMinute = 21 * 60
    relaxed.onlineMaxLessonMinutes = 45
    #expect(try code("Tue 20:00-20:45", .offline, policy: relaxed) == nil)
    #expect(try code("Tue 19:00-19:45", .online, policy: relaxed) == nil)
  }

  @Test func messageNamesSlotAndLimit() throws {
    let schedule = try Schedule.parse("Tue 19:50-20:35", field: "schedule")
    let rejection = TestSupport.rejection {
      try ClassRules.check(
        schedule: schedule, delivery: .offline, isSubject: false, lessonMinutes: 45, policy: policy)
    }
    #expect(
      rejection?.message
        == "schedule slot \"Tue 19:50-20:35\" ends after 20:30, the latest end for offline lessons")
  }

  @Test func guidedPriceCeiling() throws {
    var hefei = Policy()
    hefei.guidedPrices = [GuidedPrice(classSize: .from10To35, delivery: .offline, baseFenPerHour: 5001)]
    // 5001 × 110 / 100 = 5501.1 → 5501 fen, rounded down in the parent's favour.
    #expect(
      try ClassRules.guidedCeilingFen(classSize: .from10To35, delivery: .offline, policy: hefei) == 5501)
    #expect(try ClassRules.guidedCeilingFen(classSize: .under10, delivery: .offline, policy: hefei) == nil)
    func priceCode(
      _ fen: Int64, _ size: ClassSize = .from10To35, _ delivery: Delivery = .offline, subject: Bool = true
    )
      -> String?
    {
      TestSupport.rejectionCode {
        try ClassRules.checkPrice(
          pricePerHourFen: fen, classSize: size, delivery: delivery, isSubject: subject, policy: hefei)
      }
    }
    #expect(priceCode(5501) == nil)
    #expect(priceCode(5502) == "class_price_above_guided_ceiling")
    #expect(priceCode(9999, .under10) == nil)  // no guided price for that band
    #expect(priceCode(9999, .from10To35, .online) == nil)
    #expect(priceCode(9999, subject: false) == nil)  // non-subject courses have no guided price
    #expect(priceCode(0) == "class_price_not_positive")
    let rejection = TestSupport.rejection {
      try ClassRules.checkPrice(
        pricePerHourFen: 6000, classSize: .from10To35, delivery: .offline, isSubject: true, policy: hefei)
    }
    #expect(rejection?.message.contains("55.01 yuan") == true)
  }
}

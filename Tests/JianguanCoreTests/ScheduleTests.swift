import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct ScheduleTests {
  @Test(arguments: [
    ("Tue 18:00-18:45,Thu 18:00-18:45", "Tue 18:00-18:45,Thu 18:00-18:45"),
    ("thu 18:00-18:45 , TUE 18:00-18:45", "Tue 18:00-18:45,Thu 18:00-18:45"),
    ("周二 18:00-18:45，周四 18:00-18:45", "Tue 18:00-18:45,Thu 18:00-18:45"),
    ("星期日 9:00-10:30", "Sun 09:00-10:30"),
    ("周天 9:00-10:30", "Sun 09:00-10:30"),
    ("Sat 10:00-10:45,Sat 09:00-09:45,Mon 19:00-19:30", "Mon 19:00-19:30,Sat 09:00-09:45,Sat 10:00-10:45"),
    ("Mon 18:00-18:45,Mon 18:45-19:30", "Mon 18:00-18:45,Mon 18:45-19:30"),
    ("Fri 23:00-24:00", "Fri 23:00-24:00"),
  ])
  func parsesToCanonical(text: String, canonical: String) throws {
    let schedule = try Schedule.parse(text, field: "schedule")
    #expect(schedule.description == canonical)
    #expect(try Schedule.parse(canonical, field: "schedule") == schedule)
  }

  @Test func slotsAndMinutes() throws {
    let schedule = try Schedule.parse("Tue 18:00-18:45,Thu 18:00-19:00", field: "schedule")
    #expect(schedule.slots.map(\.weekday) == [2, 4])
    #expect(schedule.slots.map(\.durationMinutes) == [45, 60])
    #expect(schedule.slots[0].startMinute == 1080 && schedule.slots[0].endMinute == 1125)
    #expect(schedule.minutesPerWeek == 105)
  }

  @Test(arguments: [
    ("", "schedule_is_empty"), ("  ", "schedule_is_empty"), ("Tue", "schedule_bad_slot"),
    ("Tue 18:00-18:45,", "schedule_bad_slot"), ("Tues 18:00-18:45", "schedule_unknown_weekday"),
    ("Xyz 18:00-18:45", "schedule_unknown_weekday"), ("18:00-18:45", "schedule_unknown_weekday"),
    ("Tue 18:00", "schedule_bad_time"), ("Tue 18:00-18:60", "schedule_bad_time"),
    ("Tue 25:00-26:00", "schedule_bad_time"), ("Tue 18.00-18.45", "schedule_bad_time"),
    ("Tue 24:00-24:00", "schedule_bad_time"), ("Tue 18:00-18:45-19:00", "schedule_bad_time"),
    ("Tue 18:45-18:00", "schedule_end_not_after_start"), ("Tue 18:00-18:00", "schedule_end_not_after_start"),
    ("Tue 18:00-19:00,Tue 18:30-19:30", "schedule_slots_overlap"),
    ("Tue 18:00-18:45,Tue 18:00-18:45", "schedule_slots_overlap"),
    (String(repeating: "Mon 01:00-01:30,", count: 40), "schedule_too_long"),
  ])
  func refuses(text: String, code: String) {
    #expect(TestSupport.rejectionCode { _ = try Schedule.parse(text, field: "schedule") } == code)
  }

  @Test func atMost21Slots() throws {
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    let slots = (0..<22).map { "\(days[$0 % 7]) \(8 + $0 / 7):00-\(8 + $0 / 7):30" }
    #expect(try Schedule.parse(slots.prefix(21).joined(separator: ","), field: "s").slots.count == 21)
    #expect(
      TestSupport.rejectionCode { _ = try Schedule.parse(slots.joined(separator: ","), field: "s") }
        == "schedule_too_many_slots")
  }

  @Test func overlapMessageNamesBothSlots() {
    let rejection = TestSupport.rejection {
      _ = try Schedule.parse("Tue 18:30-19:30,Tue 18:00-19:00", field: "schedule")
    }
    #expect(rejection?.message == "schedule slots \"Tue 18:00-19:00\" and \"Tue 18:30-19:30\" overlap")
  }

  /// Random non-overlapping schedules, written shuffled in mixed styles, parse back canonical.
  @Test func randomRoundTrip() throws {
    var generator = SeededGenerator(seed: 45)
    let chinese = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    for _ in 0..<500 {
      var slots: [Schedule.Slot] = []
      for weekday in 1...7 where Bool.random(using: &generator) {
        var minute = Int.random(in: 0...600, using: &generator)
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
          let length = Int.random(in: 1...120, using: &generator)
          guard let slot = Schedule.Slot(weekday: weekday, startMinute: minute, endMinute: minute + length)
          else { break }
          slots.append(slot)
          minute += length + Int.random(in: 0...60, using: &generator)
        }
      }
      if slots.isEmpty { continue }
      let expected = try Schedule(slots: slots)
      let written = slots.shuffled(using: &generator).map { slot in
        let day =
          Bool.random(using: &generator)
          ? chinese[slot.weekday - 1] : Schedule.dayNames[slot.weekday - 1].uppercased()
        let text = slot.description
        return day + " " + text.split(separator: " ")[1]
      }
      let parsed = try Schedule.parse(written.joined(separator: " , "), field: "schedule")
      #expect(parsed == expected)
      #expect(try Schedule.parse(parsed.description, field: "schedule") == parsed)
    }
  }
}

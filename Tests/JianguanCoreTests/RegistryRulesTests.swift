import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct RegistryRulesTests {
  static let today = CalendarDate(year: 2026, month: 2, day: 1)!

  func id(born: String, serial: Int = 1) throws -> ResidentID {
    let first17 = "340104\(born)\(String(format: "%03d", serial))"
    return try ResidentID.parse(
      first17 + String(ResidentID.checkCharacter(forFirst17: first17)!), field: "id-number",
      regions: TestSupport.regions, today: Self.today)
  }

  func code(_ body: () throws -> Void) -> String? { TestSupport.rejectionCode(body) }

  @Test func aParentIsEighteenOnTheDayOfRegistration() throws {
    #expect(
      code { try RegistryRules.checkParentAge(try id(born: "20080201"), today: Self.today, field: "id") }
        == nil)
    #expect(
      code { try RegistryRules.checkParentAge(try id(born: "20080202"), today: Self.today, field: "id") }
        == "parent_under_18")
  }

  @Test func theAgeMessageNamesNeitherTheNumberNorTheBirthDate() throws {
    let child = try id(born: "20150315")
    do {
      try RegistryRules.checkParentAge(child, today: Self.today, field: "id-number")
      Issue.record("a child registered as a parent")
    } catch let rejection as Rejection {
      #expect(!rejection.message.contains(child.value) && !rejection.message.contains("20150315"))
      #expect(rejection.message.contains("10 years old"), "\(rejection.message)")
    }
  }

  @Test func theExpectedGradeFollowsTheFirstOfSeptemberCutoff() {
    // 6 on 31 August 2025: grade 1 in the school year 2025/26; born on 1 September: grade 0.
    #expect(
      RegistryRules.expectedGrade(born: CalendarDate(year: 2019, month: 8, day: 31)!, on: Self.today) == 1)
    #expect(
      RegistryRules.expectedGrade(born: CalendarDate(year: 2019, month: 9, day: 1)!, on: Self.today) == 0)
    // A new school year starts on 1 September.
    let born = CalendarDate(year: 2015, month: 3, day: 1)!
    #expect(RegistryRules.expectedGrade(born: born, on: CalendarDate(year: 2026, month: 8, day: 31)!) == 5)
    #expect(RegistryRules.expectedGrade(born: born, on: CalendarDate(year: 2026, month: 9, day: 1)!) == 6)
  }

  @Test func aGradeWithinTwoYearsOfTheBirthDateIsPlausible() throws {
    let fifthGrader = try id(born: "20150301")  // expected grade 5 on 2026-02-01
    for grade: Int64 in 3...7 {
      #expect(
        code { try RegistryRules.checkGrade(grade, id: fifthGrader, today: Self.today, field: "grade") }
          == nil)
    }
    for grade: Int64 in [0, 1, 2, 8, 12] {
      #expect(
        code { try RegistryRules.checkGrade(grade, id: fifthGrader, today: Self.today, field: "grade") }
          == "grade_implausible_for_age", "grade \(grade)")
    }
    let toddler = try id(born: "20220601")
    #expect(code { try RegistryRules.checkGrade(0, id: toddler, today: Self.today, field: "grade") } == nil)
    let adult = try id(born: "19850101")
    #expect(
      code { try RegistryRules.checkGrade(12, id: adult, today: Self.today, field: "grade") }
        == "grade_implausible_for_age")
  }

  @Test func capacityMustBeInTheCourseBand() {
    #expect(code { try RegistryRules.checkCapacity(9, classSize: .under10) } == nil)
    #expect(code { try RegistryRules.checkCapacity(10, classSize: .from10To35) } == nil)
    #expect(code { try RegistryRules.checkCapacity(36, classSize: .over35) } == nil)
    #expect(
      code { try RegistryRules.checkCapacity(36, classSize: .from10To35) } == "capacity_outside_class_size")
    #expect(
      code { try RegistryRules.checkCapacity(3, classSize: .from10To35) } == "capacity_outside_class_size")
  }

  func timetable(_ starts: String, _ ends: String, _ schedule: String) throws -> RegistryRules.Timetable {
    RegistryRules.Timetable(
      starts: try CalendarDate.parse(starts, field: "starts"),
      ends: try CalendarDate.parse(ends, field: "ends"),
      schedule: try Schedule.parse(schedule, field: "schedule"))
  }

  @Test func classesClashOnlyOnASharedWeekdayAtOverlappingTimesWithinBothTerms() throws {
    let spring = try timetable("2026-03-02", "2026-05-15", "Sat 09:00-10:00,Sun 15:00-16:00")
    let clash = RegistryRules.clash(spring, try timetable("2026-04-01", "2026-06-30", "Sun 15:30-16:30"))
    #expect(clash?.day == CalendarDate(year: 2026, month: 4, day: 5))
    #expect(clash?.slot.description == "Sun 15:00-16:00")
    // Touching slots, another weekday, or terms apart never clash.
    #expect(RegistryRules.clash(spring, try timetable("2026-03-02", "2026-05-15", "Sat 10:00-11:00")) == nil)
    #expect(RegistryRules.clash(spring, try timetable("2026-03-02", "2026-05-15", "Fri 09:00-10:00")) == nil)
    #expect(RegistryRules.clash(spring, try timetable("2026-05-16", "2026-07-15", "Sat 09:00-10:00")) == nil)
    // Terms that share three days, none of them a Saturday: no clash.
    #expect(RegistryRules.clash(spring, try timetable("2026-05-12", "2026-05-14", "Sat 09:00-10:00")) == nil)
  }

  @Test func clashingIsSymmetricAndAgreesWithADayByDaySearch() throws {
    var generator = SeededGenerator(seed: 14_07)
    for _ in 0..<300 {
      func random() throws -> RegistryRules.Timetable {
        let starts = CalendarDate(year: 2026, month: 3, day: 1)!.adding(
          days: Int.random(in: 0..<40, using: &generator))
        let weekday = Int.random(in: 1...7, using: &generator)
        let start = Int.random(in: 8...19, using: &generator) * 60
        let slot = Schedule.Slot(weekday: weekday, startMinute: start, endMinute: start + 45)!
        return RegistryRules.Timetable(
          starts: starts, ends: starts.adding(days: Int.random(in: 0..<30, using: &generator)),
          schedule: try Schedule(slots: [slot]))
      }
      let (a, b) = (try random(), try random())
      var expected: CalendarDate?
      var day = max(a.starts, b.starts)
      while day <= min(a.ends, b.ends) && expected == nil {
        let meets = a.schedule.slots.contains { x in
          b.schedule.slots.contains { y in
            x.weekday == day.weekday && y.weekday == day.weekday && x.startMinute < y.endMinute
              && y.startMinute < x.endMinute
          }
        }
        if meets { expected = day }
        day = day.adding(days: 1)
      }
      #expect(RegistryRules.clash(a, b)?.day == expected)
      #expect(RegistryRules.clash(b, a)?.day == expected)
    }
  }

  @Test func subjectClassesKeepOutOfSchoolHoursAndVacations() throws {
    let policy = Policy()
    func check(_ schedule: String, _ starts: String, _ ends: String, subject: Bool = true) -> String? {
      code {
        try ClassRules.checkSchoolCalendar(
          schedule: try Schedule.parse(schedule, field: "schedule"),
          starts: try CalendarDate.parse(starts, field: "s"),
          ends: try CalendarDate.parse(ends, field: "e"), isSubject: subject, policy: policy)
      }
    }
    #expect(check("Tue 18:00-18:45", "2026-03-02", "2026-06-30") == nil)
    #expect(check("Tue 10:00-10:45", "2026-03-02", "2026-06-30") == "class_subject_in_school_hours")
    #expect(check("Fri 17:00-17:45", "2026-03-02", "2026-06-30") == "class_subject_in_school_hours")
    #expect(check("Tue 10:00-10:45", "2026-03-02", "2026-06-30", subject: false) == nil)
    // 2026-07-14 is a Tuesday in the summer vacation; 2026-07-09 (Thursday) is the day before it.
    #expect(check("Tue 18:00-18:45", "2026-06-01", "2026-07-14") == "class_subject_in_vacation")
    #expect(check("Thu 18:00-18:45", "2026-06-01", "2026-07-12") == nil)
    #expect(check("Tue 18:00-18:45", "2026-01-05", "2026-01-31") == "class_subject_in_vacation")
  }

  @Test func aVacationMayCrossTheNewYear() {
    let vacation = SchoolVacation(name: "winter", fromMonth: 12, fromDay: 25, toMonth: 1, toDay: 5)!
    #expect(vacation.contains(CalendarDate(year: 2026, month: 12, day: 31)!))
    #expect(vacation.contains(CalendarDate(year: 2027, month: 1, day: 5)!))
    #expect(!vacation.contains(CalendarDate(year: 2027, month: 1, day: 6)!))
    #expect(SchoolVacation(name: "x", fromMonth: 2, fromDay: 30, toMonth: 3, toDay: 1) == nil)
  }
}

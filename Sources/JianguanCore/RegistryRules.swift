/// The consistency rules of the registry that need no database: a parent's age, a student's
/// grade against the birth date, a class's capacity against its course's class-size band, and
/// whether two classes' timetables clash.
public enum RegistryRules {
  /// The youngest a parent may be on the day of registration.
  public static let adultAge = 18
  /// How far a student's grade may be from the grade the birth date gives, in years.
  public static let gradeTolerance = 2

  /// Whole years from `born` to `day` (a birthday on 29 February counts on 1 March in other years).
  public static func age(born: CalendarDate, on day: CalendarDate) -> Int {
    let years = day.year - born.year
    return (day.month, day.day) < (born.month, born.day) ? years - 1 : years
  }

  /// Refuses a parent younger than `adultAge` on `today`. The message names the masked number
  /// and the age, never the birth date.
  public static func checkParentAge(_ id: ResidentID, today: CalendarDate, field: String) throws {
    let years = age(born: id.birthDate, on: today)
    guard years >= adultAge else {
      throw Rejection(
        "parent_under_18",
        "\(field) \(Rejection.quote(id.masked)) is of someone \(years) years old on \(today); a parent registers at \(adultAge) or older"
      )
    }
  }

  /// The grade a child born on `born` is in on `day` by the school-age rule: the school year
  /// starts on 1 September, and a child who is 6 on 31 August enters grade 1 that September.
  /// Zero or less means not yet at school.
  public static func expectedGrade(born: CalendarDate, on day: CalendarDate) -> Int {
    let schoolYear = day.month >= 9 ? day.year : day.year - 1
    let ageOnCutoff = age(born: born, on: CalendarDate(year: schoolYear, month: 8, day: 31)!)
    return ageOnCutoff - 5
  }

  /// Refuses a grade more than `gradeTolerance` years from the expected grade. Grade 0
  /// (preschool) is plausible for any child whose expected grade is at most `gradeTolerance`.
  public static func checkGrade(_ grade: Int64, id: ResidentID, today: CalendarDate, field: String) throws {
    let expected = expectedGrade(born: id.birthDate, on: today)
    let plausible =
      grade == 0 ? expected <= gradeTolerance : abs(Int(grade) - expected) <= gradeTolerance
    guard plausible else {
      let years = age(born: id.birthDate, on: today)
      let expectation = expected <= 0 ? "preschool (grade 0)" : "grade \(min(expected, 12))"
      throw Rejection(
        "grade_implausible_for_age",
        "\(field) \(grade) does not fit a child of \(years) on \(today), who by the 1 September school-age rule is in \(expectation); at most \(gradeTolerance) years either way are accepted"
      )
    }
  }

  /// Refuses a capacity outside the class-size band of the course, whose price cap depends on it.
  public static func checkCapacity(_ capacity: Int64, classSize: ClassSize) throws {
    guard ClassSize.forCapacity(capacity) == classSize else {
      throw Rejection(
        "capacity_outside_class_size",
        "capacity \(capacity) is outside the course's class size of \(classSize.label) (its price cap depends on it)"
      )
    }
  }

  /// When a class is held: its term and weekly schedule.
  public struct Timetable: Sendable {
    public let starts: CalendarDate
    public let ends: CalendarDate
    public let schedule: Schedule
    public init(starts: CalendarDate, ends: CalendarDate, schedule: Schedule) {
      (self.starts, self.ends, self.schedule) = (starts, ends, schedule)
    }
  }

  /// A clash of two timetables: a slot of each on the same weekday at overlapping times
  /// (touching is fine), and the first day both terms hold that weekday.
  public struct Clash: Sendable, Equatable {
    public let slot: Schedule.Slot
    public let otherSlot: Schedule.Slot
    public let day: CalendarDate
  }

  /// The first clash between `timetable` and `other`, or nil when they never meet.
  public static func clash(_ timetable: Timetable, _ other: Timetable) -> Clash? {
    let first = max(timetable.starts, other.starts)
    let last = min(timetable.ends, other.ends)
    guard first <= last else { return nil }
    var found: Clash?
    for slot in timetable.schedule.slots {
      for otherSlot in other.schedule.slots
      where otherSlot.weekday == slot.weekday && otherSlot.startMinute < slot.endMinute
        && slot.startMinute < otherSlot.endMinute
      {
        let offset = (slot.weekday - first.weekday + 7) % 7
        let day = first.adding(days: offset)
        if day <= last, found.map({ day < $0.day }) ?? true {
          found = Clash(slot: slot, otherSlot: otherSlot, day: day)
        }
      }
    }
    return found
  }
}

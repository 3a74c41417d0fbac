import GRDB
import JianguanCore
import JianguanLedger

/// The form of `course add`, as typed.
public struct CourseForm: Sendable {
  public var institution = ""
  public var name = ""
  public var subject: String?
  public var category: String?
  public var delivery = ""
  public var lessonMinutes = ""
  public var hours = ""
  public var pricePerHour = ""
  public var classSize: String?
  public init() {}
}

/// The form of `class add`, as typed.
public struct ClassForm: Sendable {
  public var course = ""
  public var venue = ""
  public var teacher = ""
  public var capacity = ""
  public var starts = ""
  public var ends = ""
  public var schedule = ""
  public init() {}
}

extension AppDatabase {
  /// Lists a course (上架); subject courses need a subject-type institution and a guided price.
  public func addCourse(_ form: CourseForm) throws -> Recorded {
    let name = try TextField.validateForLedger(form.name, field: "name", maxLength: 100)
    guard (form.subject == nil) != (form.category == nil) else {
      throw Rejection("course_subject_or_category", "a course takes exactly one of --subject or --category")
    }
    let subject = try form.subject.map { try Subject.parse($0, field: "subject") }
    let category = try form.category.map { try NonSubjectCategory.parse($0, field: "category") }
    guard let delivery = Delivery(rawValue: form.delivery) else {
      throw Rejection(
        "delivery_unknown", "delivery \(Rejection.quote(form.delivery)) must be online or offline")
    }
    let lessonMinutes = try Money.parseCount(form.lessonMinutes, field: "lesson-minutes", range: 10...240)
    let hours = try Money.parseCount(form.hours, field: "hours", range: 1...1000)
    let price = try Money.parsePositiveYuan(form.pricePerHour, field: "price-per-hour")
    let classSize = try form.classSize.map { try ClassSize.parse($0, field: "class-size") } ?? .from10To35
    if delivery == .online && lessonMinutes > 30 {
      throw Rejection(
        "online_lesson_too_long",
        "lesson-minutes \(lessonMinutes) is over 30: online lessons last at most 30 minutes (双减意见)")
    }
    return try write { db in
      let transaction = SQLTransaction(database: self, db: db)
      let id = try transaction.nextID(.course)
      let event = CourseAdded(
        id: id, institution: form.institution, name: name, subject: subject?.rawValue,
        category: category?.rawValue, delivery: delivery.rawValue, lessonMinutes: lessonMinutes, hours: hours,
        pricePerHourFen: price, classSize: classSize.rawValue)
      return Recorded(try RegistryOperation.record(.courseAdded(event), id: id, in: transaction))
    }
  }

  /// Opens a class of a course, with its schedule checked against the rules.
  public func addClass(_ form: ClassForm) throws -> Recorded {
    let capacity = try Money.parseCount(form.capacity, field: "capacity", range: 1...1000)
    let starts = try CalendarDate.parse(form.starts, field: "starts")
    let ends = try CalendarDate.parse(form.ends, field: "ends")
    guard ends >= starts else {
      throw Rejection("class_ends_before_start", "ends \(ends) is before starts \(starts)")
    }
    let schedule = try Schedule.parse(form.schedule, field: "schedule")
    return try write { db in
      let transaction = SQLTransaction(database: self, db: db)
      // The class belongs to its course's institution; an unknown course is the rules' refusal.
      let institution = try transaction.registeredCourse(form.course)?.institution ?? ""
      let id = try transaction.nextID(.klass)
      let event = ClassAdded(
        id: id, course: form.course, institution: institution, venue: form.venue, teacher: form.teacher,
        capacity: capacity, starts: starts.description, ends: ends.description, schedule: schedule.description
      )
      return Recorded(try RegistryOperation.record(.classAdded(event), id: id, in: transaction))
    }
  }
}

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
      let owner = try requireInstitution(form.institution, db: db)
      guard owner.status == "active" else {
        throw Rejection(
          "institution_not_active", "institution \(owner.uscc) is \(owner.status) and cannot list courses")
      }
      if subject != nil && owner.kind != "subject" {
        throw Rejection(
          "subject_course_needs_subject_institution",
          "subject \(Rejection.quote(form.subject!)) needs a subject-type institution; \(owner.uscc) is non-subject"
        )
      }
      if category != nil && owner.kind != "non-subject" {
        throw Rejection(
          "category_course_needs_non_subject_institution",
          "category \(Rejection.quote(form.category!)) needs a non-subject institution; \(owner.uscc) is subject-type"
        )
      }
      if let category { try requireLicensedCategory(category, uscc: owner.uscc, db: db) }
      try ClassRules.checkPrice(
        pricePerHourFen: price, classSize: classSize, delivery: delivery, isSubject: subject != nil,
        policy: try ledgerPolicy(for: owner.region, db: db))
      let id = try LedgerWriter.nextID("C", table: "courses", db: db)
      let event = CourseAdded(
        id: id, institution: owner.uscc, name: name, subject: subject?.rawValue, category: category?.rawValue,
        delivery: delivery.rawValue, lessonMinutes: lessonMinutes, hours: hours, pricePerHourFen: price,
        classSize: classSize.rawValue)
      return Recorded(id: id, seq: try appendToLog(.courseAdded(event), db: db))
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
      guard
        let course = try Row.fetchOne(
          try db.cachedStatement(
            sql: "SELECT institution, subject, delivery, lesson_minutes, class_size FROM courses WHERE id = ?"
          ),
          arguments: [form.course])
      else { throw Rejection("course_unknown", "course \(Rejection.quote(form.course)) does not exist") }
      let institution: String = course["institution"]
      let owner = try requireInstitution(institution, db: db)
      guard owner.status == "active" else {
        throw Rejection(
          "institution_not_active", "institution \(owner.uscc) is \(owner.status) and cannot open classes")
      }
      try requireOwned("venue", id: form.venue, table: "venues", institution: institution, db: db)
      try requireOwned("teacher", id: form.teacher, table: "teachers", institution: institution, db: db)
      let subject: String? = course["subject"]
      try ClassRules.check(
        schedule: schedule, delivery: Delivery(rawValue: course["delivery"])!, isSubject: subject != nil,
        lessonMinutes: Int(course["lesson_minutes"] as Int64),
        policy: try ledgerPolicy(for: owner.region, db: db))
      try RegistryRules.checkCapacity(
        capacity, classSize: ClassSize(rawValue: course["class_size"] as String? ?? "") ?? .from10To35)
      try ClassRules.checkSchoolCalendar(
        schedule: schedule, starts: starts, ends: ends, isSubject: subject != nil,
        policy: try ledgerPolicy(for: owner.region, db: db))
      try requireNoClash(
        RegistryRules.Timetable(starts: starts, ends: ends, schedule: schedule), teacher: form.teacher,
        venue: form.venue, db: db)
      let id = try LedgerWriter.nextID("B", table: "classes", db: db)
      let event = ClassAdded(
        id: id, course: form.course, institution: institution, venue: form.venue, teacher: form.teacher,
        capacity: capacity, starts: starts.description, ends: ends.description, schedule: schedule.description
      )
      return Recorded(id: id, seq: try appendToLog(.classAdded(event), db: db))
    }
  }

  func requireOwned(_ what: String, id: String, table: String, institution: String, db: Database) throws {
    guard
      let owner = try String.fetchOne(
        try db.cachedStatement(sql: "SELECT institution FROM \(table) WHERE id = ?"), arguments: [id])
    else {
      throw Rejection("\(what)_unknown", "\(what) \(Rejection.quote(id)) does not exist")
    }
    guard owner == institution else {
      throw Rejection(
        "\(what)_of_other_institution",
        "\(what) \(id) belongs to institution \(owner), not to the course's institution \(institution)")
    }
  }
}

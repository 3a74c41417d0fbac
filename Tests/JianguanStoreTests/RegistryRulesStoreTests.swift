import Foundation
import GRDB
import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

/// Issue 14, points 6 and 7: the registry refuses what a regulator would, in the single commands
/// and in `import registry` alike, and writes nothing when it does.
@Suite struct RegistryRulesStoreTests {
  /// Runs `body`, expects the rejection `code`, and that the database is byte-for-byte unchanged.
  func expectRefused(_ code: String, _ fixture: StoreFixture, _ body: () throws -> Void) throws {
    let before = try fixture.snapshot()
    #expect(rejectionCode(body) == code)
    #expect(try fixture.snapshot() == before, "\(code) wrote nothing")
  }

  func certificate(of teacher: String, _ fixture: StoreFixture) throws -> String? {
    try fixture.raw().read { db in
      try String.fetchOne(db, sql: "SELECT certificate FROM teachers WHERE id = ?", arguments: [teacher])
    }
  }

  @Test(arguments: TestStore.all) func aLicenceAnEscrowAccountAndACertificateAreRegisteredOnce(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()
    let first = try fixture.database.institution(uscc)
    var sameLicence = fixture.institutionForm()
    sameLicence.licence = first.licence
    try expectRefused("licence_already_registered", fixture) {
      _ = try fixture.database.registerInstitution(sameLicence, today: fixture.today)
    }
    var sameAccount = fixture.institutionForm()
    // The same account as the bank prints it with hyphens is the same account.
    sameAccount.escrowAccount = String(first.escrowAccount.prefix(4)) + "-" + first.escrowAccount.dropFirst(4)
    try expectRefused("escrow_account_already_registered", fixture) {
      _ = try fixture.database.registerInstitution(sameAccount, today: fixture.today)
    }
    let other = try fixture.database.registerInstitution(fixture.institutionForm(), today: fixture.today).id
    let certificate = try #require(try certificate(of: "T1", fixture))
    try expectRefused("certificate_already_registered", fixture) {
      _ = try fixture.database.addTeacher(
        institution: other, name: "李老师", certificate: certificate, inService: false)
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test func anInstitutionOutsideTheBureausRegionIsRefused() throws {
    let fixture = try StoreFixture()  // the bureau of 合肥市, 340100
    let beijing = fixture.institutionForm(region: "110101")
    try expectRefused("region_outside_jurisdiction", fixture) {
      _ = try fixture.database.registerInstitution(beijing, today: fixture.today)
    }
    _ = try fixture.database.registerInstitution(
      fixture.institutionForm(region: "340104"), today: fixture.today)
  }

  @Test(arguments: TestStore.all) func aCourseIsOfTheCategoryTheInstitutionIsLicensedFor(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()  // licensed for 体育
    var course = CourseForm()
    (course.institution, course.name, course.category, course.delivery) = (uscc, "少儿书法", "文化艺术", "offline")
    (course.lessonMinutes, course.hours, course.pricePerHour) = ("60", "40", "100")
    try expectRefused("category_not_licensed", fixture) { _ = try fixture.database.addCourse(course) }
    course.category = "体育"
    _ = try fixture.database.addCourse(course)
  }

  /// A course C2 and a class form on the fixture's first institution, venue V1 and teacher T1.
  func classForm(_ fixture: StoreFixture, uscc: String, subject: Bool = false, capacity: String = "20")
    throws -> ClassForm
  {
    var course = CourseForm()
    (course.institution, course.name, course.delivery, course.hours) = (uscc, "提高班", "offline", "30")
    course.subject = subject ? "数学" : nil
    course.category = subject ? nil : "体育"
    (course.lessonMinutes, course.pricePerHour) = (subject ? "45" : "60", "50")
    var klass = ClassForm()
    klass.course = try fixture.database.addCourse(course).id
    (klass.venue, klass.teacher, klass.capacity) = ("V1", "T1", capacity)
    (klass.starts, klass.ends, klass.schedule) = ("2026-03-02", "2026-05-15", "Wed 18:00-19:00")
    return klass
  }

  @Test(arguments: TestStore.all) func capacityStaysInTheCourseBandAndATeacherOrVenueIsInOneClassAtATime(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()  // B1 (at the weekend) with venue V1 and teacher T1
    var klass = try classForm(fixture, uscc: uscc, capacity: "40")
    try expectRefused("capacity_outside_class_size", fixture) { _ = try fixture.database.addClass(klass) }
    klass.capacity = "20"
    _ = try fixture.database.addClass(klass)  // B2: V1, T1, Wed 18:00-19:00, 2026-03-02 to 2026-05-15
    klass.schedule = "Wed 18:30-19:30"
    try expectRefused("class_time_clash", fixture) { _ = try fixture.database.addClass(klass) }
    let venue = try fixture.database.addVenue(institution: uscc, address: "长江西路2号", areaM2: "100")
    klass.venue = venue.id
    try expectRefused("class_time_clash", fixture) { _ = try fixture.database.addClass(klass) }  // T1 still
    let teacher = try fixture.database.addTeacher(
      institution: uscc, name: "赵老师", certificate: "20209999001", inService: false)
    (klass.venue, klass.teacher) = ("V1", teacher.id)
    try expectRefused("class_time_clash", fixture) { _ = try fixture.database.addClass(klass) }  // V1 still
    klass.venue = venue.id
    _ = try fixture.database.addClass(klass)
    // The same teacher and venue after B2's term, or right after its slot (touching), are free.
    var later = try classForm(fixture, uscc: uscc)
    (later.starts, later.ends) = ("2026-05-16", "2026-07-01")
    _ = try fixture.database.addClass(later)
    (later.starts, later.ends, later.schedule) = ("2026-03-02", "2026-05-15", "Wed 19:00-20:00")
    _ = try fixture.database.addClass(later)
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func aSubjectClassKeepsOutOfSchoolHoursAndTheVacations(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass(subject: true, pricePerHour: "55")  // B1: Tue and Thu 18:00-18:45
    var klass = try classForm(fixture, uscc: uscc, subject: true)
    klass.schedule = "Wed 10:00-10:45"
    try expectRefused("class_subject_in_school_hours", fixture) { _ = try fixture.database.addClass(klass) }
    (klass.schedule, klass.starts, klass.ends) = ("Wed 18:00-18:45", "2026-06-01", "2026-07-31")
    try expectRefused("class_subject_in_vacation", fixture) { _ = try fixture.database.addClass(klass) }
    klass.ends = "2026-07-08"
    _ = try fixture.database.addClass(klass)
  }

  @Test(arguments: TestStore.all) func aParentIsAnAdultAndAStudentsGradeFitsTheBirthDate(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    try expectRefused("parent_under_18", fixture) {
      _ = try fixture.database.registerParent(
        name: "家长", idNumber: fixture.nextResidentID(bornIn: 2010), phone: "13800138000", today: fixture.today
      )
    }
    let parent = try fixture.database.registerParent(
      name: "家长", idNumber: fixture.nextResidentID(), phone: "13800138000", today: fixture.today)
    try expectRefused("grade_implausible_for_age", fixture) {
      _ = try fixture.database.addStudent(
        parent: parent.id, name: "学生", idNumber: fixture.nextResidentID(bornIn: 2015), grade: "11",
        today: fixture.today)
    }
    _ = try fixture.database.addStudent(
      parent: parent.id, name: "学生", idNumber: fixture.nextResidentID(bornIn: 2015), grade: "4",
      today: fixture.today)
  }

  @Test(arguments: TestStore.all) func aChargeBuysAtMostTheCoursesHours(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()
    var klass = try classForm(fixture, uscc: uscc)  // a course of 30 hours
    klass.schedule = "Sun 15:00-16:00"
    let classID = try fixture.database.addClass(klass).id
    let student = try fixture.student()
    try expectRefused("hours_over_course_hours", fixture) {
      _ = try fixture.pay(
        fixture.paymentForm(student: student, classID: classID, hours: "31", amount: "1000"))
    }
    _ = try fixture.pay(fixture.paymentForm(student: student, classID: classID, hours: "30", amount: "1000"))
  }

  @Test(arguments: TestStore.all) func importRegistryAppliesTheSameRules(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()
    let certificate = try #require(try certificate(of: "T1", fixture))
    let before = try fixture.snapshot()
    let records = [
      CSVRecordReader.Record(line: 1, fields: ["institution", "name", "certificate"]),
      CSVRecordReader.Record(line: 2, fields: [uscc, "新老师", "20209999002"]),
      CSVRecordReader.Record(line: 3, fields: [uscc, "冒名", certificate]),
    ]
    let summary = try fixture.database.importFile(
      .teachers, records: records, skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(!summary.committed && summary.refused == 1)
    #expect(summary.errors.first?.line == 3 && summary.errors.first?.column == "certificate")
    #expect(summary.errors.first?.message.contains("one certificate is one person") == true)
    #expect(try fixture.snapshot() == before)
    // The same teacher met again, as in a file imported twice, is already there.
    let again = try fixture.database.importFile(
      .teachers, records: [records[0], CSVRecordReader.Record(line: 2, fields: [uscc, "王老师", certificate])],
      skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(again.committed && again.alreadyThere == 1 && again.added == 0)
  }
}

import Foundation
import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

@Suite struct RegistryTests {
  @Test(arguments: TestStore.all) func registersAnInstitutionAndItsCatalogAsLedgerEntries(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (uscc, classID) = try fixture.openClass(subject: true, pricePerHour: "55")
    #expect(classID == "B1")
    #expect(try fixture.database.size() == 6 + StoreFixture.calendarEntries)
    let shown = try fixture.database.institution(uscc)
    #expect(shown.status == "active" && shown.kind == "subject" && shown.nonprofit)
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func eachRegistryRuleRefusesAndWritesNothing(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()
    let before = try fixture.snapshot()
    let database = fixture.database
    var forProfitSubject = fixture.institutionForm(subject: true)
    forProfitSubject.nonprofit = false
    var expired = fixture.institutionForm()
    expired.licenceExpires = "2026-01-31"
    var badChecksum = fixture.institutionForm()
    badChecksum.uscc = String(badChecksum.uscc.dropLast()) + (badChecksum.uscc.last == "0" ? "1" : "0")
    var unknownRegion = fixture.institutionForm()
    unknownRegion.region = "349999"
    var impossibleDate = fixture.institutionForm()
    impossibleDate.licenceExpires = "2023-02-30"
    var controlCharacter = fixture.institutionForm()
    controlCharacter.name = "学校\u{7}"
    var huge = fixture.institutionForm()
    huge.name = String(repeating: "长", count: 100_000)
    var duplicate = fixture.institutionForm()
    duplicate.uscc = uscc
    let cases: [(String, () throws -> Void)] = [
      (
        "subject_must_be_nonprofit",
        { _ = try database.registerInstitution(forProfitSubject, today: fixture.today) }
      ),
      ("licence_expired", { _ = try database.registerInstitution(expired, today: fixture.today) }),
      (
        "uscc_check_character_wrong",
        { _ = try database.registerInstitution(badChecksum, today: fixture.today) }
      ),
      ("region_unknown", { _ = try database.registerInstitution(unknownRegion, today: fixture.today) }),
      ("date_invalid", { _ = try database.registerInstitution(impossibleDate, today: fixture.today) }),
      (
        "name_has_control_character",
        { _ = try database.registerInstitution(controlCharacter, today: fixture.today) }
      ),
      ("name_too_long", { _ = try database.registerInstitution(huge, today: fixture.today) }),
      ("institution_exists", { _ = try database.registerInstitution(duplicate, today: fixture.today) }),
      (
        "teacher_in_service",
        {
          _ = try database.addTeacher(
            institution: uscc, name: "赵老师", certificate: "20203400999", inService: true)
        }
      ),
      (
        "institution_unknown",
        { _ = try database.addVenue(institution: "91340100MA2XXXXX0X", address: "a", areaM2: "10") }
      ),
      ("count_not_a_number", { _ = try database.addVenue(institution: uscc, address: "合肥", areaM2: "-5") }),
    ]
    for (expected, body) in cases {
      let code = rejectionCode(body)
      #expect(
        code?.hasPrefix(expected.components(separatedBy: "_").first!) == true,
        "expected \(expected), got \(code ?? "nothing")")
    }
    #expect(try fixture.snapshot() == before)
  }

  @Test(arguments: TestStore.all) func aBadChecksumIsAcceptedOnlyWithARecordedReason(store: TestStore) throws
  {
    let fixture = try StoreFixture(store: store)
    var form = fixture.institutionForm()
    let last = form.uscc.last!
    form.uscc = String(form.uscc.dropLast()) + (last == "0" ? "1" : "0")
    form.acceptBadChecksum = "营业执照原件核对无误，代码为历史遗留"
    let recorded = try fixture.database.registerInstitution(form, today: fixture.today)
    #expect(try fixture.database.institution(recorded.id).checksumOverrideReason == form.acceptBadChecksum)
    var valid = fixture.institutionForm()
    valid.acceptBadChecksum = "不需要"
    #expect(
      rejectionCode { _ = try fixture.database.registerInstitution(valid, today: fixture.today) }
        == "checksum_override_not_needed")
  }

  @Test(arguments: TestStore.all) func courseAndClassRulesAreEnforced(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (nonSubject, _) = try fixture.openClass()
    var subjectAtNonSubject = CourseForm()
    subjectAtNonSubject.institution = nonSubject
    subjectAtNonSubject.name = "数学"
    subjectAtNonSubject.subject = "数学"
    subjectAtNonSubject.delivery = "offline"
    subjectAtNonSubject.lessonMinutes = "45"
    subjectAtNonSubject.hours = "40"
    subjectAtNonSubject.pricePerHour = "50"
    #expect(
      rejectionCode { _ = try fixture.database.addCourse(subjectAtNonSubject) }
        == "subject_course_needs_subject_institution")
    // 合肥 (340100) has an illustrative guided price: 50 yuan base, ceiling 55 for 10–35 offline.
    let subjectSchool = try fixture.database.registerInstitution(
      fixture.institutionForm(subject: true), today: fixture.today
    ).id
    var overpriced = subjectAtNonSubject
    overpriced.institution = subjectSchool
    overpriced.pricePerHour = "55.01"
    #expect(
      rejectionCode { _ = try fixture.database.addCourse(overpriced) } == "class_price_above_guided_ceiling")
    overpriced.pricePerHour = "55"
    let course = try fixture.database.addCourse(overpriced).id
    let venue = try fixture.database.addVenue(institution: subjectSchool, address: "蜀山区", areaM2: "100").id
    let teacher = try fixture.database.addTeacher(
      institution: subjectSchool, name: "李老师", certificate: "20203400777", inService: false
    ).id
    var weekend = ClassForm()
    weekend.course = course
    weekend.venue = venue
    weekend.teacher = teacher
    weekend.capacity = "20"
    weekend.starts = "2026-03-02"
    weekend.ends = "2026-05-29"
    weekend.schedule = "Sat 09:00-09:45"
    #expect(rejectionCode { _ = try fixture.database.addClass(weekend) } != nil)
    var otherVenue = weekend
    otherVenue.schedule = "Tue 18:00-18:45"
    otherVenue.venue = "V1"
    #expect(rejectionCode { _ = try fixture.database.addClass(otherVenue) } == "venue_of_other_institution")
    var late = otherVenue
    late.venue = venue
    late.schedule = "Tue 20:00-20:45"
    #expect(rejectionCode { _ = try fixture.database.addClass(late) } != nil)
    late.schedule = "Tue 19:45-20:30"
    #expect(try fixture.database.addClass(late).id.hasPrefix("B"))
  }

  @Test(arguments: TestStore.all) func personalDataStaysOutOfTheLedgerAndAPersonIsRegisteredOnce(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let idNumber = fixture.nextResidentID()
    let parent = try fixture.database.registerParent(
      name: "张三", idNumber: idNumber, phone: "13912345678", today: fixture.today)
    #expect(
      rejectionCode {
        _ = try fixture.database.addStudent(
          parent: parent.id, name: "张三", idNumber: idNumber, grade: "3", today: fixture.today)
      } == "person_already_registered")
    var ledger = ""
    try fixture.database.entries(fromSeq: 1, limit: nil) {
      ledger += String(decoding: $0.entryBytes, as: UTF8.self)
    }
    #expect(!ledger.contains(idNumber) && !ledger.contains("张三") && !ledger.contains("13912345678"))
    #expect(ledger.contains("parent.registered"))
    let file = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
    #expect(file.range(of: Data(idNumber.utf8)) == nil, "the ID number is sealed in the database file")
  }
}

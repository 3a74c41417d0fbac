import JianguanCore
import JianguanStore
import Testing

/// Issue 14.11: no phone or ID number enters the log through free text. Every free-text field of
/// every command goes through `TextField.validateForLedger`; each is tried here with a phone
/// number, and each refusal leaves the database byte-identical.
@Suite struct FreeTextTests {
  static let phone = "家长电话13800138000"

  /// A bureau with an enrollment E1 (10 hours) holding a pending lesson L1, a disputed lesson L2,
  /// a confirmed lesson L3, and applications RA1 open, RA2 refused, RA3 escalated.
  func bureau() throws -> (StoreFixture, String) {
    let fixture = try StoreFixture()
    let database = fixture.database
    let (uscc, classID) = try fixture.openClass()
    let enrollment = try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: classID))
    for day in ["2026-03-07", "2026-03-14", "2026-03-21"] {
      _ = try database.recordLesson(
        enrollment: enrollment, hours: "1", taughtAt: "\(day)T09:00", now: StoreFixture.now)
    }
    _ = try database.disputeLesson("L2", reason: "未上课")
    _ = try database.confirmLesson("L3")
    let now = try LocalDateTime.parse("2026-03-23T10:00", field: "now")
    for _ in 0..<3 {
      _ = try database.createRefundRequest(enrollment: enrollment, hours: "1", reason: "搬家", now: now)
    }
    _ = try database.answerRefundRequest("RA2", agree: false, reason: "不同意", today: now.date)
    _ = try database.answerRefundRequest("RA3", agree: false, reason: "不同意", today: now.date)
    _ = try database.escalateRefundRequest("RA3", reason: "投诉", today: now.date)
    var finding = FindingForm()
    finding.date = "2026-01-20"
    finding.institution = uscc
    finding.category = "safety-hazard"
    finding.actions = "rectify"
    finding.deadline = "2026-01-30"
    _ = try database.addFinding(finding, today: fixture.today)
    var complaint = ComplaintForm()
    complaint.date = "2026-01-20"
    complaint.channel = "hotline"
    complaint.institution = uscc
    complaint.summary = "退费难"
    _ = try database.fileComplaint(complaint, today: fixture.today)
    return (fixture, uscc)
  }

  @Test func everyFreeTextFieldRefusesAPhoneOrIDNumberAndWritesNothing() throws {
    let (fixture, uscc) = try bureau()
    let database = fixture.database
    let today = fixture.today
    let day = try CalendarDate.parse("2026-03-23", field: "day")
    let now = try LocalDateTime.parse("2026-03-23T10:00", field: "now")
    let before = try fixture.snapshot()
    var finding = FindingForm()
    finding.date = "2026-01-20"
    finding.region = "340104"
    finding.operatorName = "某培训点"
    finding.category = "unlicensed"
    finding.actions = "ban"
    var complaint = ComplaintForm()
    complaint.date = "2026-01-20"
    complaint.channel = "hotline"
    complaint.institution = uscc
    var action = ActionForm()
    action.date = "2026-01-20"
    action.region = "340104"
    var institution = fixture.institutionForm()
    var course = PropertyWorld.sportsCourse(institution: uscc, name: "篮球")
    let fields: [(String, () throws -> Any)] = [
      (
        "suspend reason",
        { try database.changeInstitutionStatus(uscc: uscc, to: .suspended, reason: Self.phone) }
      ),
      (
        "close reason", { try database.closeInstitution(uscc: uscc, reason: Self.phone, bankRefPrefix: "CL") }
      ),
      (
        "refund reason",
        { try database.refund(enrollment: "E1", hours: "1", reason: Self.phone, bankRef: "RF-1") }
      ),
      ("dispute reason", { try database.disputeLesson("L1", reason: Self.phone) }),
      ("resolve reason", { try database.resolveLesson("L2", release: false, reason: Self.phone) }),
      (
        "refund-request create",
        {
          try database.createRefundRequest(enrollment: "E1", hours: "1", reason: Self.phone, now: now)
        }
      ),
      (
        "refund-request answer",
        {
          try database.answerRefundRequest("RA1", agree: true, reason: Self.phone, today: day)
        }
      ),
      (
        "refund-request escalate",
        { try database.escalateRefundRequest("RA2", reason: Self.phone, today: day) }
      ),
      (
        "refund-request decide",
        {
          try database.decideRefundRequest("RA3", agree: true, reason: Self.phone, today: day)
        }
      ),
      (
        "rating comment",
        { try database.addRating(enrollment: "E1", score: "5", comment: Self.phone, today: day) }
      ),
      ("erase reason", { try database.eraseParent("P1", reason: Self.phone, confirmed: true) }),
      (
        "finding note",
        {
          finding.note = Self.phone
          return try database.addFinding(finding, today: today)
        }
      ),
      (
        "finding operator",
        {
          finding.note = nil
          finding.operatorName = Self.phone
          return try database.addFinding(finding, today: today)
        }
      ),
      (
        "rectify note",
        { try database.rectifyFinding("F1", date: "2026-01-25", note: Self.phone, today: today) }
      ),
      (
        "complaint summary",
        {
          complaint.summary = Self.phone
          return try database.fileComplaint(complaint, today: today)
        }
      ),
      (
        "complaint resolution",
        {
          try database.resolveComplaint(
            "K1", date: "2026-01-25", outcome: "mediated", note: Self.phone, refundsYuan: nil, today: today)
        }
      ),
      (
        "action text",
        {
          action.text = Self.phone
          return try database.recordAction(action, today: today)
        }
      ),
      (
        "institution name",
        {
          institution.name = Self.phone
          return try database.registerInstitution(institution, today: today)
        }
      ),
      ("venue address", { try database.addVenue(institution: uscc, address: Self.phone, areaM2: "100") }),
      (
        "teacher name",
        {
          try database.addTeacher(
            institution: uscc, name: Self.phone, certificate: "20203400999", inService: false)
        }
      ),
      (
        "course name",
        {
          course.name = Self.phone
          return try database.addCourse(course)
        }
      ),
    ]
    for (field, attempt) in fields {
      #expect(rejectionCode { _ = try attempt() } == "personal_data_in_text", "\(field)")
    }
    var reader = CSVRecordReader()
    let refunds =
      try reader.feed(Array("bank_ref,enrollment,hours,reason\nRF-2,E1,1,\(Self.phone)\n".utf8))
      + reader.finish()
    let imported = try database.importFile(
      .refunds, records: refunds, skipInvalid: false, errorLimit: 10, now: StoreFixture.now)
    #expect(!imported.committed && imported.refused == 1)
    #expect(try fixture.snapshot() == before)
    // The same texts without the number are accepted, and the audit passes.
    _ = try database.disputeLesson("L1", reason: "家长称 2026-03-07 未上课，退 1 课时")
    _ = try database.addRating(enrollment: "E1", score: "4", comment: "老师认真", today: day)
    let audit = try database.audit()
    #expect(audit.ok, "\(audit.faults)")
  }
}

import Foundation
import JianguanCore
import JianguanStore

/// The demo's story: institutions in the districts of the demo bureau (Beijing, 110000), their
/// venues, teachers, courses and classes, parents and students; then one spring term of money,
/// and the supervision records of the seed bulletin (2023 No. 8).
struct DemoScript {
  let database: AppDatabase
  let reference: ReferenceData
  /// The demo's own clock: it walks through the term as the story does, so that every entry is
  /// dated when its act happens in the story (entry times never go backwards).
  let clock: SettableClock
  /// The demo is set in the spring term of 2026, so every date is in the past and reproducible.
  let today = CalendarDate(year: 2026, month: 2, day: 10)!
  var institutions: [String] = []
  var classes: [String] = []
  var students: [String] = []
  var enrollments: [String] = []

  init(database: AppDatabase, reference: ReferenceData, clock: SettableClock) {
    self.database = database
    self.reference = reference
    self.clock = clock
  }

  /// (region, name, subject?) of each demo institution: all within the demo bureau's region
  /// (110000), since an institution registers with the bureau of its own region.
  static let institutionPlan: [(String, String, Subject?)] = [
    ("110101", "北京市东城区启航体育培训学校", nil),
    ("110102", "北京市西城区墨韵书画艺术培训中心", nil),
    ("110105", "北京市朝阳区明理学科培训学校", .mathematics),
    ("110108", "北京市海淀区青少年科技创新培训中心", nil),
    ("110106", "北京市丰台区牡丹舞蹈艺术培训学校", nil),
    ("110114", "北京市昌平区博学学科培训学校", .chinese),
    ("110112", "北京市通州区童心美术培训中心", nil),
    ("110115", "北京市大兴区阳光体育培训中心", nil),
  ]

  mutating func buildRegistry() throws {
    for (index, (region, name, subject)) in Self.institutionPlan.enumerated() {
      let uscc = Self.uscc(region: region, serial: index + 1)
      var form = InstitutionForm()
      form.uscc = uscc
      form.name = name
      form.region = region
      form.kind = subject == nil ? "non-subject" : "subject"
      form.category = subject == nil ? ["体育", "文化艺术", "科技", "文化艺术", "文化艺术", "体育"][index % 6] : nil
      form.nonprofit = subject != nil
      form.licence = "教民\(region)7\(String(format: "%06d", 100 + index))号"
      form.licenceExpires = "2029-12-31"
      form.escrowBank = ["中国银行", "中国建设银行", "中国工商银行", "中国农业银行"][index % 4]
      form.escrowAccount = "62170000\(String(format: "%08d", 10_000 + index))"
      let recorded = try database.registerInstitution(form, today: today)
      institutions.append(uscc)
      let venue = try database.addVenue(
        institution: uscc, address: "\(reference.regions.displayName(region))文化路\(index + 1)号",
        areaM2: "\(200 + index * 40)")
      let teacher = try database.addTeacher(
        institution: uscc, name: ["李老师", "王老师", "张老师", "刘老师"][index % 4],
        certificate: "2020\(region)\(index + 10)",
        inService: false)
      var course = CourseForm()
      course.institution = uscc
      course.delivery = "offline"
      course.hours = "48"
      if let subject {
        course.name = "初二\(subject.rawValue)提高班"
        course.subject = subject.rawValue
        course.lessonMinutes = "45"
        course.pricePerHour = "50"
      } else {
        course.name = ["青少年篮球", "少儿书法", "机器人编程", "少儿国画", "中国舞", "少儿美术", "青少年足球", "少儿围棋"][index]
        course.category = form.category
        course.lessonMinutes = "60"
        course.pricePerHour = "120"
      }
      course.classSize = "under10"  // the demo's classes have 3 places
      let courseID = try database.addCourse(course)
      var klass = ClassForm()
      klass.course = courseID.id
      klass.venue = venue.id
      klass.teacher = teacher.id
      klass.capacity = "3"
      klass.starts = "2026-03-02"
      klass.ends = "2026-05-08"
      // Double lessons: each slot holds the 2 hours a lesson of the story records.
      klass.schedule = subject != nil ? "Tue 18:00-19:30,Thu 18:00-19:30" : "Sat 09:00-11:00,Sun 15:00-17:00"
      classes.append(try database.addClass(klass).id)
      print(
        "registered \(name) (\(uscc), seq \(recorded.seq)) with venue \(venue.id), teacher \(teacher.id), course \(courseID.id), class \(classes.last!)"
      )
    }
    for index in 0..<12 {
      let region = Self.institutionPlan[index % Self.institutionPlan.count].0
      let parent = try database.registerParent(
        name: "家长\(index + 1)",
        idNumber: Self.residentID(
          region: region, birth: "1985\(String(format: "%02d", index % 12 + 1))15", serial: index),
        phone: "139\(String(format: "%08d", 10_000_000 + index))", today: today)
      let student = try database.addStudent(
        parent: parent.id, name: "学生\(index + 1)",
        idNumber: Self.residentID(
          region: region, birth: "2013\(String(format: "%02d", index % 12 + 1))20", serial: 500 + index),
        grade: "7", today: today)
      students.append(student.id)
    }
    print(
      "registered 12 parents and their 12 children (ID numbers kept sealed; the ledger holds commitments)")
  }

  mutating func runTerm() throws {
    clock.set("2026-02-28T12:00")
    // Each of the 12 students pays for one class in February, within a month of the start.
    for (index, student) in students.enumerated() {
      var form = PaymentForm()
      form.student = student
      form.classID = classes[index % classes.count]
      form.hours = "24"
      let subjectClass = [2, 5].contains(index % classes.count)
      form.amountYuan = subjectClass ? "1199.99" : "2880"
      form.bankRef = "DEMO-PAY-\(index + 1)"
      form.paidAt = "2026-02-\(String(format: "%02d", 10 + index))T10:30"
      enrollments.append(try database.pay(form, now: Self.at("2026-02-28T12:00")).id)
    }
    print("12 payments into escrow: \(enrollments.joined(separator: ", "))")

    // March: two lessons per enrollment, recorded by the institutions on the evening of 14 March;
    // parents confirm the first; the second waits.
    clock.set("2026-03-14T20:00")
    let endOfTerm = clock.now
    var confirmed = 0
    for (index, enrollment) in enrollments.enumerated() {
      let subjectClass = [2, 5].contains(index % classes.count)
      let days =
        subjectClass ? ["2026-03-03T18:00", "2026-03-05T18:00"] : ["2026-03-07T09:00", "2026-03-08T15:00"]
      let first = try database.recordLesson(
        enrollment: enrollment, hours: "2", taughtAt: days[0], now: endOfTerm)
      _ = try database.recordLesson(enrollment: enrollment, hours: "2", taughtAt: days[1], now: endOfTerm)
      _ = try database.confirmLesson(first.id)
      confirmed += 1
    }
    print("24 lessons recorded, \(confirmed) confirmed by parents (一课一消)")

    let disputed = try database.recordLesson(
      enrollment: enrollments[0], hours: "1", taughtAt: "2026-03-14T09:00", now: endOfTerm)
    _ = try database.disputeLesson(disputed.id, reason: "家长称当日停课")
    _ = try database.resolveLesson(disputed.id, release: true, reason: "签到记录与监控显示已上课")
    print("lesson \(disputed.id) disputed by the parent, then released by the regulator on the evidence")

    clock.set("2026-04-10T18:00")
    let deemed = try database.settle(asOf: CalendarDate(year: 2026, month: 4, day: 10)!)
    print(
      "settle as of 2026-04-10: \(deemed.released.count) lessons deemed confirmed, 15 working days after they were recorded without reply"
    )

    _ = try database.refund(enrollment: enrollments[3], hours: "6", reason: "孩子转学", bankRef: "DEMO-REF-1")
    _ = try database.refund(enrollment: enrollments[4], hours: nil, reason: "家长申请退费", bankRef: "DEMO-REF-2")
    print("refunds: 6 hours of \(enrollments[3]); all remaining hours of \(enrollments[4])")

    let suspended = institutions[1]
    _ = try database.changeInstitutionStatus(uscc: suspended, to: .suspended, reason: "检查发现消防安全隐患，停业整顿")
    for (index, enrollment) in enrollments.enumerated() where index % classes.count == 1 {
      _ = try database.refund(
        enrollment: enrollment, hours: nil, reason: "机构停业整顿，家长申请退费", bankRef: "DEMO-SUSP-\(index + 1)")
    }
    print("institution \(suspended) suspended (停业整顿); its parents refunded")

    let closed = institutions[6]
    let closure = try database.closeInstitution(uscc: closed, reason: "举办者申请注销", bankRefPrefix: "DEMO-CLOSE")
    print("institution \(closed) closed: \(closure.count - 1) voids and refunds, then revoked")
  }

  /// The supervision scene: the records behind the seed bulletin of 2023-01-12, its first lines,
  /// then a finding and a complaint on a demo institution, which the risk report picks up.
  func superviseScene() throws {
    clock.set("2026-04-11T10:00")
    let data = try Environment.dataText("supervision/2023-01-12.json")
    let imported = try database.importSupervision(Array(data.utf8), file: "2023-01-12.json", today: today)
      .recorded
    print(
      "\nimported \(imported.count) supervision records of 2023-01-12 (seq \(imported.first!.seq)…\(imported.last!.seq))"
    )
    var header = Bulletin.Header(
      date: CalendarDate(year: 2023, month: 1, day: 12)!, issuer: "“双减”工作专门协调机制办公室")
    header.issue = 8
    header.serial = 346
    let lines = try database.bulletin(header).markdown().split(
      separator: "\n", omittingEmptySubsequences: true)
    print("the bulletin of that day, first lines:")
    for line in lines.prefix(8) { print("  " + (line.count > 60 ? line.prefix(60) + "…" : line)) }
    var finding = FindingForm()
    finding.date = "2026-03-20"
    finding.institution = institutions[3]
    finding.category = FindingCategory.fireSafety.rawValue
    finding.actions = "rectify"
    finding.deadline = "2026-04-03"
    finding.note = "灭火器过期，疏散通道堆放杂物"
    let found = try database.addFinding(finding, today: today.adding(days: 60))
    var complaint = ComplaintForm()
    complaint.date = "2026-03-25"
    complaint.channel = "hotline"
    complaint.institution = institutions[3]
    complaint.summary = "家长反映课程临时取消未补课"
    complaint.channelRef = "12345-0325-017"
    let filed = try database.fileComplaint(complaint, today: today.adding(days: 60))
    let alerts = try database.riskAlerts(asOf: CalendarDate(year: 2026, month: 4, day: 10)!)
    print(
      "finding \(found.id) (fire safety, deadline 2026-04-03) and complaint \(filed.id) on \(institutions[3])"
    )
    print(
      "risk alerts as of 2026-04-10: \(alerts.count), e.g. \(alerts.first.map { "\($0.reason): \($0.detail)" } ?? "none")"
    )
  }

  /// The parent app: a refund application answered, one deemed agreed by `settle`, ratings, and
  /// the e-contract each payment produced.
  mutating func runParentFlows() throws {
    let applied = Self.at("2026-04-13T19:00")
    clock.now = applied
    let answered = try database.createRefundRequest(
      enrollment: enrollments[0], hours: "4", reason: "孩子课业调整", now: applied)
    clock.set("2026-04-14T10:00")
    let outcome = try database.answerRefundRequest(
      answered.id, agree: true, reason: "同意退还 4 课时", today: applied.date.adding(days: 1))
    print(
      "refund request \(answered.id) (4 hours of \(enrollments[0])) agreed by the institution; refund \(outcome.refund?.id ?? "-") of \(Money.formatYuan(outcome.refundedFen)) yuan by the route of payment \(outcome.paymentBankRef)"
    )
    let ignored = try database.createRefundRequest(
      enrollment: enrollments[8], hours: nil, reason: "家长工作调动", now: applied)
    clock.set("2026-04-21T18:00")
    let settlement = try database.settle(asOf: CalendarDate(year: 2026, month: 4, day: 21)!)
    for deemed in settlement.refundRequestsDeemedAgreed {
      print(
        "refund request \(deemed.answer.id) (all remaining hours of \(enrollments[8])) not answered in 5 working days: deemed agreed by settle, \(Money.formatYuan(deemed.refundedFen)) yuan refunded"
      )
    }
    precondition(settlement.refundRequestsDeemedAgreed.map(\.answer.id) == [ignored.id])
    _ = try database.addRating(
      enrollment: enrollments[0], score: "5", comment: "教练耐心，孩子进步明显", today: applied.date)
    _ = try database.addRating(enrollment: enrollments[8], score: "3", comment: nil, today: applied.date)
    print("2 satisfaction ratings (满意度测评) of \(institutions[0])")
    let contract = try database.contract(enrollment: enrollments[0])
    print("the e-contract of \(enrollments[0]), first lines:")
    for line in ContractText.render(contract).split(separator: "\n").prefix(7) { print("  " + line) }
  }

  static func at(_ text: String) -> LocalDateTime { try! LocalDateTime.parse(text, field: "demo") }

  /// A valid USCC of a private non-enterprise unit (民办非企业单位, "52") in `region`.
  static func uscc(region: String, serial: Int) -> String {
    let first17 = "52\(region)MJ\(String(format: "%07d", 4_300_000 + serial * 7919 % 1_000_000))"
    return first17 + String(USCC.checkCharacter(forFirst17: first17)!)
  }

  /// A valid resident ID number with the given region, birth date and sequence.
  static func residentID(region: String, birth: String, serial: Int) -> String {
    let first17 = "\(region)\(birth)\(String(format: "%03d", 100 + serial % 900))"
    return first17 + String(ResidentID.checkCharacter(forFirst17: first17)!)
  }
}

import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// Issue 14.8: long random sequences of every command, run against the store, and after each
/// step the audit passes; a refused step leaves the database byte-identical. CI runs a fixed seed
/// and length; `Tools/property.sh SEED STEPS` runs any other (the seed is printed, so a failure
/// replays exactly). New rules make more steps refused, which is fine; none may make the audit fail.
@Suite struct LedgerPropertyTests {
  /// The fixed CI run: 26 to 45 s measured in a debug build on 2 cores shared with four other
  /// builds (the audit after each step is most of it).
  static let ciSeed: UInt64 = 14_08
  static let ciSteps = 400

  /// `JIANGUAN_PROPERTY_SEED` and `JIANGUAN_PROPERTY_STEPS` when set (by `Tools/property.sh`).
  static func parameters() -> (seed: UInt64, steps: Int) {
    let environment = ProcessInfo.processInfo.environment
    let seed = environment["JIANGUAN_PROPERTY_SEED"].flatMap { UInt64($0) } ?? ciSeed
    let steps = environment["JIANGUAN_PROPERTY_STEPS"].flatMap { Int($0) } ?? ciSteps
    return (seed, steps)
  }

  /// Commands that must succeed at least once in the CI run, so that the test never turns vacuous.
  static let mustSucceed = [
    "institution register", "venue add", "teacher add", "course add", "class add", "parent register",
    "student add", "pay", "lesson record", "lesson confirm", "lesson dispute", "lesson resolve", "settle",
    "refund", "refund-request create", "refund-request answer", "refund-request escalate",
    "refund-request decide", "rating add", "institution suspend", "institution reinstate",
    "institution close", "parent erase", "action record", "measure add", "finding add", "finding rectify",
    "finding verify", "complaint file", "complaint resolve", "import supervision",
  ]

  @Test func everyStepKeepsTheAuditSoundAndEveryRefusalWritesNothing() throws {
    let (seed, steps) = Self.parameters()
    print("LedgerPropertyTests: seed \(seed), \(steps) steps; replay with Tools/property.sh \(seed) \(steps)")
    let world = try PropertyWorld(seed: seed)
    // SQLite changes a connection's data_version whenever another connection commits: a refused
    // step must leave it as it was. One step in eight also compares every row of every table.
    let watcher = try world.fixture.raw()
    func dataVersion() throws -> Int {
      try watcher.read { try Int.fetchOne($0, sql: "PRAGMA data_version")! }
    }
    for step in 1...max(steps, 1) {
      let (name, command) = world.nextStep()
      let version = try dataVersion()
      let before = step % 8 == 0 ? try world.fixture.snapshot() : nil
      do {
        try command()
        world.succeeded[name, default: 0] += 1
        let audit = try world.fixture.database.audit()
        guard audit.ok else {
          Issue.record(
            "seed \(seed) step \(step) \(name): the audit fails: \(audit.faults.map(\.description))")
          return
        }
      } catch let rejection as Rejection {
        world.refused[name, default: [:]][rejection.code, default: 0] += 1
        let unchanged =
          try dataVersion() == version && (try before.map { try world.fixture.snapshot() == $0 } ?? true)
        guard unchanged else {
          Issue.record(
            "seed \(seed) step \(step) \(name): refused (\(rejection.code)) but wrote to the database")
          return
        }
      } catch {
        Issue.record("seed \(seed) step \(step) \(name): failed with \(error), not a rejection")
        return
      }
    }
    for name in Set(world.succeeded.keys).union(world.refused.keys).sorted() {
      let codes = (world.refused[name] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      print("  \(name): \(world.succeeded[name] ?? 0) done; refused: \(codes.joined(separator: ", "))")
    }
    if seed == Self.ciSeed && steps == Self.ciSteps {
      for name in Self.mustSucceed {
        #expect(world.succeeded[name, default: 0] > 0, "\(name) never succeeded with seed \(seed)")
      }
    }
  }
}

/// The random bureau the property test drives: what it created (ids the store returned), a
/// simulated clock that only moves forward, and a generator that repeats from its seed.
final class PropertyWorld {
  struct ClassInfo {
    let id: String
    let institution: String
    let weekday: Int
    let start: String
    let starts: CalendarDate
    let ends: CalendarDate
  }

  let fixture: StoreFixture
  var generator: SeededGenerator
  var clock = try! LocalDateTime.parse("2026-03-02T08:00", field: "clock")
  let lastDay = CalendarDate(year: 2026, month: 7, day: 31)!
  var serial = 0
  var succeeded: [String: Int] = [:]
  /// Refusals by command and code.
  var refused: [String: [String: Int]] = [:]

  var institutions: [String] = []
  /// Institutions not closed or revoked.
  var open: [String] = []
  /// Commands to run before random ones: a first institution with a class, and a family.
  var queued = [
    "institution register", "venue add", "teacher add", "course add", "class add", "parent register",
    "student add", "student add", "pay",
  ]
  var venues: [String: [String]] = [:]
  var teachers: [String: [String]] = [:]
  var courses: [String: [String]] = [:]
  var classes: [ClassInfo] = []
  var parents: [String] = []
  var idNumbers: [String: String] = [:]
  var erasedIDNumbers: [String] = []
  var erasedParents: [String] = []
  var childIDNumbers: [String: [String]] = [:]
  var students: [String] = []
  var enrollments: [String: (klass: ClassInfo, paidOn: CalendarDate)] = [:]
  var enrollmentIDs: [String] { enrollments.keys.sorted() }

  /// An enrollment of an open, unsuspended institution, mostly, with unconsumed hours when
  /// `withHours` (one of five tried).
  func liveEnrollment(withHours: Bool = false) throws -> String {
    let live = enrollmentIDs.filter {
      let institution = enrollments[$0]!.klass.institution
      return open.contains(institution) && !suspended.contains(institution)
    }
    guard chance(90), !live.isEmpty else { return pick(enrollmentIDs, bogus: "E999") }
    for _ in 0..<5 {
      let enrollment = live.randomElement(using: &generator)!
      if try !withHours || database.balance(.enrollment(enrollment)).hoursRemaining > 0 { return enrollment }
    }
    return live.randomElement(using: &generator)!
  }

  /// Settling and closing answer applications by themselves: the lists follow the store.
  func refreshRequests() throws {
    let all = Set(openRequests + refusedRequests + escalated).sorted()
    let statuses = try all.map { ($0, try database.refundRequest($0)) }
    openRequests = statuses.filter { $0.1.status == "open" }.map(\.0)
    refusedRequests = statuses.filter { $0.1.status == "refused" && $0.1.basis == "institution" }.map(\.0)
    escalated = statuses.filter { $0.1.status == "escalated" }.map(\.0)
  }
  var suspended: [String] = []
  var bankRefs: [String] = []
  var pending: [String] = []
  var disputed: [String] = []
  var openRequests: [String] = []
  var refusedRequests: [String] = []
  var escalated: [String] = []
  /// The institution of each application's enrollment.
  var requestInstitution: [String: String] = [:]
  var findings: [String] = []
  var rectified: [String] = []
  var complaints: [String] = []

  init(seed: UInt64) throws {
    fixture = try StoreFixture()
    generator = SeededGenerator(seed: seed)
  }

  var database: AppDatabase { fixture.database }
  var today: CalendarDate { clock.date }

  // MARK: Randomness

  func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
  func number(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
  func next() -> Int {
    serial += 1
    return serial
  }

  /// One of `ids`, or now and then (and when there is none) an id that does not exist.
  func pick(_ ids: [String], bogus: String) -> String {
    guard !ids.isEmpty, !chance(4) else { return bogus }
    return ids.randomElement(using: &generator)!
  }

  /// A reason, now and then one holding a phone number (which every free-text field refuses).
  func reason(_ text: String) -> String { chance(3) ? "\(text)，电话13800138000" : text }

  /// Moves the clock forward now and then, never past `lastDay`.
  func tick() {
    guard chance(20), clock.date < lastDay else { return }
    let minutes = clock.minuteOfDay + number(60...1200)
    clock = LocalDateTime(
      date: clock.date.adding(days: minutes / 1440), minuteOfDay: min(minutes % 1440, 22 * 60))!
  }

  // MARK: Steps

  static let weightedCommands: [(String, Int)] = [
    ("institution register", 3), ("venue add", 4), ("teacher add", 4), ("course add", 4), ("class add", 5),
    ("parent register", 6), ("student add", 7), ("pay", 14), ("lesson record", 14), ("lesson confirm", 6),
    ("lesson dispute", 3), ("lesson resolve", 3), ("settle", 1), ("refund", 3),
    ("refund-request create", 6), ("refund-request answer", 5), ("refund-request escalate", 4),
    ("refund-request decide", 2), ("rating add", 3), ("institution suspend", 2),
    ("institution reinstate", 2), ("institution revoke", 1), ("institution close", 1), ("parent erase", 2),
    ("action record", 1), ("measure add", 1), ("finding add", 2), ("finding rectify", 2),
    ("finding verify", 2), ("complaint file", 2), ("complaint resolve", 2), ("import supervision", 2),
  ]

  /// The next command, chosen by weight, as a name and a closure that runs it.
  func nextStep() -> (String, () throws -> Void) {
    if !queued.isEmpty {
      let name = queued.removeFirst()
      return (name, { try self.run(name) })
    }
    tick()
    // Fewer than two open institutions with a class: open another (register, venue, teacher,
    // course, class), so that the bureau goes on working after closures.
    let working = Set(classes.map(\.institution)).filter { open.contains($0) && !suspended.contains($0) }
    if working.count < 2 && queued.isEmpty {
      queued = ["institution register", "venue add", "teacher add", "course add", "class add", "pay"]
      return nextStep()
    }
    var roll = number(1...Self.weightedCommands.reduce(0) { $0 + $1.1 })
    for (name, weight) in Self.weightedCommands {
      roll -= weight
      if roll <= 0 { return (name, { try self.run(name) }) }
    }
    fatalError("weights")
  }

  func run(_ name: String) throws {
    switch name {
    case "institution register": try registerInstitution()
    case "venue add", "teacher add", "course add", "class add": try addCatalog(name)
    case "parent register": try registerParent()
    case "student add": try addStudent()
    case "pay": try pay()
    case "lesson record", "lesson confirm", "lesson dispute", "lesson resolve": try lesson(name)
    case "settle":
      _ = try database.settle(asOf: today)
      try refreshRequests()
    case "refund":
      _ = try database.refund(
        enrollment: pick(enrollmentIDs, bogus: "E999"), hours: chance(40) ? nil : String(number(1...3)),
        reason: reason("搬家"), bankRef: "RF-\(next())")
    case let name where name.hasPrefix("refund-request"): try refundRequest(name)
    case "rating add":
      _ = try database.addRating(
        enrollment: pick(enrollmentIDs, bogus: "E999"), score: String(number(1...5)),
        comment: chance(50) ? reason("老师认真") : nil, today: today)
    case let name where name.hasPrefix("institution "): try institutionStatus(name)
    case "parent erase":
      let parent = pick(parents, bogus: "P999")
      _ = try database.eraseParent(parent, reason: reason("家长申请删除"), confirmed: !chance(5))
      erasedParents.append(parent)
      if let idNumber = idNumbers[parent] { erasedIDNumbers.append(idNumber) }
      erasedIDNumbers += childIDNumbers[parent] ?? []
    default: try supervision(name)
    }
  }

  func registerInstitution() throws {
    let serial = next()
    let first17 = "52340104MJ\(String(format: "%07d", 2_000_000 + serial))"
    var form = InstitutionForm()
    form.uscc = first17 + String(USCC.checkCharacter(forFirst17: first17)!)
    form.name = "蜀山区第\(serial)体育培训中心"
    form.region = "340104"
    form.kind = "non-subject"
    form.category = "体育"
    form.licence = "教民3401047\(String(format: "%06d", serial))号"
    form.licenceExpires = "2029-12-31"
    form.escrowBank = "中国银行"
    form.escrowAccount = "62170000\(String(format: "%08d", serial))"
    let institution = try database.registerInstitution(form, today: today).id
    institutions.append(institution)
    open.append(institution)
  }

  static let slots = [
    (6, "09:00-11:00"), (6, "14:00-16:00"), (7, "09:00-11:00"), (7, "14:00-16:00"), (3, "18:00-20:00"),
  ]

  func addCatalog(_ name: String) throws {
    let complete = open.filter { courses[$0] != nil && venues[$0] != nil && teachers[$0] != nil }
    let lacking = open.filter {
      switch name {
      case "venue add": venues[$0] == nil
      case "teacher add": teachers[$0] == nil
      case "course add": courses[$0] == nil
      default: false
      }
    }
    let institution =
      name == "class add" && !complete.isEmpty && chance(90)
      ? complete.last!
      : !lacking.isEmpty && chance(70)
        ? lacking.last!
        : chance(90)
          ? pick(open, bogus: "52340104MJ0000000X") : pick(institutions, bogus: "52340104MJ0000000X")
    let serial = next()
    switch name {
    case "venue add":
      let venue = try database.addVenue(institution: institution, address: "长江西路\(serial)号", areaM2: "300")
      venues[institution, default: []].append(venue.id)
    case "teacher add":
      let teacher = try database.addTeacher(
        institution: institution, name: "王老师", certificate: "2020\(String(format: "%07d", serial))",
        inService: false)
      teachers[institution, default: []].append(teacher.id)
    case "course add":
      let course = Self.sportsCourse(institution: institution, name: "篮球\(serial)")
      courses[institution, default: []].append(try database.addCourse(course).id)
    default:
      let (weekday, times) = Self.slots[number(0...Self.slots.count - 1)]
      let starts = CalendarDate(year: 2026, month: 2, day: 23)!.adding(days: number(0...20))
      let ends = starts.adding(days: number(50...80))
      var klass = ClassForm()
      klass.course = pick(courses[institution] ?? [], bogus: "C99")
      klass.venue = pick(venues[institution] ?? [], bogus: "V99")
      klass.teacher = pick(teachers[institution] ?? [], bogus: "T99")
      klass.capacity = "30"
      klass.starts = starts.description
      klass.ends = ends.description
      klass.schedule = "\(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][weekday - 1]) \(times)"
      let id = try database.addClass(klass).id
      classes.append(
        ClassInfo(
          id: id, institution: institution, weekday: weekday, start: String(times.prefix(5)), starts: starts,
          ends: ends))
    }
  }

  /// A non-subject course of 60 one-hour lessons at 100 yuan an hour.
  static func sportsCourse(institution: String, name: String) -> CourseForm {
    var course = CourseForm()
    course.institution = institution
    course.name = name
    course.category = "体育"
    course.delivery = "offline"
    course.lessonMinutes = "60"
    course.hours = "60"
    course.pricePerHour = "100"
    return course
  }

  /// A valid resident ID number of someone born in `year`.
  func residentID(born year: Int) -> String {
    let serial = next()
    let first17 =
      "340104\(year)\(String(format: "%02d", 1 + serial % 8))\(String(format: "%02d", 1 + serial % 28))\(String(format: "%03d", serial % 1000))"
    return first17 + String(ResidentID.checkCharacter(forFirst17: first17)!)
  }

  func registerParent() throws {
    let idNumber: String
    if chance(20), let erased = erasedIDNumbers.randomElement(using: &generator) {
      idNumber = erased
    } else if chance(5), let standing = idNumbers.values.sorted().first {
      idNumber = standing
    } else {
      idNumber = residentID(born: number(1975...1992))
    }
    let parent = try database.registerParent(
      name: "家长", idNumber: idNumber, phone: "139\(String(format: "%08d", next()))", today: today)
    parents.append(parent.id)
    idNumbers[parent.id] = idNumber
    erasedIDNumbers.removeAll { $0 == idNumber }
  }

  func addStudent() throws {
    let grade = number(1...9)
    let reused = chance(15) ? erasedIDNumbers.randomElement(using: &generator) : nil
    let idNumber = reused ?? residentID(born: 2019 - grade)
    let standing = parents.filter { !erasedParents.contains($0) }
    let parent = pick(chance(90) ? standing : parents, bogus: "P999")
    let student = try database.addStudent(
      parent: parent, name: "学生", idNumber: idNumber, grade: String(grade), today: today)
    students.append(student.id)
    childIDNumbers[parent, default: []].append(idNumber)
    erasedIDNumbers.removeAll { $0 == idNumber }
  }

  func pay() throws {
    let offered = classes.filter { open.contains($0.institution) && !suspended.contains($0.institution) }
    let klass = (chance(90) && !offered.isEmpty ? offered : classes).randomElement(using: &generator)
    let hours = number(1...12)
    var form = PaymentForm()
    form.student = pick(students, bogus: "S999")
    form.classID = klass?.id ?? "B99"
    form.hours = String(hours)
    form.amountYuan = chance(20) ? "\(hours * 100 - 1).99" : String(hours * 100)
    form.bankRef = chance(5) ? pick(bankRefs, bogus: "PAY-0") : "PAY-\(next())"
    form.paidAt = clock.description
    let paid = try database.pay(form, now: clock)
    bankRefs.append(form.bankRef)
    if !paid.repeated, let klass { enrollments[paid.id] = (klass, today) }
  }

  /// A time the class was scheduled, after the payment and not after now (or one that is not,
  /// when there is none).
  func slotTime(of enrollment: (klass: ClassInfo, paidOn: CalendarDate)?) -> String {
    guard let (klass, paidOn) = enrollment, klass.starts <= today else { return "\(today)T10:00" }
    var candidates: [CalendarDate] = []
    var day = max(klass.starts, paidOn)
    while day <= min(klass.ends, today) {
      if day.weekday == klass.weekday { candidates.append(day) }
      day = day.adding(days: 1)
    }
    guard var chosen = candidates.randomElement(using: &generator) else { return "\(today)T10:00" }
    let startMinute = Int(klass.start.prefix(2))! * 60 + Int(klass.start.suffix(2))!
    if chosen == today && startMinute > clock.minuteOfDay { chosen = chosen.adding(days: -7) }
    if chosen < max(klass.starts, paidOn) { return "\(today)T10:00" }
    return "\(chosen)T\(klass.start)"
  }

  func lesson(_ name: String) throws {
    switch name {
    case "lesson record":
      let enrollment = try liveEnrollment(withHours: true)
      let recorded = try database.recordLesson(
        enrollment: enrollment, hours: String(number(1...2)), taughtAt: slotTime(of: enrollments[enrollment]),
        now: clock)
      if !recorded.repeated { pending.append(recorded.id) }
    case "lesson confirm":
      let lesson = pick(pending, bogus: "L999")
      _ = try database.confirmLesson(lesson)
      pending.removeAll { $0 == lesson }
    case "lesson dispute":
      let lesson = pick(pending, bogus: "L999")
      _ = try database.disputeLesson(lesson, reason: reason("未上课"))
      pending.removeAll { $0 == lesson }
      disputed.append(lesson)
    default:
      let lesson = pick(disputed, bogus: "L999")
      _ = try database.resolveLesson(lesson, release: chance(50), reason: reason("监管裁定"))
      disputed.removeAll { $0 == lesson }
    }
  }

  func refundRequest(_ name: String) throws {
    switch name {
    case "refund-request create":
      let enrollment = try liveEnrollment(withHours: true)
      let request = try database.createRefundRequest(
        enrollment: enrollment, hours: chance(30) ? nil : String(number(1...3)), reason: reason("搬家"),
        now: clock)
      openRequests.append(request.id)
      requestInstitution[request.id] = enrollments[enrollment]?.klass.institution
    case "refund-request answer":
      // The latest application, mostly: it is the likeliest to be still within its answer time.
      let request = chance(70) ? openRequests.last ?? "RA999" : pick(openRequests, bogus: "RA999")
      let agree = chance(50)
      _ = try database.answerRefundRequest(request, agree: agree, reason: reason("已核实"), today: today)
      openRequests.removeAll { $0 == request }
      if !agree { refusedRequests.append(request) }
    case "refund-request escalate":
      // The latest refusal, mostly: its hours are likeliest to be still unconsumed.
      let request = chance(70) ? refusedRequests.last ?? "RA999" : pick(refusedRequests, bogus: "RA999")
      _ = try database.escalateRefundRequest(request, reason: reason("机构拒绝"), today: today)
      refusedRequests.removeAll { $0 == request }
      escalated.append(request)
    default:
      let request = pick(escalated, bogus: "RA999")
      _ = try database.decideRefundRequest(request, agree: chance(50), reason: reason("投诉处理"), today: today)
      escalated.removeAll { $0 == request }
    }
  }

  func institutionStatus(_ name: String) throws {
    switch name {
    case "institution suspend":
      let institution = pick(institutions, bogus: "52340104MJ0000000X")
      _ = try database.changeInstitutionStatus(uscc: institution, to: .suspended, reason: reason("停业整顿"))
      suspended.append(institution)
    case "institution reinstate":
      let institution = pick(suspended, bogus: "52340104MJ0000000X")
      _ = try database.changeInstitutionStatus(uscc: institution, to: .reinstated, reason: reason("整改完成"))
      suspended.removeAll { $0 == institution }
    default:
      // Two institutions stay open, so that the bureau goes on working; closing one with
      // applications pending (open, refused or escalated) is the case most worth trying.
      let pendingAt =
        (chance(50) && !escalated.isEmpty ? escalated : openRequests + refusedRequests + escalated)
        .compactMap { requestInstitution[$0] }.filter { open.contains($0) }
      let institution =
        open.count <= 2
        ? pick(institutions, bogus: "52340104MJ0000000X")
        : chance(70) && !pendingAt.isEmpty
          ? pendingAt.randomElement(using: &generator)!
          : pick(open, bogus: "52340104MJ0000000X")
      if name == "institution revoke" {
        _ = try database.changeInstitutionStatus(uscc: institution, to: .revoked, reason: reason("注销"))
      } else {
        _ = try database.closeInstitution(
          uscc: institution, reason: reason("卷款风险"), bankRefPrefix: "CL\(next())")
        try refreshRequests()
      }
      open.removeAll { $0 == institution }
      suspended.removeAll { $0 == institution }
    }
  }

  func supervision(_ name: String) throws {
    switch name {
    case "action record":
      var action = ActionForm()
      action.date = today.description
      action.region = "340104"
      action.personVisits = String(number(1...50))
      action.institutionsChecked = String(number(1...30))
      _ = try database.recordAction(action, today: today)
    case "measure add":
      var measure = MeasureForm()
      measure.date = today.description
      measure.region = "340104"
      measure.kind = "hotline"
      _ = try database.addMeasure(measure, today: today)
    case "finding add":
      var finding = FindingForm()
      finding.date = today.description
      if chance(50) {
        finding.institution = pick(institutions, bogus: "52340104MJ0000000X")
      } else {
        finding.operatorName = "某培训点"
      }
      finding.region = finding.institution == nil ? "340104" : nil
      finding.category = "safety-hazard"
      finding.actions = "rectify"
      finding.deadline = today.adding(days: 10).description
      findings.append(try database.addFinding(finding, today: today).id)
    case "finding rectify":
      let finding = pick(findings, bogus: "F99")
      _ = try database.rectifyFinding(finding, date: today.description, note: reason("已整改"), today: today)
      rectified.append(finding)
    case "finding verify":
      _ = try database.verifyFinding(
        pick(rectified, bogus: "F99"), date: today.description, note: reason("复查合格"), today: today)
    case "complaint file":
      var complaint = ComplaintForm()
      complaint.date = today.description
      complaint.channel = "hotline"
      complaint.institution = pick(institutions, bogus: "52340104MJ0000000X")
      complaint.summary = reason("退费难")
      complaints.append(try database.fileComplaint(complaint, today: today).id)
    case "complaint resolve":
      _ = try database.resolveComplaint(
        pick(complaints, bogus: "C99"), date: today.description, outcome: "mediated", note: reason("已调解"),
        refundsYuan: nil, today: today)
    default:
      // One of three small files, so that the same file comes again (and adds nothing).
      let which = number(1...3)
      let file = """
        {"format": "jianguan-supervision/1", "records": [
          {"type": "measure", "date": "2026-02-1\(which)", "region": "340104", "kind": "campaign"},
          {"type": "complaint", "date": "2026-02-1\(which)", "channel": "hotline", "region": "340104",
           "operatorName": "某培训点\(which)", "summary": "夜间授课"}]}
        """
      _ = try database.importSupervision(Array(file.utf8), file: "s\(which).json", today: today)
    }
  }
}

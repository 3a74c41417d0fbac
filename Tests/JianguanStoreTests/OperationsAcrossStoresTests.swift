import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanTestSupport
import Testing

@testable import JianguanStore

/// The domain operations run against the store interface (`LedgerTransaction`), not against SQL:
/// the same requests on the SQLite store and on a second store that is nothing but the replay in
/// memory (`MemoryLedger`) give the same outcomes, refusals and entries.
@Suite struct OperationsAcrossStoresTests {
  /// A second store holding the SQLite store's log so far, each entry appended at its own time.
  func copy(of fixture: StoreFixture) throws -> MemoryLedger {
    let memory = MemoryLedger(clock: StoreFixture.now)
    try fixture.database.entries(fromSeq: 1, limit: nil) { line in
      let entry = try Entry.parse(line.entryBytes)
      let seconds = Array(entry.time.utf8).withUnsafeBufferPointer {
        LedgerState.unixSeconds(utcTimestamp: $0)
      }
      memory.clock = LocalDateTime(unixSeconds: seconds!)
      _ = try memory.ledger.append(try Event(kind: entry.kind, payload: entry.payload))
    }
    memory.clock = StoreFixture.now
    return memory
  }

  /// The outcome of a request: what it appended, or its rule.
  enum Outcome: Equatable {
    case appended(String, Int64, repeated: Bool)
    case refused(String)
  }

  static func outcome(_ body: () throws -> (id: String, seq: Int64, repeated: Bool)) -> Outcome {
    do {
      let result = try body()
      return .appended(result.id, result.seq, repeated: result.repeated)
    } catch let rejection as Rejection {
      return .refused(rejection.code)
    } catch {
      return .refused("\(error)")
    }
  }

  /// Requests run on both stores, their outcomes side by side.
  final class SideBySide {
    var outcomes: [(Outcome, Outcome)] = []

    func both(_ sqlite: () throws -> Recorded, _ second: () throws -> Appended) {
      outcomes.append(
        (
          OperationsAcrossStoresTests.outcome {
            let r = try sqlite()
            return (r.id, r.seq, r.repeated)
          },
          OperationsAcrossStoresTests.outcome {
            let r = try second()
            return (r.id, r.seq, r.repeated)
          }
        ))
    }

    func expectSameOutcomes() {
      for (index, (sqlite, second)) in outcomes.enumerated() {
        #expect(sqlite == second, "request \(index)")
      }
    }

    /// The rules of the refused requests, in order (on the SQLite store).
    var refusals: [String] {
      outcomes.map(\.0).compactMap { if case .refused(let rule) = $0 { rule } else { nil } }
    }
  }

  /// Both stores hold the same log, byte for byte, and the SQLite store's audit passes.
  func expectSameLogs(_ fixture: StoreFixture, _ memory: MemoryLedger) throws {
    var sqliteBytes: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { sqliteBytes.append(Array($0.entryBytes)) }
    #expect(sqliteBytes == memory.entryBytes)
    #expect(try fixture.database.audit().faults.isEmpty)
  }

  @Test func paymentsAndLessonsGiveTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass(capacity: 2, pricePerHour: "100")
    let students = try (0..<3).map { _ in try fixture.student() }
    let memory = try copy(of: fixture)
    let copied = memory.entries.count
    #expect(Int64(copied) == (try fixture.database.size()))

    func pay(_ student: String, hours: Int64 = 20, yuan: Int64 = 2000, ref: String) -> (Outcome, Outcome) {
      let form = fixture.paymentForm(
        student: student, classID: classID, hours: "\(hours)", amount: "\(yuan)", ref: ref)
      let request = PaymentRequest(
        student: student, classID: classID, hours: hours, amountFen: yuan * 100, bankRef: ref,
        paidAt: try! LocalDateTime.parse(form.paidAt!, field: "at"))
      let sqlite = Self.outcome {
        let r = try fixture.database.pay(form, now: StoreFixture.now)
        return (r.id, r.seq, r.repeated)
      }
      let second = Self.outcome {
        let r = try PaymentOperation.run(request, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }
    func lesson(_ enrollment: String, hours: Int64 = 2, at taught: String) -> (Outcome, Outcome) {
      let sqlite = Self.outcome {
        let r = try fixture.database.recordLesson(
          enrollment: enrollment, hours: "\(hours)", taughtAt: taught, now: StoreFixture.now)
        return (r.id, r.seq, r.repeated)
      }
      let second = Self.outcome {
        let request = LessonRequest(
          enrollment: enrollment, hours: hours, taught: try LocalDateTime.parse(taught, field: "taught-at"))
        let r = try LessonOperation.record(request, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }
    func refund(_ enrollment: String, hours: Int64? = nil, ref: String) -> (Outcome, Outcome) {
      let sqlite = Self.outcome {
        let r = try fixture.database.refund(
          enrollment: enrollment, hours: hours.map(String.init), reason: "搬家", bankRef: ref)
        return (r.id, r.seq, r.repeated)
      }
      let second = Self.outcome {
        let r = try RefundOperation.run(
          enrollment: enrollment, hours: hours, reason: "搬家", bankRef: ref, in: memory.ledger)
        return (r.id, r.seq, r.repeated)
      }
      return (sqlite, second)
    }

    let outcomes: [(Outcome, Outcome)] = [
      pay(students[0], ref: "PAY-1"),  // accepted: E1 and its contract
      pay(students[0], ref: "PAY-1"),  // the same request again: repeated
      pay(students[0], hours: 21, ref: "PAY-1"),  // the same reference for other content
      pay(students[1], hours: 10, yuan: 1001, ref: "PAY-2"),  // above the listed price
      pay(students[1], hours: 10, yuan: 1000, ref: "PAY-3"),  // the second place
      pay(students[2], ref: "PAY-4"),  // the class is full
      lesson("E1", at: "2026-03-07T09:00"),  // a Saturday slot
      lesson("E1", at: "2026-03-07T09:00"),  // repeated
      lesson("E1", hours: 1, at: "2026-03-07T09:00"),  // the same lesson with other hours
      lesson("E1", at: "2026-03-07T10:30"),  // not the start of a slot
      lesson("E2", hours: 4, at: "2026-03-08T09:00"),  // more hours than the slot holds
      lesson("E9", at: "2026-03-08T09:00"),  // no such enrollment
      lesson("E2", hours: 3, at: "2026-03-08T09:00"),  // a Sunday slot, whole
      refund("E2", ref: "RF-1"),  // every hour not consumed or pending
      refund("E2", ref: "RF-1"),  // repeated
      refund("E2", ref: "RF-2"),  // nothing left to refund
      refund("E1", hours: 100, ref: "RF-3"),  // more hours than remain
      refund("E1", hours: 5, ref: "RF-4"),
    ]
    let codes = outcomes.map { $0.0 }
    #expect(
      codes.compactMap { if case .refused(let code) = $0 { code } else { nil } } == [
        "bank_ref_reused_with_different_content", "amount_over_listed_price", "class_full",
        "lesson_exists_with_different_hours", "lesson_not_in_schedule", "lesson_hours_exceed_slot",
        "enrollment_unknown", "nothing_to_refund", "refund_exceeds_remaining",
      ])
    for (index, (sqlite, second)) in outcomes.enumerated() {
      #expect(sqlite == second, "request \(index)")
    }

    // The entries each store appended, the same events in the same order.
    var appended: [Event] = []
    try fixture.database.entries(fromSeq: Int64(copied) + 1, limit: nil) { line in
      let entry = try Entry.parse(line.entryBytes)
      appended.append(try Event(kind: entry.kind, payload: entry.payload))
    }
    #expect(
      appended.map(\.kind) == [
        "payment", "contract.issued", "payment", "contract.issued", "lesson.recorded", "lesson.recorded",
        "refund", "refund",
      ])
    #expect(appended == Array(memory.entries.dropFirst(copied)))
    // Byte for byte, hash chain included: the whole log of each store is the same.
    var sqliteBytes: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { sqliteBytes.append(Array($0.entryBytes)) }
    #expect(sqliteBytes == memory.entryBytes)
  }

  /// A store loads the state from the entries it holds: the same head and answers as the store's
  /// own tables, and the next payment gets the same id and entry as on the SQLite store.
  @Test func aLedgerLoadedFromTheStoresBytesContinuesItsChain() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass(capacity: 5, pricePerHour: "100")
    let student = try fixture.student()
    _ = try fixture.database.pay(
      fixture.paymentForm(student: student, classID: classID, hours: "10", amount: "1000", ref: "LOAD-1"),
      now: StoreFixture.now)
    let loaded = ReplayedLedger(clock: StoreFixture.now)
    var stored: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { stored.append(Array($0.entryBytes)) }
    for bytes in stored { try loaded.load(entryBytes: bytes) }
    #expect(loaded.head.seq == Int64(stored.count))
    #expect(loaded.head.hash == SHA256.hash(stored.last!))
    let balance = try #require(try loaded.balance(ofEnrollment: "E1"))
    #expect(balance.hoursPaid == 10 && balance.amountFen == 100_000)
    // A repeated bank reference needs the store (the state keeps only that it was used).
    #expect(try loaded.earlierUse(ofBankRef: "NEW-REF") == nil)

    let form = fixture.paymentForm(
      student: student, classID: classID, hours: "5", amount: "500", ref: "LOAD-2")
    let request = PaymentRequest(
      student: student, classID: classID, hours: 5, amountFen: 50_000, bankRef: "LOAD-2",
      paidAt: try LocalDateTime.parse(form.paidAt!, field: "at"))
    let memory = try PaymentOperation.run(request, in: loaded)
    let sqlite = try fixture.database.pay(form, now: StoreFixture.now)
    #expect(memory.id == sqlite.id && memory.seq == sqlite.seq)
  }

  /// Loading refuses an entry that does not follow the one before it in the chain.
  @Test func loadingRefusesAnEntryOutOfChain() throws {
    let fixture = try StoreFixture()
    var stored: [[UInt8]] = []
    try fixture.database.entries(fromSeq: 1, limit: nil) { stored.append(Array($0.entryBytes)) }
    #expect(stored.count >= 3)
    let ledger = ReplayedLedger(clock: StoreFixture.now)
    try ledger.load(entryBytes: stored[0])
    #expect(throws: ReplayedLedger.Refused.self) { try ledger.load(entryBytes: stored[2]) }
    #expect(ledger.head.seq == 1)
  }

  /// An append dated before the last entry is refused with the store's own sentence, and the
  /// ledger stays current: nothing was applied.
  @Test func anAppendBeforeTheLastEntryIsRefusedAndLeavesTheStateCurrent() throws {
    let fixture = try StoreFixture()
    let memory = try copy(of: fixture)
    let size = memory.entries.count
    memory.clock = try LocalDateTime.parse("2020-01-01T00:00", field: "now")
    let error = #expect(throws: Rejection.self) { _ = try memory.ledger.append(memory.entries.last!) }
    #expect(error?.code == "clock_before_last_entry")
    #expect(memory.entries.count == size)
    #expect(memory.ledger.isCurrent)
  }

  /// The registry's writes: the same outcomes, refusals and entries on both stores, the refusals
  /// being each of the rules that need the ledger's state.
  @Test func registryWritesGiveTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let memory = try copy(of: fixture)
    let ledger = memory.ledger
    let requests = SideBySide()
    let both = requests.both
    func register(_ form: InstitutionForm) {
      var form = form
      form.mode = "escrow"
      let event = InstitutionRegistered(
        uscc: form.uscc, name: form.name, region: form.region, kind: form.kind, category: form.category,
        nonprofit: form.nonprofit, licence: form.licence, licenceExpires: form.licenceExpires,
        escrowBank: form.escrowBank, escrowAccount: form.escrowAccount, mode: "escrow",
        checksumOverrideReason: nil)
      both(
        { try fixture.database.registerInstitution(form, today: fixture.today) },
        { try RegistryOperation.record(.institutionRegistered(event), id: form.uscc, in: ledger) })
    }
    func numbered(_ kind: NumberedRecord, _ sqlite: () throws -> Recorded, _ event: (String) -> Event) {
      both(
        sqlite,
        {
          let id = try ledger.nextID(kind); return try RegistryOperation.record(event(id), id: id, in: ledger)
        })
    }
    func status(_ uscc: String, _ status: InstitutionStatus) {
      both(
        { try fixture.database.changeInstitutionStatus(uscc: uscc, to: status, reason: "检查") },
        {
          try RegistryOperation.record(
            .institutionStatusChanged(InstitutionStatusChanged(uscc: uscc, status: status, reason: "检查")),
            id: uscc, in: ledger)
        })
    }
    func venue(_ institution: String) {
      numbered(
        .venue, { try fixture.database.addVenue(institution: institution, address: "长江西路1号", areaM2: "300") }
      ) {
        .venueAdded(VenueAdded(id: $0, institution: institution, address: "长江西路1号", areaM2: 300))
      }
    }
    func teacher(_ institution: String, _ certificate: String) {
      numbered(
        .teacher,
        {
          try fixture.database.addTeacher(
            institution: institution, name: "王老师", certificate: certificate, inService: false)
        }
      ) {
        .teacherAdded(TeacherAdded(id: $0, institution: institution, name: "王老师", certificate: certificate))
      }
    }
    func course(_ institution: String, subject: String? = nil, category: String? = "体育") {
      var form = CourseForm()
      (form.institution, form.name, form.subject, form.category, form.delivery) = (
        institution, "篮球", subject, category, "offline"
      )
      (form.lessonMinutes, form.hours, form.pricePerHour, form.classSize) = ("60", "60", "100", "10to35")
      numbered(.course, { try fixture.database.addCourse(form) }) {
        .courseAdded(
          CourseAdded(
            id: $0, institution: institution, name: "篮球", subject: subject, category: category,
            delivery: "offline", lessonMinutes: 60, hours: 60, pricePerHourFen: 10_000, classSize: "10to35"))
      }
    }
    func klass(_ institution: String, course: String, venue: String, teacher: String) {
      var form = ClassForm()
      (form.course, form.venue, form.teacher, form.capacity) = (course, venue, teacher, "20")
      (form.starts, form.ends, form.schedule) = ("2026-07-04", "2026-08-30", "Sat 09:00-12:00")
      numbered(.klass, { try fixture.database.addClass(form) }) {
        .classAdded(
          ClassAdded(
            id: $0, course: course, institution: institution, venue: venue, teacher: teacher, capacity: 20,
            starts: "2026-07-04", ends: "2026-08-30", schedule: "Sat 09:00-12:00"))
      }
    }

    let a = fixture.institutionForm()
    register(a)
    var sameLicence = fixture.institutionForm()
    sameLicence.licence = a.licence
    register(sameLicence)
    var sameAccount = fixture.institutionForm()
    sameAccount.escrowAccount = String(a.escrowAccount.prefix(4)) + "-" + a.escrowAccount.dropFirst(4)
    register(sameAccount)
    register(fixture.institutionForm(region: "110105"))
    register(a)
    venue(a.uscc)
    venue("52340104MJ9999999X")
    teacher(a.uscc, "2020340111111")
    teacher(a.uscc, "2020340111111")
    teacher(a.uscc, "2020340222222")
    course(a.uscc)
    course(a.uscc, subject: "数学", category: nil)
    course(a.uscc, category: "科技")
    klass(a.uscc, course: "C1", venue: "V1", teacher: "T1")
    klass(a.uscc, course: "C1", venue: "V1", teacher: "T2")
    klass(a.uscc, course: "C9", venue: "V1", teacher: "T2")
    status(a.uscc, .suspended)
    course(a.uscc)
    status(a.uscc, .reinstated)
    status(a.uscc, .reinstated)
    status(a.uscc, .revoked)
    venue(a.uscc)

    requests.expectSameOutcomes()
    #expect(
      requests.refusals == [
        "licence_already_registered", "escrow_account_already_registered", "region_outside_jurisdiction",
        "institution_exists", "institution_unknown", "certificate_already_registered",
        "subject_course_needs_subject_institution", "category_not_licensed", "class_time_clash",
        "course_unknown",
        "institution_not_active", "status_active_cannot_be_reinstated", "institution_revoked",
      ])
    try expectSameLogs(fixture, memory)
  }

  /// The lesson flow (confirm, dispute, resolve by release or void): the same outcomes, refusals
  /// and entries on both stores.
  @Test func theLessonFlowGivesTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass(capacity: 5, pricePerHour: "100")
    let students = try (0..<2).map { _ in try fixture.student() }
    for (index, student) in students.enumerated() {
      _ = try fixture.database.pay(
        fixture.paymentForm(
          student: student, classID: classID, hours: "20", amount: "2000", ref: "FLOW-\(index)"),
        now: StoreFixture.now)
    }
    for (enrollment, taught) in [
      ("E1", "2026-03-07T09:00"), ("E1", "2026-03-08T09:00"), ("E2", "2026-03-07T09:00"),
    ] {
      _ = try fixture.database.recordLesson(
        enrollment: enrollment, hours: "2", taughtAt: taught, now: StoreFixture.now)
    }
    let memory = try copy(of: fixture)
    let ledger = memory.ledger
    let requests = SideBySide()
    let both = requests.both
    func confirm(_ lesson: String) {
      both(
        { try fixture.database.confirmLesson(lesson) },
        { try LessonFlowOperation.release(lesson, basis: .confirmed, in: ledger) })
    }
    func dispute(_ lesson: String) {
      both(
        { try fixture.database.disputeLesson(lesson, reason: "没上课") },
        { try LessonFlowOperation.dispute(lesson, reason: "没上课", in: ledger) })
    }
    func resolve(_ lesson: String, release: Bool) {
      both(
        { try fixture.database.resolveLesson(lesson, release: release, reason: "核实") },
        { try LessonFlowOperation.resolve(lesson, release: release, reason: "核实", in: ledger) })
    }
    confirm("L1")
    confirm("L1")
    dispute("L2")
    confirm("L2")
    resolve("L2", release: true)
    dispute("L3")
    resolve("L3", release: false)
    resolve("L3", release: true)
    dispute("L9")
    requests.expectSameOutcomes()
    #expect(
      requests.refusals == [
        "lesson_released_cannot_be_confirmed", "lesson_disputed_cannot_be_confirmed",
        "lesson_voided_cannot_be_resolved", "lesson_unknown",
      ])
    try expectSameLogs(fixture, memory)
  }

  /// Registering parents and students: the same outcomes and entries on both stores (the memory
  /// store opens the same personal-data key, so the commitments agree; the sealed data stays out
  /// of both logs).
  @Test func peopleGiveTheSameOutcomesAndEntriesOnBothStores() throws {
    let fixture = try StoreFixture()
    let memory = try copy(of: fixture)
    let vault = PersonalDataVault.open(at: fixture.path + ".key")
    let requests = SideBySide()
    let today = fixture.today
    func parent(_ idNumber: String) {
      requests.both(
        {
          try fixture.database.registerParent(
            name: "家长", idNumber: idNumber, phone: "13800138000", today: today)
        },
        {
          try PeopleOperation.registerParent(
            name: "家长",
            id: try ResidentID.parse(
              idNumber, field: "id-number", regions: StoreFixture.reference.regions, today: today),
            phone: "13800138000", vault: vault, in: memory.ledger)
        })
    }
    func student(_ parent: String, _ idNumber: String, grade: Int64 = 5) {
      requests.both(
        {
          try fixture.database.addStudent(
            parent: parent, name: "学生", idNumber: idNumber, grade: "\(grade)", today: today)
        },
        {
          try PeopleOperation.addStudent(
            parent: parent, name: "学生",
            id: try ResidentID.parse(
              idNumber, field: "id-number", regions: StoreFixture.reference.regions, today: today),
            grade: grade, today: today, vault: vault, in: memory.ledger)
        })
    }
    let adult = fixture.nextResidentID()
    let child = fixture.nextResidentID(bornIn: 2015)
    parent(adult)
    parent(adult)
    student("P1", child)
    student("P1", child)
    student("P99", fixture.nextResidentID(bornIn: 2015))
    student("P1", adult)
    student("P1", fixture.nextResidentID(bornIn: 2015), grade: 9)
    requests.expectSameOutcomes()
    #expect(
      requests.refusals == [
        "person_already_registered", "person_already_registered", "parent_unknown",
        "person_already_registered",
        "grade_implausible_for_age",
      ])
    #expect(memory.persons.count == 2)
    try expectSameLogs(fixture, memory)
  }
}

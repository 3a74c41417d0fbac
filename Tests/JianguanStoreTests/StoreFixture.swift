import Foundation
import GRDB
import JianguanCore
import JianguanPostgres
import JianguanStore
import JianguanTestSupport

/// A fresh database in a temporary folder, with the real reference data, and shortcuts that
/// build the registry a money test needs.
final class StoreFixture {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static let reference: ReferenceData = {
    func text(_ name: String) -> String {
      try! String(contentsOf: packageRoot.appendingPathComponent("Data/\(name)"), encoding: .utf8)
    }
    return ReferenceData(
      regions: try! RegionTable(currentCSV: text("regions.csv"), historyCSV: text("regions_history.csv")),
      policies: try! PolicyBook.parse(json: Array(text("policy.json").utf8)),
      calendar: try! WorkingDayCalendar(csv: text("calendar.csv")))
  }()

  /// The `calendar` entries `init` appends after genesis, one per year of `Data/calendar.csv`.
  /// The entries `init` appends after genesis: one per calendar year, then the policy book.
  static let calendarEntries = Int64(reference.calendar.coveredYears.count) + 1

  let directory: URL
  /// The SQLite file the tests read and tamper with: the database on SQLite, the bureau's cache on
  /// PostgreSQL.
  private(set) var path: String
  /// On SQLite the file; on PostgreSQL the bureau's cache, whose every write is appended to the
  /// bureau's log in a database of the tests' PostgreSQL server first (`PostgresCache`).
  private(set) var database: AppDatabase
  /// On PostgreSQL, the database holding the bureau.
  private(set) var postgresDatabase: String?
  let today = CalendarDate(year: 2026, month: 2, day: 1)!
  var serial = 0

  /// The database's clock: every entry is dated by it; a test moves it forward with `clock.set`.
  let clock: SettableClock

  init(store: TestStore = .sqlite, now: String = "2026-06-30T12:00") throws {
    clock = SettableClock(now)
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("jianguan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    path = directory.appendingPathComponent("test.sqlite").path
    database = try AppDatabase.create(
      path: path, keyPath: path + ".key", authority: "测试教育局", region: "340100", reference: Self.reference,
      clock: clock.reading
    ).0
    if store == .postgres {
      // The new bureau copied into PostgreSQL, as `jianguan copy` does; from here on the fixture
      // writes through the bureau's cache, as a command on the URL does.
      let server = try PostgresServer.server()
      let name = try server.createDatabase()
      let url = try PostgresURL.parse(server.url(name, bureau: "340100"))
      let log = try PostgresLog.connect(url)
      let source = database
      _ = try log.create(
        copying: { each in try source.entries(fromSeq: 1, limit: nil) { try each($0.entryBytes) } },
        persons: try source.sealedPersons())
      let cache = directory.appendingPathComponent("bureau.cache.sqlite").path
      database = try AppDatabase.openCache(
        path: cache, keyPath: path + ".key", reference: Self.reference, clock: clock.reading,
        upstream: PostgresCache(log: log))
      path = cache
      postgresDatabase = name
    }
  }

  deinit {
    try? FileManager.default.removeItem(at: directory)
    // Dropped now rather than written back by the server when it stops.
    if let postgresDatabase { try? PostgresServer.server().dropDatabase(postgresDatabase) }
  }

  /// A valid USCC in `region`, different on each call.
  func nextUSCC(region: String = "340104") -> String {
    serial += 1
    let first17 = "52\(region)MJ\(String(format: "%07d", serial))"
    return first17 + String(USCC.checkCharacter(forFirst17: first17)!)
  }

  func institutionForm(subject: Bool = false, region: String = "340104") -> InstitutionForm {
    var form = InstitutionForm()
    form.uscc = nextUSCC(region: region)
    form.name = "测试培训学校\(serial)"
    form.region = region
    form.kind = subject ? "subject" : "non-subject"
    form.category = subject ? nil : "体育"
    form.nonprofit = subject
    // Each institution has its own licence number and escrow account.
    form.licence = "教民3401047\(String(format: "%06d", serial))号"
    form.licenceExpires = "2029-12-31"
    form.escrowBank = "中国银行"
    form.escrowAccount = "62170000\(String(format: "%08d", serial))"
    return form
  }

  /// Registers an institution with a venue, teacher, course and class; returns (uscc, class id).
  func openClass(
    subject: Bool = false, capacity: Int = 30, starts: String = "2026-03-02", ends: String = "2026-05-15",
    pricePerHour: String = "100", region: String = "340104"
  ) throws -> (uscc: String, classID: String) {
    let uscc = try database.registerInstitution(
      institutionForm(subject: subject, region: region), today: today
    ).id
    let venue = try database.addVenue(institution: uscc, address: "合肥市蜀山区长江西路1号", areaM2: "300")
    let teacher = try database.addTeacher(
      institution: uscc, name: "王老师", certificate: "2020340\(String(format: "%06d", serial))",
      inService: false)
    var course = CourseForm()
    course.institution = uscc
    course.name = subject ? "初二数学" : "篮球"
    course.subject = subject ? "数学" : nil
    course.category = subject ? nil : "体育"
    course.delivery = "offline"
    course.lessonMinutes = subject ? "45" : "60"
    course.hours = "60"
    course.pricePerHour = pricePerHour
    course.classSize = ClassSize.forCapacity(Int64(capacity)).rawValue
    let courseID = try database.addCourse(course).id
    var klass = ClassForm()
    klass.course = courseID
    klass.venue = venue.id
    klass.teacher = teacher.id
    klass.capacity = String(capacity)
    klass.starts = starts
    klass.ends = ends
    // Slots of three lessons, so that a lesson may record 1 to 3 hours.
    klass.schedule = subject ? "Tue 18:00-20:15,Thu 18:00-20:15" : "Sat 09:00-12:00,Sun 09:00-12:00"
    return (uscc, try database.addClass(klass).id)
  }

  /// A valid resident ID number of someone born in `year` (by default an adult's; 2015 for a
  /// child in grade 5 on `today`), different on each call.
  func nextResidentID(bornIn year: Int = 1985) -> String {
    serial += 1
    let first17 =
      "340104\(year)0\(serial % 8 + 1)1\(serial % 9)\(String(format: "%03d", serial % 1000))"
    return first17 + String(ResidentID.checkCharacter(forFirst17: first17)!)
  }

  /// A parent with one child; returns the student id.
  func student() throws -> String {
    let parent = try database.registerParent(
      name: "家长", idNumber: nextResidentID(), phone: "13800138000", today: today)
    return try database.addStudent(
      parent: parent.id, name: "学生", idNumber: nextResidentID(bornIn: 2015), grade: "5", today: today
    ).id
  }

  func paymentForm(
    student: String, classID: String, hours: String = "20", amount: String = "2000", ref: String? = nil,
    at: String = "2026-02-20T10:00"
  ) -> PaymentForm {
    var form = PaymentForm()
    form.student = student
    form.classID = classID
    form.hours = hours
    form.amountYuan = amount
    serial += 1
    form.bankRef = ref ?? "REF-\(serial)"
    form.paidAt = at
    return form
  }

  static let now = try! LocalDateTime.parse("2026-06-30T12:00", field: "now")

  func pay(_ form: PaymentForm) throws -> String { try database.pay(form, now: Self.now).id }

  /// Every row of every table, as text: two equal snapshots mean nothing was written (on
  /// PostgreSQL, in the bureau's rows there and in its cache).
  func snapshot() throws -> String {
    let postgres = try postgresDatabase.map { try PostgresServer.server().contentDigest($0) + "\n" } ?? ""
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
      var out = ""
      for table in try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") { out += "\(table) \(row)\n" }
      }
      return postgres + out
    }
  }

  /// A raw connection for tampering, as an attacker with the sqlite3 shell would.
  func raw() throws -> DatabaseQueue { try DatabaseQueue(path: path) }

  /// Runs `body` on the file as an attacker who covers their tracks would: every trigger dropped
  /// first and put back, exactly as it was, afterwards.
  func tamperCoveringTracks(_ body: (Database) throws -> Void) throws {
    try raw().write { db in
      let triggers = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
      for trigger in triggers { try db.execute(sql: "DROP TRIGGER \(trigger["name"] as String)") }
      try body(db)
      for trigger in triggers { try db.execute(sql: trigger["sql"]) }
    }
  }
}

/// The code of the rejection `body` throws, or nil.
func rejectionCode(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch let rejection as Rejection {
    return rejection.code
  } catch {
    return "not a rejection: \(error)"
  }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import HummingbirdTesting
import JianguanCore
import JianguanPostgres
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Logging
import NIOCore
import ServiceLifecycle

/// A database with one institution's class (and, on demand, a second institution's), parents
/// with children, and one credential per role; and a live server on a free loopback port.
final class ServerFixture: @unchecked Sendable {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The reference data compiled into the tool, as `jianguan serve` uses it by default.
  static let reference: ReferenceData = {
    let files = EmbeddedReferenceData.files
    return ReferenceData(
      regions: try! RegionTable(currentCSV: files["regions.csv"]!, historyCSV: files["regions_history.csv"]!),
      policies: try! PolicyBook.parse(json: Array(files["policy.json"]!.utf8)),
      calendar: try! WorkingDayCalendar(csv: files["calendar.csv"]!))
  }()

  let directory: URL
  let path: String
  /// The store the service runs on: the SQLite file at `path`, or a bureau in a database of the
  /// tests' PostgreSQL server, through the bureau's cache at `cachePath` (as `jianguan serve --db
  /// postgres://…` runs).
  let store: TestStore
  /// On PostgreSQL: the database, the bureau's URL and the cache file.
  private(set) var postgres: (database: String, url: PostgresURL, cachePath: String)?
  /// The fixture's own connection: writes through it count as the command line's.
  private(set) var database: AppDatabase
  let clock = SettableClock("2026-03-10T12:00")
  let today = CalendarDate(year: 2026, month: 2, day: 1)!
  var serial = 0
  /// Tokens by role name: "regulator", "institution" (of class A), "institutionB", "parent"
  /// (of student A), "parentB", "bank" (中国银行, A's and B's), "otherBank", "auditor".
  var tokens: [String: String] = [:]
  var usccA = "", usccB = "", classA = "", classB = "", studentA = "", studentB = "", parentA = "",
    parentB = ""

  init(store: TestStore = .sqlite) throws {
    self.store = store
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-server-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    path = directory.appendingPathComponent("test.sqlite").path
    database = try AppDatabase.create(
      path: path, keyPath: path + ".key", authority: "测试教育局", region: "340100", reference: Self.reference,
      clock: clock.reading
    ).0
    (usccA, classA) = try openClass()
    (usccB, classB) = try openClass()
    (parentA, studentA) = try student()
    (parentB, studentB) = try student()
    // A third institution banks elsewhere, so that another bank may hold a credential.
    _ = try openClass(bank: "中国工商银行")
    try issue("regulator", .regulator)
    try issue("institution", .institution, institution: usccA)
    try issue("institutionB", .institution, institution: usccB)
    try issue("parent", .parent, parent: parentA)
    try issue("parentB", .parent, parent: parentB)
    try issue("bank", .bank, bank: "中国银行")
    try issue("otherBank", .bank, bank: "中国工商银行")
    try issue("auditor", .auditor)
    if store == .postgres { try moveToPostgres() }
  }

  /// Copies the bureau built so far into a new database of the tests' PostgreSQL server and
  /// makes the fixture's connection the bureau's cache, as `jianguan copy` and a command on the
  /// URL would.
  private func moveToPostgres() throws {
    let server = try PostgresServer.server()
    let name = try server.createDatabase()
    let url = try PostgresURL.parse(server.url(name, bureau: "340100"))
    let log = try PostgresLog.connect(url)
    defer { log.close() }
    let source = database
    _ = try log.create(
      copying: { each in try source.entries(fromSeq: 1, limit: nil) { try each($0.entryBytes) } },
      persons: try source.sealedPersons())
    let cachePath = directory.appendingPathComponent("bureau.cache.sqlite").path
    postgres = (name, url, cachePath)
    database = try openCache()
  }

  /// The bureau's cache, with a PostgreSQL connection of its own.
  private func openCache() throws -> AppDatabase {
    guard let postgres else { throw CocoaError(.fileNoSuchFile) }
    return try AppDatabase.openCache(
      path: postgres.cachePath, keyPath: path + ".key", reference: Self.reference, clock: clock.reading,
      upstream: PostgresCache(log: try PostgresLog.connect(postgres.url)))
  }

  deinit {
    try? FileManager.default.removeItem(at: directory)
    // Dropped now rather than written back by the server when it stops.
    if let postgres { try? PostgresServer.server().dropDatabase(postgres.database) }
  }

  /// Issues a credential through the store, as `jianguan credential issue` does.
  func issue(
    _ name: String, _ role: CredentialRole, institution: String? = nil, parent: String? = nil,
    bank: String? = nil
  ) throws {
    tokens[name] = try database.issueCredential(
      role: role, institution: institution, parent: parent, bank: bank
    )
    .token
  }

  func nextUSCC() -> String {
    serial += 1
    let first17 = "52340104MJ\(String(format: "%07d", serial))"
    return first17 + String(USCC.checkCharacter(forFirst17: first17)!)
  }

  func openClass(bank: String = "中国银行") throws -> (uscc: String, classID: String) {
    var form = InstitutionForm()
    form.uscc = nextUSCC()
    form.name = "测试培训学校\(serial)"
    form.region = "340104"
    form.kind = "non-subject"
    form.category = "体育"
    form.nonprofit = false
    form.licence = "教民3401047\(String(format: "%06d", serial))号"
    form.licenceExpires = "2029-12-31"
    form.escrowBank = bank
    form.escrowAccount = "62170000\(String(format: "%08d", serial))"
    let uscc = try database.registerInstitution(form, today: today).id
    let venue = try database.addVenue(institution: uscc, address: "合肥市蜀山区长江西路1号", areaM2: "300")
    let teacher = try database.addTeacher(
      institution: uscc, name: "王老师", certificate: "2020340\(String(format: "%06d", serial))",
      inService: false)
    var course = CourseForm()
    course.institution = uscc
    course.name = "篮球"
    course.category = "体育"
    course.delivery = "offline"
    course.lessonMinutes = "60"
    course.hours = "60"
    course.pricePerHour = "100"
    course.classSize = ClassSize.forCapacity(30).rawValue
    let courseID = try database.addCourse(course).id
    var klass = ClassForm()
    klass.course = courseID
    klass.venue = venue.id
    klass.teacher = teacher.id
    klass.capacity = "30"
    klass.starts = "2026-03-02"
    klass.ends = "2026-05-15"
    klass.schedule = "Sat 09:00-12:00,Sun 09:00-12:00"
    return (uscc, try database.addClass(klass).id)
  }

  func nextResidentID(bornIn year: Int = 1985) -> String {
    serial += 1
    let first17 = "340104\(year)0\(serial % 8 + 1)1\(serial % 9)\(String(format: "%03d", serial % 1000))"
    return first17 + String(ResidentID.checkCharacter(forFirst17: first17)!)
  }

  /// A parent with one child.
  func student() throws -> (parent: String, student: String) {
    let parent = try database.registerParent(
      name: "家长", idNumber: nextResidentID(), phone: "13800138000", today: today)
    let student = try database.addStudent(
      parent: parent.id, name: "学生", idNumber: nextResidentID(bornIn: 2015), grade: "5", today: today)
    return (parent.id, student.id)
  }

  /// The same payment as the store takes it from the command line.
  func paymentForm(student: String, classID: String, ref: String, amountYuan: String = "1000") -> PaymentForm
  {
    var form = PaymentForm()
    form.student = student
    form.classID = classID
    form.hours = "10"
    form.amountYuan = amountYuan
    form.bankRef = ref
    form.paidAt = "2026-02-20T10:00"
    return form
  }

  /// E1 (student A, class A, paid with bank reference `ref`), with a lesson L1 of 7 March pending.
  func enrollmentWithPendingLesson(ref: String = "BOC-E1") throws {
    _ = try database.pay(paymentForm(student: studentA, classID: classA, ref: ref), now: clock.now)
    _ = try database.recordLesson(enrollment: "E1", hours: "1", taughtAt: "2026-03-07T09:00", now: clock.now)
  }

  /// A payment body: 10 hours, 1000 yuan, paid on 2026-02-20.
  func paymentJSON(student: String, classID: String, ref: String, hours: Int = 10, amountFen: Int = 100_000)
    -> String
  {
    #"{"student":"\#(student)","class":"\#(classID)","hours":\#(hours),"amountFen":\#(amountFen),"bankRef":"\#(ref)","paidAt":"2026-02-20T10:00"}"#
  }

  /// The bytes of the database file and its write-ahead log: two equal snapshots mean nothing
  /// was written (the fixture's own connection stays open, so no close checkpoints the log).
  func snapshot() throws -> [Data] {
    if let postgres {
      // Every row of the bureau's tables in PostgreSQL, where an entry counts as written.
      return [Data(try PostgresServer.server().contentDigest(postgres.database).utf8)]
    }
    return try ["", "-wal"].map { suffix in
      FileManager.default.contents(atPath: path + suffix) ?? Data()
    }
  }

  /// The application on this database, as `jianguan serve` builds it.
  func application(
    options: ServerOptions = ServerOptions(), logger: Logger? = nil,
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
  ) throws -> some ApplicationProtocol {
    var options = options
    options.port = 0
    // On PostgreSQL the writer is the bureau's cache (its upstream the bureau) and the reader
    // reads the cache file, as `jianguan serve --db postgres://…` opens them.
    let writer =
      postgres != nil
      ? try openCache()
      : try AppDatabase.open(
        path: path, keyPath: path + ".key", reference: Self.reference, clock: clock.reading)
    let reader = try AppDatabase.open(
      path: postgres?.cachePath ?? path, keyPath: path + ".key", reference: Self.reference,
      clock: clock.reading)
    var quiet = Logger(label: "jianguan-test")
    quiet.logLevel = .warning
    return try JianguanService.application(
      reader: reader, writer: writer, options: options, logger: logger ?? quiet, onRunning: onRunning)
  }
}

/// What a request got: status, headers and body.
struct Answer: Sendable {
  let status: HTTPResponse.Status
  let headers: HTTPFields
  let body: ByteBuffer
  var text: String { String(buffer: body) }
  /// The body parsed as a JSON object.
  var object: [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
  }
  var rule: String? { (object["error"] as? [String: Any])?["rule"] as? String }
}

/// A connection to a live server, patient enough for a machine the whole suite loads: the
/// server's tasks share the cooperative pool with tests that block it.
struct LiveClient: Sendable {
  static let configuration = TestClient.Configuration(timeout: .seconds(600))
  let client: TestClient
  let port: Int

  /// A request with `token` as its bearer credential and `body` as its JSON body.
  func send(
    _ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil,
    headers: HTTPFields = [:]
  ) async throws -> Answer {
    var headers = headers
    if let token { headers[.authorization] = "Bearer \(token)" }
    if body != nil { headers[.contentType] = "application/json" }
    let response = try await client.execute(
      TestClient.Request(
        uri, method: method, authority: "localhost", headers: headers,
        body: body.map { ByteBuffer(string: $0) }))
    return Answer(status: response.status, headers: response.headers, body: response.body ?? ByteBuffer())
  }

  /// Runs `body` on a connection of its own (for requests at once).
  func connection<T: Sendable>(_ body: @escaping @Sendable (LiveClient) async throws -> T) async throws -> T {
    try await TestClient.withClient(host: "localhost", port: port, configuration: Self.configuration) {
      client in
      try await body(LiveClient(client: client, port: port))
    }
  }
}

extension ServerFixture {
  /// Runs the service on a free loopback port for `body`, then shuts it down gracefully.
  /// With `tls`, the client speaks HTTPS with it (the server needs `options`' certificate).
  func serve<T: Sendable>(
    options: ServerOptions = ServerOptions(), logger: Logger? = nil, tls: TLSConfiguration? = nil,
    _ body: @escaping @Sendable (LiveClient) async throws -> T
  )
    async throws -> T
  {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = try application(
      options: options, logger: logger, onRunning: { portContinuation.yield($0) })
    let group = ServiceGroup(
      configuration: .init(services: [application], logger: Logger(label: "jianguan-test")))
    let server = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw CancellationError() }
    let result: Result<T, any Error>
    do {
      result = .success(
        try await TestClient.withClient(
          host: "localhost", port: port,
          configuration: TestClient.Configuration(
            tlsConfiguration: tls, timeout: LiveClient.configuration.timeout)
        ) {
          client in try await body(LiveClient(client: client, port: port))
        })
    } catch { result = .failure(error) }
    await group.triggerGracefulShutdown()
    try await server.value
    return try result.get()
  }
}

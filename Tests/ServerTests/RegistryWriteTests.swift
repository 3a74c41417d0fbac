import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanCore
import JianguanServer
import JianguanStore
import JianguanTestSupport
import Testing

/// The registry's writes and `settle` over HTTP: who may, the same rules and sentences as the
/// command line, and nothing written, logged or echoed that should not be.
@Suite struct RegistryWriteTests {
  /// One write route: the request each role sends (each its own, so that every allowed role's
  /// write can succeed), the status each must get, and how a 2xx's effect is read back.
  struct WriteCell: Sendable {
    let route: String
    let requests: [String: (method: HTTPRequest.Method, path: String, body: String)]
    let expected: [String: Int]
    /// Given the role and the answer of its 2xx, whether the effect is visible through a read.
    let seen: @Sendable (LiveClient, String, Answer) async throws -> Bool
  }

  static let roles = ScopeTests.roles
  /// An institution's own records: the regulator and that institution; the other institution
  /// meets "not registered"; nobody else may use the route.
  static let catalogStatuses: [String: Int] = [
    "regulator": 200, "institution": 200, "institutionB": 404, "parent": 403, "parentB": 403, "bank": 403,
    "otherBank": 403, "auditor": 403,
  ]
  static let regulatorOnly: [String: Int] = Dictionary(
    uniqueKeysWithValues: roles.map { ($0, $0 == "regulator" ? 200 : 403) })

  /// Reads `path` back with the role's own credential: the record it wrote is in its scope.
  static func readsBack(_ fixture: ServerFixture, _ kind: String)
    -> @Sendable (LiveClient, String, Answer)
    async throws -> Bool
  {
    { client, role, answer in
      guard let id = answer.object["id"] as? String else { return false }
      let read = try await client.send(.get, "/v1/\(kind)/\(id)", token: fixture.tokens[role])
      return read.status == .ok && read.object["id"] as? String == id
    }
  }

  func institutionJSON(_ fixture: ServerFixture, expires: String = "2029-12-31") -> (String, String) {
    let uscc = fixture.nextUSCC()
    let serial = String(format: "%06d", fixture.serial)
    return (
      uscc,
      #"{"uscc":"\#(uscc)","name":"新注册培训学校\#(serial)","region":"340104","kind":"non-subject","category":"体育","license":"教民3401047\#(serial)号","licenseExpires":"\#(expires)","escrowBank":"中国银行","escrowAccount":"62179999\#(serial)\#(serial.prefix(2))"}"#
    )
  }

  func cells(_ fixture: ServerFixture) throws -> [WriteCell] {
    let classA = try fixture.database.show(.classes, fixture.classA)
    let (courseA, venueA, teacherA) = (classA.text("course")!, classA.text("venue")!, classA.text("teacher")!)
    let closing = try fixture.openClass().uscc
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon", "Tue", "Wed"]
    // A parent of one's own for each role to ask to erase.
    let erasable = try Self.roles.map { _ in try fixture.student().parent }
    var requests: [String: [String: (HTTPRequest.Method, String, String)]] = [:]
    for (index, role) in Self.roles.enumerated() {
      let n = String(format: "%02d", index)
      requests["institutions", default: [:]][role] = (.post, "/v1/institutions", institutionJSON(fixture).1)
      requests["close", default: [:]][role] = (
        .post, "/v1/institutions/\(closing)/close", #"{"reason":"举办者申请终止办学","bankRefPrefix":"CLOSE\#(n)"}"#
      )
      requests["venues", default: [:]][role] = (
        .post, "/v1/venues", #"{"institution":"\#(fixture.usccA)","address":"合肥市蜀山区黄山路\#(n)号","areaM2":120}"#
      )
      requests["teachers", default: [:]][role] = (
        .post, "/v1/teachers",
        #"{"institution":"\#(fixture.usccA)","name":"李老师","certificate":"20213400000\#(n)"}"#
      )
      requests["courses", default: [:]][role] = (
        .post, "/v1/courses",
        #"{"institution":"\#(fixture.usccA)","name":"足球\#(n)","category":"体育","delivery":"offline","lessonMinutes":60,"hours":40,"pricePerHourFen":10000,"classSize":"10to35"}"#
      )
      requests["classes", default: [:]][role] = (
        .post, "/v1/classes",
        #"{"course":"\#(courseA)","venue":"\#(venueA)","teacher":"\#(teacherA)","capacity":20,"starts":"2026-04-13","ends":"2026-06-30","schedule":"\#(days[index]) 18:00-19:00"}"#
      )
      requests["parents", default: [:]][role] = (
        .post, "/v1/parents",
        #"{"name":"新家长","idNumber":"\#(fixture.nextResidentID())","phone":"139000000\#(n)"}"#
      )
      requests["students", default: [:]][role] = (
        .post, "/v1/students",
        #"{"parent":"\#(fixture.parentA)","name":"新学生","idNumber":"\#(fixture.nextResidentID(bornIn: 2016))","grade":4}"#
      )
      requests["settle", default: [:]][role] = (.post, "/v1/settle", "{}")
      requests["erase", default: [:]][role] = (
        .post, "/v1/parents/\(erasable[index])/erase", #"{"reason":"家长申请删除","confirm":true}"#
      )
    }
    func cell(
      _ name: String, _ expected: [String: Int],
      _ seen:
        @escaping @Sendable (LiveClient, String, Answer)
        async throws -> Bool
    ) -> WriteCell {
      WriteCell(
        route: name, requests: requests[name]!.mapValues { (method: $0.0, path: $0.1, body: $0.2) },
        expected: expected, seen: seen)
    }
    let database = fixture.database
    let regulator = fixture.tokens["regulator"]
    return [
      cell("institutions", Self.regulatorOnly) { client, _, answer in
        let uscc = answer.object["id"] as? String ?? "-"
        return try await client.send(.get, "/v1/institutions/\(uscc)", token: regulator).status == .ok
      },
      cell("venues", Self.catalogStatuses, Self.readsBack(fixture, "venues")),
      cell("teachers", Self.catalogStatuses, Self.readsBack(fixture, "teachers")),
      cell("courses", Self.catalogStatuses, Self.readsBack(fixture, "courses")),
      cell("classes", Self.catalogStatuses, Self.readsBack(fixture, "classes")),
      // No route reads a person: the store does, as `parent show` and `student show` do.
      cell("parents", Self.regulatorOnly) { _, _, answer in
        let view = try database.parentView(answer.object["id"] as? String ?? "-")
        return view.maskedID == answer.object["idNumberMasked"] as? String && view.name == "新家长"
      },
      cell("students", Self.regulatorOnly) { _, _, answer in
        try database.studentHistory(answer.object["id"] as? String ?? "-").parent == fixture.parentA
      },
      cell("erase", Self.regulatorOnly) { _, _, answer in
        try database.parentView(answer.object["id"] as? String ?? "-").erasedSeq != nil
      },
      cell("close", Self.regulatorOnly) { client, _, _ in
        let read = try await client.send(.get, "/v1/institutions/\(closing)", token: regulator)
        return read.object["status"] as? String == "revoked"
      },
      cell("settle", Self.regulatorOnly) { client, _, answer in
        let released = (answer.object["released"] as? [[String: Any]] ?? []).compactMap {
          $0["id"] as? String
        }
        let lesson = try await client.send(.get, "/v1/lessons/L1", token: regulator)
        return released == ["L1"] && lesson.object["status"] as? String == "released"
      },
    ]
  }

  @Test(arguments: TestStore.all) func everyRoleAgainstEveryRegistryWrite(store: TestStore) async throws {
    let fixture = try ServerFixture(store: store)
    // E1 with a lesson L1 recorded on 10 March: by 10 April its confirmation window has passed.
    try fixture.enrollmentWithPendingLesson()
    fixture.clock.set("2026-04-10T12:00")
    let cells = try cells(fixture)
    try await fixture.serve { client in
      var wrong: [String] = []
      for cell in cells {
        for role in Self.roles {
          let request = cell.requests[role]!
          let expected = cell.expected[role]!
          let before = try fixture.snapshot()
          let answer = try await client.send(
            request.method, request.path, token: fixture.tokens[role], body: request.body)
          let place = "\(role) \(request.method) \(request.path)"
          if Int(answer.status.code) != expected {
            wrong.append("\(place): \(answer.status.code), expected \(expected): \(answer.text)")
          } else if expected < 300 {
            if try await !cell.seen(client, role, answer) { wrong.append("\(place): effect not visible") }
          } else if try fixture.snapshot() != before {
            wrong.append("\(place): refused, yet the database changed")
          }
        }
      }
      #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func anInstitutionCannotOpenAClassWithAnothersCourseVenueOrTeacher(
    store: TestStore
  ) async throws {
    let fixture = try ServerFixture(store: store)
    let classA = try fixture.database.show(.classes, fixture.classA)
    let classB = try fixture.database.show(.classes, fixture.classB)
    @Sendable func body(_ course: String, _ venue: String, _ teacher: String) -> String {
      #"{"course":"\#(course)","venue":"\#(venue)","teacher":"\#(teacher)","capacity":20,"starts":"2026-04-13","ends":"2026-06-30","schedule":"Mon 18:00-19:00"}"#
    }
    let (courseA, venueA, teacherA) = (classA.text("course")!, classA.text("venue")!, classA.text("teacher")!)
    let (courseB, venueB, teacherB) = (classB.text("course")!, classB.text("venue")!, classB.text("teacher")!)
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      let token = fixture.tokens["institution"]
      for (others, asked, missing, absentID, rule) in [
        (body(courseB, venueA, teacherA), courseB, body("C99", venueA, teacherA), "C99", "course_unknown"),
        (body(courseA, venueB, teacherA), venueB, body(courseA, "V99", teacherA), "V99", "venue_unknown"),
        (body(courseA, venueA, teacherB), teacherB, body(courseA, venueA, "T99"), "T99", "teacher_unknown"),
      ] {
        let refused = try await client.send(.post, "/v1/classes", token: token, body: others)
        #expect(refused.status == .notFound && refused.rule == rule, "\(refused.text)")
        #expect(!refused.text.contains(fixture.usccB), "the refusal names the owner: \(refused.text)")
        // Exactly what a record that does not exist gets, but for the id asked about.
        let absent = try await client.send(.post, "/v1/classes", token: token, body: missing)
        #expect(absent.text.replacingOccurrences(of: absentID, with: asked) == refused.text)
      }
      // The store's own rule is there: the regulator is told whose venue it is.
      let mixed = try await client.send(
        .post, "/v1/classes", token: fixture.tokens["regulator"], body: body(courseA, venueB, teacherA))
      #expect(mixed.status == .unprocessableContent && mixed.rule == "venue_of_other_institution")
      // Nor may it list records for the other institution: "not registered", as for no institution.
      let venue = { @Sendable (uscc: String) in
        #"{"institution":"\#(uscc)","address":"合肥市蜀山区黄山路9号","areaM2":80}"#
      }
      let forB = try await client.send(.post, "/v1/venues", token: token, body: venue(fixture.usccB))
      let unregistered = fixture.nextUSCC()
      let forNobody = try await client.send(.post, "/v1/venues", token: token, body: venue(unregistered))
      #expect(forB.status == .notFound && forB.rule == "institution_unknown")
      #expect(forNobody.text.replacingOccurrences(of: unregistered, with: fixture.usccB) == forB.text)
    }
    #expect(try fixture.snapshot() == before)
  }

  @Test(arguments: TestStore.all) func badInputIsTheCommandLinesRefusalAndWritesNothing(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    var online = CourseForm()
    online.institution = fixture.usccA
    online.name = "网课"
    online.category = "科技"
    online.delivery = "online"
    online.lessonMinutes = "45"
    online.hours = "10"
    online.pricePerHour = "50"
    let courseRefusal = try #require(throws: Rejection.self) { try fixture.database.addCourse(online) }
    let expired = institutionJSON(fixture, expires: "2026-01-31")
    let before = try fixture.snapshot()
    try await fixture.serve { client in
      let token = fixture.tokens["institution"]
      let unknown = try await client.send(
        .post, "/v1/venues", token: token,
        body: #"{"institution":"\#(fixture.usccA)","address":"合肥市","areaM2":80,"colour":"red"}"#)
      #expect(unknown.status == .badRequest && unknown.rule == "field_unknown")
      #expect(unknown.text.contains(#"field \"colour\" is not a field"#), "\(unknown.text)")
      let missing = try await client.send(
        .post, "/v1/venues", token: token, body: #"{"institution":"\#(fixture.usccA)","address":"合肥市"}"#)
      #expect(missing.status == .badRequest && missing.text.contains(#"field \"areaM2\" is missing"#))
      let course = try await client.send(
        .post, "/v1/courses", token: token,
        body:
          #"{"institution":"\#(fixture.usccA)","name":"网课","category":"科技","delivery":"online","lessonMinutes":45,"hours":10,"pricePerHourFen":5000}"#
      )
      #expect(course.status == .unprocessableContent && course.rule == courseRefusal.code)
      #expect((course.object["error"] as? [String: Any])?["message"] as? String == courseRefusal.message)
      let institution = try await client.send(
        .post, "/v1/institutions", token: fixture.tokens["regulator"], body: expired.1)
      #expect(institution.status == .unprocessableContent && institution.rule == "licence_expired")
      #expect(
        (institution.object["error"] as? [String: Any])?["message"] as? String
          == "license-expires \"2026-01-31\" is not after today (2026-03-10): the licence has expired")
      let future = try await client.send(
        .post, "/v1/settle", token: fixture.tokens["regulator"], body: #"{"asOf":"2026-03-11"}"#)
      #expect(future.status == .unprocessableContent && future.rule == "settle_as_of_in_future")
      let settleRefusal = try #require(throws: Rejection.self) {
        try fixture.database.settle(asOf: CalendarDate(year: 2026, month: 3, day: 11)!)
      }
      #expect((future.object["error"] as? [String: Any])?["message"] as? String == settleRefusal.message)
    }
    #expect(try fixture.snapshot() == before)
  }

  @Test(arguments: TestStore.all) func aParentsNameIDNumberAndPhoneAreNeitherEchoedNorLogged(store: TestStore)
    async throws
  {
    let fixture = try ServerFixture(store: store)
    let logs = LogCapture()
    let idNumber = fixture.nextResidentID()
    let childID = fixture.nextResidentID(bornIn: 2016)
    let (name, phone) = ("欧阳明月", "13912345678")
    let person = { @Sendable (name: String, id: String, phone: String) in
      #"{"name":"\#(name)","idNumber":"\#(id)","phone":"\#(phone)"}"#
    }
    try await fixture.serve(logger: logs.logger) { client in
      let token = fixture.tokens["regulator"]
      var answers: [Answer] = []
      // Refused for the name itself, for the phone, for the age (a child's number), and as a
      // person registered twice: no refusal repeats what was sent.
      for (body, rule) in [
        (person(" \(name)", idNumber, phone), "name_has_surrounding_blanks"),
        (person(String(repeating: name, count: 13), idNumber, phone), "name_too_long"),
        (person(name, idNumber, "0" + phone.dropFirst()), "phone_malformed"),
        (person(name, childID, phone), "parent_under_18"),
      ] {
        let before = try fixture.snapshot()
        let refused = try await client.send(.post, "/v1/parents", token: token, body: body)
        #expect(refused.status == .unprocessableContent && refused.rule == rule, "\(refused.text)")
        #expect(try fixture.snapshot() == before, "refused as \(rule), yet written")
        answers.append(refused)
      }
      let registered = try await client.send(
        .post, "/v1/parents", token: token, body: person(name, idNumber, phone))
      #expect(registered.status == .ok && registered.object["idNumberMasked"] as? String != nil)
      answers.append(registered)
      let twice = try await client.send(
        .post, "/v1/parents", token: token, body: person(name, idNumber, phone))
      #expect(twice.rule == "person_already_registered")
      answers.append(twice)
      let child = try await client.send(
        .post, "/v1/students", token: token,
        body:
          #"{"parent":"\#(registered.object["id"] as? String ?? "")","name":"\#(name) ","idNumber":"\#(childID)","grade":4}"#
      )
      #expect(child.rule == "name_has_surrounding_blanks")
      answers.append(child)
      answers.append(try await client.send(.get, "/metrics", token: nil))
      for answer in answers {
        for secret in [name, idNumber, phone, childID] {
          #expect(!answer.text.contains(secret), "an answer repeats personal data: \(answer.text)")
        }
      }
    }
    let lines = logs.lines
    #expect(lines.contains { $0.contains("/v1/parents") }, "the requests were not logged at all")
    // Each request's line names the credential it came with (its id, never its token).
    let parentRoutes = lines.filter { $0.contains("route=/v1/parents") }
    #expect(
      !parentRoutes.isEmpty && parentRoutes.allSatisfy { $0.contains(#/credential=C[0-9]+ /#) },
      "\(parentRoutes)")
    #expect(!lines.contains { $0.contains(fixture.tokens["regulator"] ?? "no token") })
    for line in lines {
      for secret in [name, idNumber, phone, childID] {
        #expect(!line.contains(secret), "a log line holds personal data: \(line)")
      }
    }
  }

  /// Registrations arriving together share the group commit, each with its own id; a retry with
  /// the same Idempotency-Key is the first answer, not a second record.
  @Test(arguments: TestStore.all) func registrationsTogetherGetTheirOwnIdsAndARetryIsTheFirstAnswer(
    store: TestStore
  ) async throws {
    let fixture = try ServerFixture(store: store)
    let venuesBefore = try fixture.database.list(.venues, filter: ViewFilter(), limit: 100, after: nil)
      .records.count
    try await fixture.serve { client in
      let token = fixture.tokens["institution"]!
      let ids = try await withThrowingTaskGroup(of: String?.self) { group in
        for index in 0..<12 {
          group.addTask {
            try await client.connection { connection in
              let answer = try await connection.send(
                .post, "/v1/venues", token: token,
                body: #"{"institution":"\#(fixture.usccA)","address":"合肥市蜀山区望江路\#(index)号","areaM2":90}"#)
              return answer.status == .ok ? answer.object["id"] as? String : nil
            }
          }
        }
        return try await group.reduce(into: [String?]()) { $0.append($1) }
      }
      #expect(Set(ids.compactMap { $0 }).count == 12, "\(ids)")
      let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "venue-once"]
      let body = #"{"institution":"\#(fixture.usccA)","address":"合肥市蜀山区望江路99号","areaM2":90}"#
      let first = try await client.send(.post, "/v1/venues", token: token, body: body, headers: key)
      let again = try await client.send(.post, "/v1/venues", token: token, body: body, headers: key)
      #expect(first.status == .ok && again.text == first.text)
    }
    let venues = try fixture.database.list(.venues, filter: ViewFilter(), limit: 100, after: nil).records
    #expect(venues.count == venuesBefore + 13)
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func anErasureOverHTTPNeedsAReasonAndAConfirmationAndHappensOnce(
    store: TestStore
  ) async throws {
    let fixture = try ServerFixture(store: store)
    let parent = try fixture.student().parent
    let token = fixture.tokens["regulator"]
    try await fixture.serve { client in
      for (body, rule) in [
        (#"{"reason":"家长申请删除"}"#, "erasure_not_confirmed"),
        (#"{"confirm":true}"#, "erasure_reason_missing"),
      ] {
        let before = try fixture.snapshot()
        let refused = try await client.send(.post, "/v1/parents/\(parent)/erase", token: token, body: body)
        #expect(refused.status == .unprocessableContent && refused.rule == rule, "\(refused.text)")
        #expect(try fixture.snapshot() == before, "a refused erasure wrote something")
      }
      let body = #"{"reason":"家长申请删除","confirm":true}"#
      let erased = try await client.send(.post, "/v1/parents/\(parent)/erase", token: token, body: body)
      #expect(erased.status == .ok, "\(erased.text)")
      let again = try await client.send(.post, "/v1/parents/\(parent)/erase", token: token, body: body)
      #expect(again.status == .unprocessableContent && again.rule == "parent_already_erased")
    }
    #expect(try fixture.database.parentView(parent).name == AppDatabase.erasedText)
    #expect(try fixture.database.audit().ok)
  }

}

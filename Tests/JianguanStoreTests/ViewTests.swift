import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// The views a clerk, an institution and a parent look records up with.
@Suite struct ViewTests {
  /// Two classes of one institution; three students pay in the first, one in the second.
  func term() throws -> (StoreFixture, uscc: String, classes: [String], enrollments: [String]) {
    let fixture = try StoreFixture()
    let (uscc, first) = try fixture.openClass()
    let (_, second) = try fixture.openClass()
    var enrollments: [String] = []
    for classID in [first, first, first, second] {
      enrollments.append(
        try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: classID)))
    }
    return (fixture, uscc, [first, second], enrollments)
  }

  func ids(_ page: ViewPage) -> [String] { page.records.map(\.id) }

  func value(_ record: ViewRecord, _ name: String) -> JSONValue? {
    record.fields.first { $0.name == name }?.value ?? nil
  }

  /// Property: following `next` page by page, for any page size, lists every record once, in order.
  @Test(arguments: [UInt64(11), 12, 13, 14])
  func pagesFollowedToTheEndListEveryRecordOnceInOrder(seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    let (fixture, _, classes, _) = try term()
    for week in 0..<Int.random(in: 1...4, using: &random) {
      _ = try fixture.database.recordClassSession(
        classID: classes[0], hours: "1", taughtAt: "2026-03-\(String(format: "%02d", 7 + 7 * week))T09:00",
        absent: [], now: StoreFixture.now)
    }
    for kind in ViewKind.allCases {
      let all = try fixture.database.list(kind, filter: ViewFilter(), limit: 1000, after: nil)
      #expect(!all.more && all.next == nil)
      let limit = Int.random(in: 1...4, using: &random)
      var seen: [String] = []
      var after: String?
      var pages = 0
      repeat {
        let page = try fixture.database.list(kind, filter: ViewFilter(), limit: limit, after: after)
        #expect(page.records.count <= limit)
        #expect(page.more == (seen.count + page.records.count < all.records.count), "\(kind)")
        seen += ids(page)
        after = page.next
        pages += 1
      } while after != nil && pages < 100
      #expect(seen == ids(all), "\(kind) with pages of \(limit)")
    }
    // The order is the order of recording: the ids' numbers increase.
    let lessons = ids(try fixture.database.list(.lessons, filter: ViewFilter(), limit: 1000, after: nil))
    #expect(lessons.map { Int($0.dropFirst())! } == lessons.map { Int($0.dropFirst())! }.sorted())
  }

  @Test func filtersNarrowAndAParentFindsTheLessonsWaitingForConfirmation() throws {
    let (fixture, uscc, classes, enrollments) = try term()
    _ = try fixture.database.recordClassSession(
      classID: classes[0], hours: "1", taughtAt: "2026-03-07T09:00", absent: [], now: StoreFixture.now)
    let lesson = try fixture.database.recordLesson(
      enrollment: enrollments[3], hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try fixture.database.confirmLesson(lesson.id)

    var pending = ViewFilter()
    pending.status = "pending"
    #expect(
      ids(try fixture.database.list(.lessons, filter: pending, limit: 50, after: nil)) == ["L1", "L2", "L3"])
    pending.enrollment = enrollments[1]
    let mine = try fixture.database.list(.lessons, filter: pending, limit: 50, after: nil)
    #expect(ids(mine) == ["L2"] && value(mine.records[0], "enrollment") == .string(enrollments[1]))

    var byParent = ViewFilter()
    byParent.parent = "P1"
    byParent.status = "pending"
    #expect(ids(try fixture.database.list(.lessons, filter: byParent, limit: 50, after: nil)) == ["L1"])
    byParent.parent = "P9"
    #expect(
      rejectionCode { _ = try fixture.database.list(.lessons, filter: byParent, limit: 50, after: nil) }
        == "parent_unknown")

    var byClass = ViewFilter()
    byClass.classID = classes[1]
    #expect(
      ids(try fixture.database.list(.enrollments, filter: byClass, limit: 50, after: nil)) == [enrollments[3]]
    )
    #expect(ids(try fixture.database.list(.lessons, filter: byClass, limit: 50, after: nil)) == ["L4"])
    var byInstitution = ViewFilter()
    byInstitution.institution = uscc
    #expect(
      ids(try fixture.database.list(.classes, filter: byInstitution, limit: 50, after: nil)) == [classes[0]])
  }

  @Test func badListRequestsAreRefusedWithTheirRule() throws {
    let (fixture, _, _, _) = try term()
    func code(
      _ kind: ViewKind, limit: Int = 50, after: String? = nil, _ change: (inout ViewFilter) -> Void = { _ in }
    )
      -> String?
    {
      var filter = ViewFilter()
      change(&filter)
      return rejectionCode { _ = try fixture.database.list(kind, filter: filter, limit: limit, after: after) }
    }
    #expect(code(.venues, limit: 0) == "limit_out_of_range")
    #expect(code(.venues, limit: 1001) == "limit_out_of_range")
    #expect(code(.venues, after: "V99") == "venue_unknown")
    #expect(code(.venues, after: "E1") == "after_id_malformed")
    #expect(code(.venues) { $0.status = "pending" } == "filter_not_applicable")
    #expect(code(.lessons) { $0.status = "done" } == "status_unknown")
    #expect(code(.refundRequests) { $0.enrollment = "E99" } == "enrollment_unknown")
    #expect(code(.venues) { $0.institution = "52340104MJ0000000X" } == "institution_unknown")
    #expect(rejectionCode { _ = try fixture.database.show(.refunds, "R1") } == "refund_unknown")
    #expect(
      rejectionCode { _ = try fixture.database.show(.refundRequests, "RA1") } == "refund_request_unknown")
  }

  @Test func aClassRosterShowsTheStudentsHoldingHoursAndTheHoursLeft() throws {
    let (fixture, _, classes, enrollments) = try term()
    _ = try fixture.database.recordLesson(
      enrollment: enrollments[0], hours: "3", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try fixture.database.refund(enrollment: enrollments[2], hours: nil, reason: "转学", bankRef: "R-9")
    let (shown, roster) = try fixture.database.classWithRoster(classes[0])
    #expect(roster.map { value($0, "enrollment") } == [.string(enrollments[0]), .string(enrollments[1])])
    #expect(roster.map { value($0, "hoursLeft") } == [.integer(17), .integer(20)])
    #expect(value(shown, "studentsHoldingHours") == .integer(2))
  }

  @Test func theSeqOfARecordIsTheEntryThatRecordedIt() throws {
    let (fixture, _, _, enrollments) = try term()
    let lesson = try fixture.database.recordLesson(
      enrollment: enrollments[0], hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    let refund = try fixture.database.refund(
      enrollment: enrollments[1], hours: "2", reason: "转学", bankRef: "R-1")
    #expect(try fixture.database.seq(of: .lessons, lesson.id) == lesson.seq)
    #expect(try fixture.database.seq(of: .refunds, refund.id) == refund.seq)
    let paid = try fixture.database.seq(of: .enrollments, enrollments[0])
    var kind = ""
    try fixture.database.entries(fromSeq: paid, limit: 1) { kind = $0.kind }
    #expect(kind == "payment")
  }
}

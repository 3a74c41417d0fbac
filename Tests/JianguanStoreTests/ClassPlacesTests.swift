import GRDB
import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

/// The places taken in a class are a count the projector keeps (`classes.places_taken`): the
/// distinct students holding hours there, as the places rule counts them.
@Suite struct ClassPlacesTests {
  /// The stored count, and the count by the places rule's definition, of every class.
  static func counts(_ fixture: StoreFixture) throws -> [String: [Int64]] {
    try fixture.raw().read { db in
      var counts: [String: [Int64]] = [:]
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT c.id, c.places_taken, (SELECT COUNT(DISTINCT e.student) FROM enrollments e
            WHERE e.class = c.id AND e.hours_paid > e.hours_consumed + e.hours_refunded) FROM classes c
          """)
      {
        counts[row[0]] = [row[1], row[2]]
      }
      return counts
    }
  }

  static func placesTaken(_ fixture: StoreFixture, _ classID: String) throws -> Int64 {
    try counts(fixture)[classID]![0]
  }

  @Test(arguments: TestStore.all)
  func theCountFollowsPaymentsRenewalsRefundsAndLessonsAndTheRuleRefusesThePlaceAfterTheLast(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store, now: "2026-03-01T09:00")
    let (_, classID) = try fixture.openClass(capacity: 3)
    let students = try (0..<5).map { _ in try fixture.student() }
    let first = try fixture.pay(
      fixture.paymentForm(student: students[0], classID: classID, hours: "3", amount: "300"))
    let second = try fixture.pay(fixture.paymentForm(student: students[1], classID: classID))
    _ = try fixture.pay(fixture.paymentForm(student: students[2], classID: classID))
    #expect(try Self.placesTaken(fixture, classID) == 3)
    // The (capacity+1)-th student is refused, and nothing is written.
    let before = try fixture.snapshot()
    #expect(
      rejectionCode { _ = try fixture.pay(fixture.paymentForm(student: students[3], classID: classID)) }
        == "class_full")
    #expect(try fixture.snapshot() == before)
    // A renewal takes no new place, even in a full class.
    let renewal = try fixture.pay(
      fixture.paymentForm(student: students[0], classID: classID, hours: "5", amount: "500"))
    #expect(try Self.placesTaken(fixture, classID) == 3)
    // All the hours of the first enrollment consumed: the renewal still holds the place.
    fixture.clock.set("2026-03-07T12:00")
    let lesson = try fixture.database.recordLesson(
      enrollment: first, hours: "3", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try fixture.database.confirmLesson(lesson.id)
    #expect(try Self.placesTaken(fixture, classID) == 3)
    // ... and once it is refunded too, the place is free.
    _ = try fixture.database.refund(enrollment: renewal, hours: nil, reason: "搬家", bankRef: "R-1")
    #expect(try Self.placesTaken(fixture, classID) == 2)
    _ = try fixture.pay(fixture.paymentForm(student: students[3], classID: classID))
    // A part refund keeps the place; the rest frees it.
    _ = try fixture.database.refund(enrollment: second, hours: "5", reason: "搬家", bankRef: "R-2")
    #expect(try Self.placesTaken(fixture, classID) == 3)
    #expect(
      rejectionCode { _ = try fixture.pay(fixture.paymentForm(student: students[4], classID: classID)) }
        == "class_full")
    _ = try fixture.database.refund(enrollment: second, hours: nil, reason: "搬家", bankRef: "R-3")
    _ = try fixture.pay(fixture.paymentForm(student: students[4], classID: classID))
    for (id, count) in try Self.counts(fixture) { #expect(count[0] == count[1], "class \(id)") }
    #expect(try fixture.database.audit().ok)
  }

  /// Random payments and refunds over a few small classes: the kept count always equals the
  /// places rule's count of distinct students holding hours.
  @Test(arguments: TestStore.all) func theKeptCountEqualsTheRuleCountAfterRandomPaymentsAndRefunds(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let classes = try (0..<3).map { _ in try fixture.openClass(capacity: 4).classID }
    let students = try (0..<8).map { _ in try fixture.student() }
    var enrollments: [String] = []
    var generator = SystemRandomNumberGenerator()
    for step in 0..<60 {
      if !enrollments.isEmpty, Bool.random(using: &generator) {
        let enrollment = enrollments.randomElement(using: &generator)!
        _ = try? fixture.database.refund(
          enrollment: enrollment, hours: Bool.random(using: &generator) ? nil : "1", reason: "搬家",
          bankRef: "R-\(step)")
      } else if let recorded = try? fixture.pay(
        fixture.paymentForm(
          student: students.randomElement(using: &generator)!,
          classID: classes.randomElement(using: &generator)!,
          hours: "2", amount: "200"))
      {
        enrollments.append(recorded)
      }
      for (id, count) in try Self.counts(fixture) {
        #expect(count[0] == count[1], "step \(step), class \(id)")
      }
      for (id, count) in try Self.counts(fixture) { #expect(count[0] <= 4, "class \(id) over capacity") }
    }
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func aChangedCountFailsTheAuditNamingTheTable(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass(capacity: 2)
    _ = try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: classID))
    #expect(try fixture.database.audit().ok)
    // Lowered, it would let a third student into a class of two.
    try fixture.tamperCoveringTracks { db in
      try db.execute(sql: "UPDATE classes SET places_taken = 0 WHERE id = ?", arguments: [classID])
    }
    let report = try fixture.database.audit()
    #expect(!report.ok)
    #expect(report.faults.contains { $0.message.contains("classes") && $0.message.contains("places_taken") })
  }
}

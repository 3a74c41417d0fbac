import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

/// `lesson record --class`: one transaction for the whole class, all or nothing.
@Suite struct ClassSessionTests {
  /// A class with `count` students who each paid `hours` hours.
  func classWithStudents(_ count: Int, hours: String = "10") throws -> (
    StoreFixture, String, [String], [String]
  ) {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    var students: [String] = []
    var enrollments: [String] = []
    for _ in 0..<count {
      let student = try fixture.student()
      students.append(student)
      enrollments.append(
        try fixture.pay(
          fixture.paymentForm(student: student, classID: classID, hours: hours, amount: "\(hours)00")))
    }
    return (fixture, classID, students, enrollments)
  }

  func hoursPending(_ fixture: StoreFixture, _ enrollment: String) throws -> Int64 {
    try fixture.database.balance(.enrollment(enrollment)).hoursPending
  }

  @Test func aSessionRecordsOneLessonPerStudentPresentAndNoneForTheAbsent() throws {
    let (fixture, classID, students, enrollments) = try classWithStudents(4)
    let session = try fixture.database.recordClassSession(
      classID: classID, hours: "2", taughtAt: "2026-03-07T09:00", absent: [students[1]], now: StoreFixture.now
    )
    #expect(session.enrollments == [enrollments[0], enrollments[2], enrollments[3]])
    #expect(session.lessons.count == 3 && session.lessons.allSatisfy { !$0.repeated })
    #expect(try hoursPending(fixture, enrollments[1]) == 0, "the absent student is not charged")
    #expect(try hoursPending(fixture, enrollments[0]) == 2)
    #expect(try fixture.database.audit().ok)

    // The same session again is the same lessons: nothing is written.
    let before = try fixture.snapshot()
    let again = try fixture.database.recordClassSession(
      classID: classID, hours: "2", taughtAt: "2026-03-07T09:00", absent: [students[1]], now: StoreFixture.now
    )
    #expect(again.lessons.map(\.id) == session.lessons.map(\.id) && again.lessons.allSatisfy(\.repeated))
    #expect(try fixture.snapshot() == before)
  }

  @Test func oneRefusedEnrollmentRefusesTheWholeSessionAndNamesIt() throws {
    let (fixture, classID, students, enrollments) = try classWithStudents(3)
    // The third student has 1 hour left: a 2-hour session cannot be taught to them.
    _ = try fixture.database.refund(enrollment: enrollments[2], hours: "9", reason: "转学", bankRef: "R-1")
    let before = try fixture.snapshot()
    var refusal: Rejection?
    do {
      _ = try fixture.database.recordClassSession(
        classID: classID, hours: "2", taughtAt: "2026-03-07T09:00", absent: [], now: StoreFixture.now)
    } catch let rejection as Rejection { refusal = rejection }
    #expect(refusal?.code == "lesson_hours_exceed_remaining")
    #expect(
      refusal?.message.contains(enrollments[2]) == true && refusal?.message.contains(students[2]) == true)
    #expect(try fixture.snapshot() == before, "nothing of the session is written")

    // Marked absent, the others are recorded.
    let session = try fixture.database.recordClassSession(
      classID: classID, hours: "2", taughtAt: "2026-03-07T09:00", absent: [students[2]], now: StoreFixture.now
    )
    #expect(session.lessons.count == 2)
  }

  @Test func absentListsAreChecked() throws {
    let (fixture, classID, students, _) = try classWithStudents(2)
    let stranger = try fixture.student()
    let before = try fixture.snapshot()
    func code(_ absent: [String], hours: String = "1") -> String? {
      rejectionCode {
        _ = try fixture.database.recordClassSession(
          classID: classID, hours: hours, taughtAt: "2026-03-07T09:00", absent: absent, now: StoreFixture.now)
      }
    }
    #expect(code([stranger]) == "absent_student_not_in_class")
    #expect(code([students[0], students[0]]) == "absent_student_repeated")
    #expect(code(["7"]) == "student_id_malformed")
    #expect(code(students) == "class_session_without_students")
    #expect(code([], hours: "0") != nil)
    #expect(
      rejectionCode {
        _ = try fixture.database.recordClassSession(
          classID: "B99", hours: "1", taughtAt: "2026-03-07T09:00", absent: [], now: StoreFixture.now)
      } == "class_unknown")
    #expect(try fixture.snapshot() == before)
  }

  @Test func aStudentWithTwoEnrollmentsInTheClassHasOneLessonOfTheEarlier() throws {
    let (fixture, classID, students, enrollments) = try classWithStudents(1, hours: "2")
    let second = try fixture.pay(
      fixture.paymentForm(student: students[0], classID: classID, hours: "5", amount: "500"))
    let first = try fixture.database.recordClassSession(
      classID: classID, hours: "2", taughtAt: "2026-03-07T09:00", absent: [], now: StoreFixture.now)
    #expect(first.enrollments == [enrollments[0]])
    // The earlier enrollment has no hours left: the next session is taught from the second.
    let next = try fixture.database.recordClassSession(
      classID: classID, hours: "1", taughtAt: "2026-03-14T09:00", absent: [], now: StoreFixture.now)
    #expect(next.enrollments == [second])
    // Repeating the first session finds its lesson, and does not charge the second enrollment.
    let repeated = try fixture.database.recordClassSession(
      classID: classID, hours: "2", taughtAt: "2026-03-07T09:00", absent: [], now: StoreFixture.now)
    #expect(repeated.enrollments == [enrollments[0]] && repeated.lessons.allSatisfy(\.repeated))
    #expect(try hoursPending(fixture, second) == 1)
  }

  @Test func aSessionsFileIsOneTransaction() throws {
    let (fixture, classID, students, enrollments) = try classWithStudents(3, hours: "3")
    func importing(_ text: String) throws -> ImportSummary {
      var reader = CSVRecordReader()
      return try fixture.database.importFile(
        .sessions, records: try reader.feed(Array(text.utf8)) + reader.finish(), skipInvalid: false,
        errorLimit: 10, now: StoreFixture.now)
    }
    let header = "class,hours,taught_at,absent\n"
    let before = try fixture.snapshot()
    // The second session asks 3 hours of students who have 1 left after the first: refused.
    let refused = try importing(header + "\(classID),2,2026-03-07T09:00,\n\(classID),3,2026-03-14T09:00,\n")
    #expect(!refused.committed && refused.errors.first?.line == 3 && refused.errors.first?.column == "class")
    #expect(try fixture.snapshot() == before)

    let file =
      header
      + "\(classID),2,2026-03-07T09:00,\n\(classID),1,2026-03-14T09:00,\"\(students[0]),\(students[1])\"\n"
    let done = try importing(file)
    #expect(done.committed && done.added == 2)
    #expect(try hoursPending(fixture, enrollments[2]) == 3 && hoursPending(fixture, enrollments[0]) == 2)
    let again = try importing(file)
    #expect(again.committed && again.added == 0 && again.alreadyThere == 2)
    #expect(try fixture.database.audit().ok)
  }

  /// Property: for random rosters, hours and absences, each student present gains exactly the
  /// session's pending hours, each absent student nothing, and the ledger audits.
  @Test(arguments: [UInt64(1), 2, 3, 4, 5])
  func sessionsChargeExactlyThoseOnTheRoster(seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    let count = Int.random(in: 1...6, using: &random)
    let (fixture, classID, students, enrollments) = try classWithStudents(count, hours: "6")
    var pending = Array(repeating: Int64(0), count: count)
    for week in 0..<3 {
      let absent = students.indices.filter { _ in Bool.random(using: &random) }
      let hours = Int64.random(in: 1...2, using: &random)
      let taughtAt = "2026-03-\(String(format: "%02d", 7 + 7 * week))T09:00"
      let absentStudents = absent.map { students[$0] }
      if absent.count == count {
        #expect(
          rejectionCode {
            _ = try fixture.database.recordClassSession(
              classID: classID, hours: String(hours), taughtAt: taughtAt, absent: absentStudents,
              now: StoreFixture.now)
          } == "class_session_without_students")
        continue
      }
      let session = try fixture.database.recordClassSession(
        classID: classID, hours: String(hours), taughtAt: taughtAt, absent: absentStudents,
        now: StoreFixture.now)
      #expect(session.lessons.count == count - absent.count)
      for index in students.indices where !absent.contains(index) { pending[index] += hours }
    }
    for index in students.indices { #expect(try hoursPending(fixture, enrollments[index]) == pending[index]) }
    #expect(try fixture.database.audit().ok)
  }
}

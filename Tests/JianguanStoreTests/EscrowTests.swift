import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

@Suite struct EscrowTests {
  @Test(arguments: TestStore.all) func lessonsReleaseAfterConfirmationDisputeOrTheWorkingDayWindow(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store, now: "2026-03-01T09:00")
    let (uscc, classID) = try fixture.openClass()
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "3", amount: "100"))
    let database = fixture.database
    fixture.clock.set("2026-03-07T12:00")
    let first = try database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try database.confirmLesson(first.id)
    #expect(try database.balance(.enrollment(enrollment)).releasedFen == 3_333)
    fixture.clock.set("2026-03-14T12:00")
    let disputed = try database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-14T09:00", now: StoreFixture.now)
    _ = try database.disputeLesson(disputed.id, reason: "孩子生病未到")
    #expect(
      rejectionCode { _ = try database.confirmLesson(disputed.id) } == "lesson_disputed_cannot_be_confirmed")
    _ = try database.resolveLesson(disputed.id, release: false, reason: "核实未上课")
    #expect(try database.balance(.enrollment(enrollment)).hoursRemaining == 2)
    // Taught and recorded Saturday 2026-03-21: the 15th working day after it is Friday
    // 2026-04-10 (2026-04-06 is the Qingming holiday Monday).
    fixture.clock.set("2026-03-21T12:00")
    let pending = try database.recordLesson(
      enrollment: enrollment, hours: "2", taughtAt: "2026-03-21T09:00", now: StoreFixture.now)
    fixture.clock.set("2026-04-30T18:00")
    let deemedDay = try StoreFixture.reference.calendar.workingDay(
      15, after: CalendarDate(year: 2026, month: 3, day: 21)!)
    #expect(try database.settle(asOf: deemedDay.adding(days: -1)).released.isEmpty)
    let released = try database.settle(asOf: deemedDay).released
    #expect(released.map(\.id) == [pending.id])
    let balance = try database.balance(.enrollment(enrollment))
    #expect(balance.releasedFen == 10_000 && balance.escrowFen == 0 && balance.hoursConsumed == 3)
    #expect(try database.balance(.institution(uscc)).releasedFen == 10_000)
    #expect(try database.audit().ok)
  }

  @Test(arguments: TestStore.all) func suspendedInstitutionsRecordNoLessonsButRefundsGoOn(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (uscc, classID) = try fixture.openClass()
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "10", amount: "999"))
    _ = try fixture.database.changeInstitutionStatus(uscc: uscc, to: .suspended, reason: "消防隐患")
    let before = try fixture.snapshot()
    #expect(
      rejectionCode {
        _ = try fixture.database.recordLesson(
          enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
      } == "institution_not_active")
    #expect(
      rejectionCode {
        _ = try fixture.database.refund(enrollment: enrollment, hours: "11", reason: "r", bankRef: "X1")
      } == "refund_exceeds_remaining")
    #expect(
      rejectionCode {
        _ = try fixture.database.refund(enrollment: "E9", hours: "1", reason: "r", bankRef: "X2")
      } == "enrollment_unknown")
    #expect(
      rejectionCode {
        _ = try fixture.database.changeInstitutionStatus(uscc: uscc, to: .revoked, reason: "r")
      } == "revoke_with_escrow")
    #expect(try fixture.snapshot() == before)
    _ = try fixture.database.refund(enrollment: enrollment, hours: nil, reason: "停业整顿", bankRef: "X3")
    #expect(try fixture.database.balance(.enrollment(enrollment)).refundedFen == 99_900)
    _ = try fixture.database.changeInstitutionStatus(uscc: uscc, to: .revoked, reason: "取缔")
    #expect(try fixture.database.institution(uscc).status == "revoked")
  }

  @Test(arguments: TestStore.all) func closingRefundsEveryEnrollmentAndRevokesInOneTransaction(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, classID) = try fixture.openClass()
    var enrollments: [String] = []
    for _ in 0..<3 {
      enrollments.append(
        try fixture.pay(
          fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "7", amount: "699.99"))
      )
    }
    _ = try fixture.database.recordLesson(
      enrollment: enrollments[0], hours: "2", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    let recorded = try fixture.database.closeInstitution(
      uscc: uscc, reason: "卷款风险，责令关停", bankRefPrefix: "CLOSE")
    #expect(recorded.count == 5)  // one void, three refunds, the revocation
    let balance = try fixture.database.balance(.institution(uscc))
    #expect(balance.escrowFen == 0 && balance.refundedFen == 209_997 && balance.releasedFen == 0)
    #expect(try fixture.database.institution(uscc).status == "revoked")
    #expect(try fixture.database.audit().ok)
    #expect(
      rejectionCode {
        _ = try fixture.database.closeInstitution(uscc: uscc, reason: "r", bankRefPrefix: "C2")
      } == "institution_already_revoked")
  }
}

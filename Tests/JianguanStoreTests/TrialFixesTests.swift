import Foundation
import GRDB
import JianguanCore
import JianguanStore
import Testing

/// Issue 14, "smaller things the trial met": the risk report's disputes, and the institution's
/// refusal of a refund application kept once the regulator decides.
@Suite struct TrialFixesTests {
  static func at(_ text: String) -> LocalDateTime { try! LocalDateTime.parse(text, field: "test") }

  @Test func aRefundIsNotADisputeButADisputedLessonIs() throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass()
    let database = fixture.database
    var enrollments: [String] = []
    for _ in 0..<2 {
      enrollments.append(
        try fixture.pay(
          fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "4", amount: "400")))
    }
    _ = try database.refund(enrollment: enrollments[0], hours: nil, reason: "搬家", bankRef: "RF-1")
    let asOf = CalendarDate(year: 2026, month: 3, day: 31)!
    #expect(try !database.riskAlerts(asOf: asOf).contains { $0.uscc == uscc && $0.reason == "dispute_share" })
    let lesson = try database.recordLesson(
      enrollment: enrollments[1], hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try database.disputeLesson(lesson.id, reason: "未上课")
    _ = try database.resolveLesson(lesson.id, release: true, reason: "签到记录显示已上课")
    let alert = try #require(
      try database.riskAlerts(asOf: asOf).first { $0.uscc == uscc && $0.reason == "dispute_share" })
    #expect(alert.detail.hasPrefix("1 of 2 enrollments (50%) had a disputed lesson;"), "\(alert.detail)")
  }

  @Test func theInstitutionsRefusalIsKeptWhenTheRegulatorDecides() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    let database = fixture.database
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "10", amount: "1000"))
    let monday = Self.at("2026-03-09T19:00")
    _ = try database.createRefundRequest(enrollment: enrollment, hours: "2", reason: "课程不符", now: monday)
    _ = try database.answerRefundRequest("RA1", agree: false, reason: "已开课不退", today: monday.date)
    _ = try database.escalateRefundRequest("RA1", reason: "机构拒绝", today: monday.date)
    _ = try database.decideRefundRequest("RA1", agree: true, reason: "投诉成立", today: monday.date)
    let view = try database.refundRequest("RA1")
    #expect(view.basis == "regulator" && view.answerReason == "投诉成立")
    #expect(view.refusedReason == "已开课不退" && view.refusedOn == "2026-03-09")
    #expect(try database.audit().ok)
    // (A database from before these columns held a version 1 log, whose JSON entries migration
    // v5 read; such a file is now converted by `upgrade`, which rebuilds every table.)
  }
}

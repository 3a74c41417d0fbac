import Foundation
import GRDB
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// Refund applications, ratings, e-contracts and student histories (issue 7).
@Suite struct ParentFlowTests {
  /// A fixture with one enrollment of `hours` hours for `amount` yuan, paid 2026-02-20 (ref PAY-1).
  func enrolled(hours: String = "10", amount: String = "1000") throws -> (StoreFixture, String, String) {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass()
    let enrollment = try fixture.pay(
      fixture.paymentForm(
        student: try fixture.student(), classID: classID, hours: hours, amount: amount, ref: "PAY-1"))
    return (fixture, uscc, enrollment)
  }

  static func at(_ text: String) -> LocalDateTime { try! LocalDateTime.parse(text, field: "test") }
  static func day(_ text: String) -> CalendarDate { try! CalendarDate.parse(text, field: "test") }

  func entryKinds(_ fixture: StoreFixture) throws -> [String] {
    try fixture.raw().read { db in try String.fetchAll(db, sql: "SELECT kind FROM ledger ORDER BY seq") }
  }

  @Test func eachPaymentIssuesItsContractAndARepeatedPaymentWritesNothing() throws {
    let (fixture, uscc, enrollment) = try enrolled(hours: "3", amount: "100")
    #expect(try entryKinds(fixture).suffix(2) == ["payment", "contract.issued"])
    let contract = try fixture.database.contract(enrollment: enrollment)
    #expect(contract.terms.template == "GF-2021-2604")
    #expect(
      contract.terms.institution == uscc && contract.terms.hours == 3 && contract.terms.amountFen == 10_000)
    #expect(contract.terms.pricePerHourFen == 10_000 && contract.terms.courseName == "篮球")
    #expect(contract.terms.mode == "escrow" && contract.terms.paymentBankRef == "PAY-1")
    #expect(contract.terms.refundAnswerWorkingDays == 5 && contract.terms.confirmationWindowWorkingDays == 15)
    #expect(contract.parentName == "家长" && contract.studentMaskedName == "学*")
    #expect(contract.studentMaskedID.contains("**********") && contract.parentMaskedID.count == 18)
    let before = try fixture.snapshot()
    let klass = contract.terms.classID
    let repeated = try fixture.database.pay(
      fixture.paymentForm(
        student: contract.terms.student, classID: klass, hours: "3", amount: "100", ref: "PAY-1"),
      now: StoreFixture.now)
    #expect(repeated.repeated && repeated.id == enrollment)
    #expect(try fixture.snapshot() == before)
    #expect(
      rejectionCode { _ = try fixture.database.contract(enrollment: "E9") } == "enrollment_unknown")
    #expect(try fixture.database.audit().ok)
  }

  /// The terms are stored once, in the contract's entry (the one after its payment's), which
  /// `contract show` decodes: no table holds them again (the course's name and the escrow account
  /// are together only in the terms).
  @Test func aContractsTermsAreStoredOnlyInItsEntry() throws {
    let (fixture, _, enrollment) = try enrolled(hours: "3", amount: "100")
    let contract = try fixture.database.contract(enrollment: enrollment)
    #expect(!contract.terms.escrowAccount.isEmpty)
    try fixture.raw().read { db in
      let payment = try #require(
        try Int64.fetchOne(db, sql: "SELECT seq FROM enrollments WHERE id = ?", arguments: [enrollment]))
      #expect(contract.seq == payment + 1)
      #expect(
        try String.fetchOne(db, sql: "SELECT kind FROM ledger WHERE seq = ?", arguments: [contract.seq])
          == "contract.issued")
      for table in try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'ledger'")
      {
        for column in try db.columns(in: table).map(\.name) {
          let value = "CAST(\"\(column)\" AS TEXT)"
          let copies = try Int.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM \"\(table)\" WHERE instr(\(value), ?) > 0 AND instr(\(value), ?) > 0",
            arguments: [contract.terms.courseName, contract.terms.escrowAccount])
          #expect(copies == 0, "\(table).\(column) holds the contract's terms again")
        }
      }
    }
  }

  @Test func anAgreedApplicationIsRefundedInTheSameTransactionByThePaymentRoute() throws {
    let (fixture, _, enrollment) = try enrolled()
    let database = fixture.database
    let request = try database.createRefundRequest(
      enrollment: enrollment, hours: "4", reason: "搬家", now: Self.at("2026-03-09T19:00"))
    #expect(request.id == "RA1")
    // Monday 2026-03-09: the 5th working day after it is Monday 2026-03-16.
    let view = try database.refundRequest("RA1")
    #expect(view.answerDue == "2026-03-16" && view.status == "open" && view.paymentBankRef == "PAY-1")
    #expect(try database.balance(.enrollment(enrollment)).hoursReserved == 4)
    #expect(try database.balance(.enrollment(enrollment)).hoursRemaining == 6)
    // The reserved hours cannot be taken by a lesson or another refund meanwhile: lessons of 3
    // and 2 hours take 5 of the 6 unreserved hours; one more hour is all a lesson can still take.
    _ = try database.recordLesson(
      enrollment: enrollment, hours: "3", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try database.recordLesson(
      enrollment: enrollment, hours: "2", taughtAt: "2026-03-08T09:00", now: StoreFixture.now)
    let before = try fixture.snapshot()
    #expect(
      rejectionCode {
        _ = try database.recordLesson(
          enrollment: enrollment, hours: "2", taughtAt: "2026-03-14T09:00", now: StoreFixture.now)
      } == "lesson_hours_exceed_remaining")
    #expect(
      rejectionCode {
        _ = try database.refund(enrollment: enrollment, hours: "7", reason: "r", bankRef: "B-1")
      }
        == "refund_exceeds_remaining")
    #expect(
      rejectionCode {
        _ = try database.createRefundRequest(
          enrollment: enrollment, hours: "7", reason: "r", now: Self.at("2026-03-09T19:00"))
      } == "refund_request_exceeds_remaining")
    #expect(
      rejectionCode {
        _ = try database.refund(enrollment: enrollment, hours: "1", reason: "r", bankRef: "jianguan:RA1")
      }
        == "bank_ref_malformed")
    #expect(try fixture.snapshot() == before)

    let outcome = try database.answerRefundRequest(
      "RA1", agree: true, reason: "同意", today: Self.day("2026-03-16"))
    #expect(outcome.refund?.seq == outcome.answer.seq + 1)
    #expect(outcome.refundedFen == 40_000 && outcome.paymentBankRef == "PAY-1")
    #expect(try entryKinds(fixture).suffix(2) == ["refund-request.agreed", "refund"])
    let balance = try database.balance(.enrollment(enrollment))
    #expect(balance.hoursReserved == 0 && balance.hoursRefunded == 4 && balance.refundedFen == 40_000)
    let refundRef = try fixture.raw().read { db in
      try String.fetchOne(
        db, sql: "SELECT bank_ref FROM refunds WHERE id = ?", arguments: [outcome.refund!.id])
    }
    #expect(refundRef == "jianguan:RA1")
    let settled = try fixture.snapshot()
    #expect(
      rejectionCode {
        _ = try database.answerRefundRequest("RA1", agree: false, reason: "r", today: Self.day("2026-03-16"))
      }
        == "refund_request_agreed_cannot_be_answered")
    #expect(
      rejectionCode {
        _ = try database.escalateRefundRequest("RA1", reason: "r", today: Self.day("2026-03-16"))
      }
        == "refund_request_agreed_cannot_be_escalated")
    #expect(try fixture.snapshot() == settled)
    #expect(try database.audit().ok)
  }

  @Test func anUnansweredApplicationIsDeemedAgreedBySettleAfterFiveWorkingDays() throws {
    let (fixture, _, enrollment) = try enrolled(hours: "3", amount: "100")
    let database = fixture.database
    // Thursday 2026-04-02; 2026-04-06 is the Qingming holiday Monday, so 5 working days end 2026-04-10.
    _ = try database.createRefundRequest(
      enrollment: enrollment, hours: nil, reason: "孩子转学", now: Self.at("2026-04-02T10:00"))
    let view = try database.refundRequest("RA1")
    #expect(view.answerDue == "2026-04-10" && view.hours == 3 && view.allRemaining)
    let before = try fixture.snapshot()
    #expect(
      rejectionCode {
        _ = try database.answerRefundRequest(
          "RA1", agree: false, reason: "不同意", today: Self.day("2026-04-13"))
      }
        == "refund_request_answer_too_late")
    #expect(try fixture.snapshot() == before)
    let onTheDueDay = try database.settle(asOf: Self.day("2026-04-10"))
    #expect(onTheDueDay.refundRequestsDeemedAgreed.isEmpty)
    let after = try database.settle(asOf: Self.day("2026-04-11"))
    #expect(after.refundRequestsDeemedAgreed.map(\.answer.id) == ["RA1"])
    #expect(after.refundRequestsDeemedAgreed.first?.refundedFen == 10_000)
    let balance = try database.balance(.enrollment(enrollment))
    #expect(balance.escrowFen == 0 && balance.refundedFen == 10_000 && balance.hoursRemaining == 0)
    #expect(try database.refundRequest("RA1").basis == "deemed")
    #expect(try database.settle(asOf: Self.day("2026-05-01")).refundRequestsDeemedAgreed.isEmpty)
    #expect(try database.audit().ok)
  }

  @Test func aRefusedApplicationIsEscalatedAndDecidedByTheRegulator() throws {
    let (fixture, _, enrollment) = try enrolled()
    let database = fixture.database
    let monday = Self.at("2026-03-09T19:00")
    _ = try database.createRefundRequest(enrollment: enrollment, hours: "2", reason: "课程不符", now: monday)
    _ = try database.createRefundRequest(enrollment: enrollment, hours: "3", reason: "搬家", now: monday)
    #expect(
      rejectionCode {
        _ = try database.decideRefundRequest("RA1", agree: true, reason: "r", today: monday.date)
      }
        == "refund_request_open_cannot_be_decided")
    let refused = try database.answerRefundRequest("RA1", agree: false, reason: "已开课", today: monday.date)
    #expect(refused.refund == nil && refused.refundedFen == 0)
    #expect(try database.balance(.enrollment(enrollment)).hoursReserved == 3)
    _ = try database.escalateRefundRequest("RA1", reason: "机构拒绝", today: monday.date)
    #expect(try database.balance(.enrollment(enrollment)).hoursReserved == 5)
    let decided = try database.decideRefundRequest("RA1", agree: true, reason: "投诉成立", today: monday.date)
    #expect(decided.refundedFen == 20_000)
    #expect(try database.refundRequest("RA1").basis == "regulator")
    // The regulator's refusal is final.
    _ = try database.answerRefundRequest("RA2", agree: false, reason: "不同意", today: monday.date)
    _ = try database.escalateRefundRequest("RA2", reason: "投诉", today: monday.date)
    _ = try database.decideRefundRequest("RA2", agree: false, reason: "投诉不成立", today: monday.date)
    let before = try fixture.snapshot()
    #expect(
      rejectionCode { _ = try database.escalateRefundRequest("RA2", reason: "r", today: monday.date) }
        == "refund_request_refused_cannot_be_escalated")
    #expect(
      rejectionCode {
        _ = try database.answerRefundRequest("RA9", agree: true, reason: "r", today: monday.date)
      }
        == "refund_request_unknown")
    #expect(
      rejectionCode {
        _ = try database.answerRefundRequest("R1", agree: true, reason: "r", today: monday.date)
      }
        == "refund request_id_malformed")
    #expect(try fixture.snapshot() == before)
    let balance = try database.balance(.enrollment(enrollment))
    #expect(balance.hoursReserved == 0 && balance.hoursRefunded == 2 && balance.hoursRemaining == 8)
    #expect(try database.audit().ok)
  }

  @Test func escalationNeedsTheHoursStillUnconsumed() throws {
    let (fixture, _, enrollment) = try enrolled(hours: "3", amount: "300")
    let database = fixture.database
    _ = try database.createRefundRequest(
      enrollment: enrollment, hours: "3", reason: "r", now: Self.at("2026-03-02T10:00"))
    _ = try database.answerRefundRequest("RA1", agree: false, reason: "不同意", today: Self.day("2026-03-02"))
    _ = try database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    let before = try fixture.snapshot()
    #expect(
      rejectionCode {
        _ = try database.escalateRefundRequest("RA1", reason: "投诉", today: Self.day("2026-03-09"))
      }
        == "refund_request_hours_no_longer_available")
    #expect(try fixture.snapshot() == before)
  }

  @Test func closingAnInstitutionExecutesItsOpenApplications() throws {
    let (fixture, uscc, enrollment) = try enrolled(hours: "10", amount: "999")
    _ = try fixture.database.createRefundRequest(
      enrollment: enrollment, hours: "4", reason: "r", now: Self.at("2026-03-02T10:00"))
    let recorded = try fixture.database.closeInstitution(uscc: uscc, reason: "注销", bankRefPrefix: "CLOSE")
    #expect(recorded.count == 4)  // the agreement, its refund, the refund of the rest, the revocation
    #expect(try fixture.database.refundRequest("RA1").basis == "closure")
    #expect(try fixture.database.balance(.enrollment(enrollment)).refundedFen == 99_900)
    #expect(try fixture.database.audit().ok)
  }

  /// Issue 14.8: closing after a refusal was escalated agrees the escalated application with basis
  /// `closure`; the audit's replay accepted `closure` only for open ones and rejected the ledger.
  @Test func closingAfterAnEscalationExecutesTheEscalatedApplicationAndTheAuditPasses() throws {
    let (fixture, uscc, enrollment) = try enrolled(hours: "10", amount: "1000")
    let database = fixture.database
    let monday = Self.at("2026-03-09T19:00")
    _ = try database.createRefundRequest(enrollment: enrollment, hours: "3", reason: "搬家", now: monday)
    _ = try database.answerRefundRequest("RA1", agree: false, reason: "已开课", today: monday.date)
    _ = try database.escalateRefundRequest("RA1", reason: "机构拒绝", today: monday.date)
    _ = try database.closeInstitution(uscc: uscc, reason: "注销", bankRefPrefix: "CLOSE")
    let request = try database.refundRequest("RA1")
    #expect(request.status == "agreed" && request.basis == "closure" && request.refund == "R1")
    #expect(try database.balance(.enrollment(enrollment)).refundedFen == 100_000)
    let audit = try database.audit()
    #expect(audit.ok, "\(audit.faults)")
  }

  @Test(arguments: TestStore.all) func ratingsOncePerEnrollmentAfterAConfirmedLessonAndTheReport(
    store: TestStore
  ) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, classID) = try fixture.openClass()
    var enrollments: [String] = []
    for _ in 0..<4 {
      let enrollment = try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: classID))
      enrollments.append(enrollment)
    }
    let database = fixture.database
    let today = Self.day("2026-03-09")
    let before = try fixture.snapshot()
    #expect(
      rejectionCode {
        _ = try database.addRating(enrollment: enrollments[0], score: "5", comment: nil, today: today)
      }
        == "rating_before_confirmed_lesson")
    for (index, enrollment) in enrollments.enumerated() {
      let lesson = try database.recordLesson(
        enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
      if index < 3 { _ = try database.confirmLesson(lesson.id) }
    }
    let confirmed = try fixture.snapshot()
    for score in ["0", "6", "-1", "4.5", ""] {
      #expect(
        rejectionCode {
          _ = try database.addRating(enrollment: enrollments[0], score: score, comment: nil, today: today)
        }
          == "rating_score_out_of_range", "score \(score)")
    }
    #expect(
      rejectionCode {
        _ = try database.addRating(enrollment: enrollments[3], score: "5", comment: nil, today: today)
      }
        == "rating_before_confirmed_lesson", "a pending lesson is not a confirmed one")
    #expect(try fixture.snapshot() == confirmed)
    _ = try database.addRating(enrollment: enrollments[0], score: "5", comment: "很好", today: today)
    _ = try database.addRating(enrollment: enrollments[1], score: "4", comment: nil, today: today)
    _ = try database.addRating(enrollment: enrollments[2], score: "4", comment: "一般", today: today)
    let rated = try fixture.snapshot()
    #expect(
      rejectionCode {
        _ = try database.addRating(enrollment: enrollments[0], score: "1", comment: nil, today: today)
      }
        == "rating_already_given")
    #expect(try fixture.snapshot() == rated)
    #expect(before != rated)
    let report = try database.ratingsReport(institution: uscc)
    #expect(report.count == 3 && report.scoreSum == 13)
    #expect(report.averageTenths == 43 && report.averageText == "4.3")  // 13/3 = 4.33…
    #expect(report.distribution == [0, 0, 0, 2, 1])
    #expect(report.ratings.compactMap(\.comment) == ["很好", "一般"])
    #expect(try database.audit().ok)
  }

  @Test func aStudentsHistoryShowsHoursPerEnrollmentAndOpenApplications() throws {
    let (fixture, _, enrollment) = try enrolled()
    let database = fixture.database
    let lesson = try database.recordLesson(
      enrollment: enrollment, hours: "2", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try database.confirmLesson(lesson.id)
    _ = try database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-08T09:00", now: StoreFixture.now)
    _ = try database.refund(enrollment: enrollment, hours: "2", reason: "r", bankRef: "R-1")
    _ = try database.createRefundRequest(
      enrollment: enrollment, hours: "3", reason: "r", now: Self.at("2026-03-09T10:00"))
    let history = try database.studentHistory("S1")
    #expect(history.parent == "P1" && history.maskedID.contains("*"))
    let line = try #require(history.enrollments.first)
    #expect(line.hoursBought == 10 && line.hoursTaught == 2 && line.hoursPending == 1)
    #expect(line.hoursRefunded == 2 && line.hoursReserved == 3 && line.hoursRemaining == 2)
    #expect(history.refundRequests.map(\.status) == ["open"])
    #expect(rejectionCode { _ = try database.studentHistory("S9") } == "student_unknown")
  }

  @Test(arguments: [
    "UPDATE ratings SET score = 5",
    "UPDATE refund_requests SET status = 'agreed'",
    "UPDATE enrollments SET hours_reserved = 0",
    "DELETE FROM ratings",
  ])
  func theAuditFindsTamperedApplicationsRatingsAndReservations(sql: String) throws {
    let (fixture, _, enrollment) = try enrolled()
    let database = fixture.database
    let lesson = try database.recordLesson(
      enrollment: enrollment, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try database.confirmLesson(lesson.id)
    _ = try database.addRating(
      enrollment: enrollment, score: "2", comment: nil, today: Self.day("2026-03-09"))
    _ = try database.createRefundRequest(
      enrollment: enrollment, hours: "3", reason: "r", now: Self.at("2026-03-09T10:00"))
    #expect(try database.audit().ok)
    try fixture.raw().write { db in
      try db.execute(sql: sql)
      #expect(db.changesCount == 1, "\(sql) changed one row")
    }
    #expect(!(try database.audit().ok), "\(sql) is found")
  }

  /// The replay insists that an agreement is followed by its refund and a contract by nothing but
  /// its payment: a log with either entry dropped shows a fault.
  @Test func theReplayNeedsTheRefundRightAfterItsAgreementAndTheContractRightAfterItsPayment() throws {
    let (fixture, _, enrollment) = try enrolled()
    _ = try fixture.database.createRefundRequest(
      enrollment: enrollment, hours: "2", reason: "r", now: Self.at("2026-03-09T10:00"))
    _ = try fixture.database.answerRefundRequest(
      "RA1", agree: true, reason: "ok", today: Self.day("2026-03-10"))
    let events = try fixture.raw().read { db in
      try Data.fetchAll(db, sql: "SELECT entry FROM ledger ORDER BY seq").map { bytes in
        let entry = try Entry.parse([UInt8](bytes))
        return try Event(kind: entry.kind, payload: entry.payload)
      }
    }
    func faults(dropping kind: String) -> [AuditFault] {
      var state = LedgerState()
      var faults: [AuditFault] = []
      var seq: Int64 = 0
      for event in events where event.kind != kind {
        seq += 1
        faults += state.apply(event, seq: seq)
      }
      return faults + state.finalFaults()
    }
    #expect(faults(dropping: "none").isEmpty)
    #expect(
      faults(dropping: "refund").contains { $0.message.contains("agreed but the log ends before its refund") }
    )
    #expect(
      faults(dropping: "payment").contains { $0.message.contains("does not immediately follow its payment") })
  }
}

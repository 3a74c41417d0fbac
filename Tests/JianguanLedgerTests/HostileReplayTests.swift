import Testing

@testable import JianguanLedger

/// An audit reads a ledger nobody vouches for: entries that break the rules must come out as
/// faults, never as a crash of the auditor (the escrow arithmetic's preconditions hold only for
/// entries the writer made).
@Suite struct HostileReplayTests {
  func enrollment(hours: Int64) -> LedgerState {
    var state = LedgerState()
    _ = state.apply(.genesis(Genesis(authority: "a", region: "340100", origin: "o")), seq: 1)
    _ = state.apply(
      .payment(
        Payment(
          enrollment: "E1", bankRef: "PAY1", student: "S1", parent: "P1", classID: "B1", institution: "X",
          hours: hours, amountFen: hours * 100, paidAt: "2026-03-01T10:00:00+08:00",
          postings: Posting.transfer(hours * 100, from: "parent:P1", to: "escrow:E1"))), seq: 2)
    return state
  }

  @Test func releasingOrVoidingALessonOfMoreHoursThanPaidIsAFault() {
    for void in [false, true] {
      var state = enrollment(hours: 10)
      let recorded = state.apply(
        .lessonRecorded(LessonRecorded(lesson: "L1", enrollment: "E1", hours: 50, taughtAt: "t")), seq: 3)
      #expect(!recorded.isEmpty)
      let next: Event =
        void
        ? .lessonVoided(LessonVoided(lesson: "L1", reason: "x"))
        : .lessonReleased(
          LessonReleased(
            lesson: "L1", enrollment: "E1", basis: .confirmed, amountFen: 5_000,
            postings: Posting.transfer(5_000, from: "escrow:E1", to: "institution:X")))
      let faults = state.apply(next, seq: 4)
      #expect(faults.contains { $0.seq == 4 && $0.message.contains("L1") }, "\(faults)")
    }
  }

  @Test func answeringARefundApplicationForNoHoursIsAFault() {
    for (hours, agreed) in [(0, true), (0, false), (-3, true), (11, false)] as [(Int64, Bool)] {
      var state = enrollment(hours: 10)
      _ = state.apply(
        .parentFlow(
          .refundRequestCreated(
            RefundRequestCreated(
              request: "RA1", enrollment: "E1", hours: hours, allRemaining: false, reason: "搬家",
              requestedAt: "2026-03-02T10:00:00+08:00", answerDue: "2026-03-09", paymentBankRef: "PAY1"))),
        seq: 3)
      let answer = RefundRequestAnswer(request: "RA1", basis: .institution, reason: "r", on: "2026-03-03")
      let faults = state.apply(
        .parentFlow(agreed ? .refundRequestAgreed(answer) : .refundRequestRefused(answer)), seq: 4)
      #expect(faults.contains { $0.seq == 4 && $0.message.contains("RA1") }, "\(hours) hours: \(faults)")
    }
  }
}

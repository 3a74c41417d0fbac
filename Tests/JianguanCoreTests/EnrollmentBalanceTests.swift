import JianguanTestSupport
import Testing

@testable import JianguanCore

@Suite struct EnrollmentBalanceTests {
  @Test func eachHourReleasesTheFloorShareAndTheLastHourTheRemainder() {
    var balance = EnrollmentBalance(hoursPaid: 3, amountFen: 100)
    for _ in 0..<3 { try! balance.recordLesson(hours: 1) }
    #expect(balance.releaseLesson(hours: 1) == 33)
    #expect(balance.releaseLesson(hours: 1) == 33)
    #expect(balance.releaseLesson(hours: 1) == 34)
    #expect(balance.escrowFen == 0)
  }

  @Test func refundingAllRemainingHoursReturnsExactlyTheRemainingEscrow() throws {
    var balance = EnrollmentBalance(hoursPaid: 7, amountFen: 100_001)
    try balance.recordLesson(hours: 2)
    balance.releaseLesson(hours: 2)
    let remaining = balance.escrowFen
    #expect(try balance.refund(hours: 5) == remaining)
    #expect(balance.releasedFen + balance.refundedFen == 100_001)
  }

  @Test func pendingHoursCannotBeRefunded() throws {
    var balance = EnrollmentBalance(hoursPaid: 4, amountFen: 400)
    try balance.recordLesson(hours: 3)
    #expect(throws: Rejection.self) { try balance.refund(hours: 2) }
    #expect(try balance.refund(hours: 1) == 100)
    // The pending lesson is now the last: it takes the remainder.
    #expect(balance.releaseLesson(hours: 3) == 300)
  }

  @Test func voidedHoursReturnToTheParent() throws {
    var balance = EnrollmentBalance(hoursPaid: 2, amountFen: 3)
    try balance.recordLesson(hours: 2)
    balance.voidLesson(hours: 2)
    #expect(balance.hoursRemaining == 2)
    #expect(try balance.refund(hours: 2) == 3)
  }

  /// Random lives of enrollments: no fen is lost or created, escrow never goes negative, and
  /// the released and refunded amounts are the floor shares except for the closing hour.
  @Test(arguments: [1, 2, 3, 42, 2026])
  func moneyIsConservedOverRandomHistories(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    for _ in 0..<2_000 {
      let hours = Int64.random(in: 1...60, using: &generator)
      let amount = Int64.random(in: 0...500_000, using: &generator)
      var balance = EnrollmentBalance(hoursPaid: hours, amountFen: amount)
      var pending: [Int64] = []
      var moved: Int64 = 0
      for _ in 0..<40 {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0 where balance.hoursRemaining > 0:
          let lesson = Int64.random(in: 1...balance.hoursRemaining, using: &generator)
          try balance.recordLesson(hours: lesson)
          pending.append(lesson)
        case 1 where !pending.isEmpty:
          let lesson = pending.removeFirst()
          let released = balance.releaseLesson(hours: lesson)
          let closing = balance.hoursConsumed + balance.hoursRefunded == hours
          #expect(closing || released == lesson * (amount / hours))
          moved += released
        case 2 where balance.hoursRemaining > 0:
          let refund = Int64.random(in: 1...balance.hoursRemaining, using: &generator)
          moved += try balance.refund(hours: refund)
        case 3 where !pending.isEmpty:
          balance.voidLesson(hours: pending.removeLast())
        default: break
        }
        #expect(balance.escrowFen >= 0)
        #expect(balance.hoursRemaining >= 0)
        #expect(moved + balance.escrowFen == amount)
      }
      for lesson in pending { moved += balance.releaseLesson(hours: lesson) }
      if balance.hoursRemaining > 0 { moved += try balance.refund(hours: balance.hoursRemaining) }
      #expect(moved == amount, "hours \(hours), amount \(amount)")
      #expect(balance.escrowFen == 0)
    }
  }
}

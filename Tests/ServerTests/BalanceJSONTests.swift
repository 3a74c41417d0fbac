import Foundation
import Hummingbird
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

@testable import JianguanServer

/// The balance written directly is, byte for byte, the canonical JSON with yuan beside fen.
@Suite struct BalanceJSONTests {
  @Test func theDirectBalanceIsTheCanonicalAnswer() {
    var random = SeededGenerator(seed: 1616)
    for round in 0..<300 {
      var summary = BalanceSummary()
      func any() -> Int64 {
        round % 3 == 0
          ? Int64.random(in: Int64.min...Int64.max, using: &random)
          : Int64.random(in: -1000...100_000, using: &random)
      }
      summary.enrollments = any()
      summary.paidFen = any()
      summary.releasedFen = any()
      summary.refundedFen = any()
      summary.escrowFen = any()
      summary.hoursPaid = any()
      summary.hoursConsumed = any()
      summary.hoursRefunded = any()
      summary.hoursPending = any()
      summary.hoursReserved = any()
      summary.hoursRemaining = any()
      let canonical = JSONResponse.withYuan(summary.json).canonicalBytes + [UInt8(ascii: "\n")]
      #expect(Array(JSONResponse.text(summary).utf8) == canonical)
    }
  }
}

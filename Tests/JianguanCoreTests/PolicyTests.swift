import Foundation
import Testing

@testable import JianguanCore

@Suite struct PolicyTests {
  @Test func designDefaults() {
    let policy = Policy()
    #expect(policy.supervisionMode == .escrow)
    #expect(policy.maxHoursPerCharge == 60)
    #expect(policy.maxMonthsPerCharge == 3)
    #expect(policy.maxFenPerCharge == 500_000)
    #expect(policy.earliestCollectionMonthsBeforeStart == 1)
    #expect(policy.confirmationWindowWorkingDays == 15)
    #expect(policy.refundAnswerWorkingDays == 5)
    #expect(policy.offlineLatestEndMinute == 1230)
    #expect(policy.onlineLatestEndMinute == 1260)
    #expect(policy.onlineMaxLessonMinutes == 30)
    #expect(policy.onlineMinGapMinutes == 10)
    #expect(policy.guidedPriceMarkupPercent == 10)
    #expect(policy.guidedPrices.isEmpty)
    #expect(policy.riskEscrowMonthsOfLessons == 6)
    #expect(policy.riskDisputeSharePercent == 20)
    #expect(policy.riskComplaintsDays == 30)
    #expect(policy.riskLicenceExpiryDays == 30)
  }

  @Test func everyFieldIsInTheJSONTable() throws {
    // The Codable keys and the policy.json keys must be the same set, so no rule is unreadable.
    let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Policy())) as? [String: Any]
    #expect(Set(encoded?.keys.map { $0 } ?? []) == Set(PolicyField.all().map(\.name)))
  }

  @Test func codableRoundTrip() throws {
    var policy = Policy()
    policy.supervisionMode = .reserve
    policy.guidedPrices = [GuidedPrice(classSize: .over35, delivery: .online, baseFenPerHour: 1500)]
    let decoded = try JSONDecoder().decode(Policy.self, from: JSONEncoder().encode(policy))
    #expect(decoded == policy)
    #expect(decoded != Policy())
  }
}

import Testing

@testable import JianguanCore

@Suite struct PolicyBookTests {
  static let minimal = """
    {"defaults": {"supervisionMode": "escrow", "maxHoursPerCharge": 60, "maxMonthsPerCharge": 3,
    "maxFenPerCharge": 500000, "earliestCollectionMonthsBeforeStart": 1, "confirmationWindowWorkingDays": 15,
    "refundAnswerWorkingDays": 5, "offlineLatestEndMinute": 1230, "onlineLatestEndMinute": 1260,
    "onlineMaxLessonMinutes": 30, "onlineMinGapMinutes": 10, "guidedPriceMarkupPercent": 10, "guidedPrices": [],
    "schoolDayStartMinute": 480, "schoolDayEndMinute": 1050,
    "vacations": [{"name": "winter", "from": "01-20", "to": "02-20"}, {"name": "summer", "from": "07-10", "to": "08-31"}],
    "riskEscrowMonthsOfLessons": 6, "riskDisputeSharePercent": 20, "riskComplaintsDays": 30,
    "riskLicenceExpiryDays": 30}
    REGIONS}
    """

  func book(_ regions: String) throws -> PolicyBook {
    try PolicyBook.parse(
      json: Array(PolicyBookTests.minimal.replacingOccurrences(of: "REGIONS", with: regions).utf8))
  }

  @Test func realFileHasTheDesignDefaults() throws {
    let book = try PolicyBook.parse(json: Array(try TestSupport.dataText("policy.json").utf8))
    #expect(book.defaults == Policy())
    #expect(book.defaults.maxFenPerCharge == 500_000)
    #expect(book.defaults.offlineLatestEndMinute == 1230)
    #expect(book.unknownRegionCodes(in: TestSupport.regions).isEmpty)
    let shushan = book.policy(for: "340104", regions: TestSupport.regions)
    #expect(shushan.guidedPrice(classSize: .from10To35, delivery: .offline) != nil)
    #expect(shushan.confirmationWindowWorkingDays == 15)
    #expect(book.policy(for: "320102", regions: TestSupport.regions).confirmationWindowWorkingDays == 7)
    #expect(book.policy(for: "460100", regions: nil).supervisionMode == .reserve)
    #expect(book.policy(for: "110101", regions: TestSupport.regions) == Policy())
  }

  @Test func layersProvincePrefectureCounty() throws {
    let book = try book(
      """
      , "regions": {
        "340000": {"maxHoursPerCharge": 40, "onlineMinGapMinutes": 15},
        "340100": {"maxHoursPerCharge": 30, "guidedPrices": [
          {"classSize": "under10", "delivery": "offline", "baseFenPerHour": 8000}]},
        "340104": {"onlineMinGapMinutes": 20, "_note": "a note"},
        "429004": {"maxMonthsPerCharge": 2}
      }
      """)
    let regions = TestSupport.regions
    let county = book.policy(for: "340104", regions: regions)
    #expect(county.maxHoursPerCharge == 30)  // prefecture over province
    #expect(county.onlineMinGapMinutes == 20)  // county over province
    #expect(county.guidedPrices.count == 1)
    #expect(county.maxMonthsPerCharge == 3)  // default
    let sibling = book.policy(for: "340102", regions: regions)
    #expect(sibling.onlineMinGapMinutes == 15 && sibling.maxHoursPerCharge == 30)
    let otherCity = book.policy(for: "340200", regions: regions)
    #expect(otherCity.maxHoursPerCharge == 40 && otherCity.guidedPrices.isEmpty)
    #expect(book.policy(for: "320000", regions: regions) == Policy())
    // Without a table (or for a retired code) the chain comes from the digits.
    #expect(book.policy(for: "340104", regions: nil) == county)
    #expect(book.policy(for: "340199", regions: regions).maxHoursPerCharge == 30)
    #expect(book.policy(for: "429004", regions: regions).maxMonthsPerCharge == 2)
    #expect(book.overriddenRegionCodes == ["340000", "340100", "340104", "429004"])
    #expect(book.unknownRegionCodes(in: regions).isEmpty)
  }

  @Test func refusesTyposAndBadValues() throws {
    let cases: [(String, String)] = [
      (#", "regions": {"340100": {"maxHourPerCharge": 30}}"#, "policy_unknown_key"),
      (#", "region": {}"#, "policy_unknown_key"),
      (#", "regions": {"34010": {}}"#, "policy_bad_region_code"),
      (#", "regions": {"340100": {"maxHoursPerCharge": 0}}"#, "policy_bad_value"),
      (#", "regions": {"340100": {"maxHoursPerCharge": 30.5}}"#, "policy_bad_value"),
      (#", "regions": {"340100": {"maxHoursPerCharge": "30"}}"#, "policy_bad_value"),
      (#", "regions": {"340100": {"supervisionMode": "trust"}}"#, "policy_bad_value"),
      (#", "regions": {"340100": {"guidedPriceMarkupPercent": 101}}"#, "policy_bad_value"),
      (
        #", "regions": {"340100": {"guidedPrices": [{"classSize": "small", "delivery": "offline", "baseFenPerHour": 1}]}}"#,
        "policy_bad_value"
      ),
      (
        #", "regions": {"340100": {"guidedPrices": [{"classSize": "under10", "delivery": "offline"}]}}"#,
        "policy_bad_value"
      ),
      (
        #", "regions": {"340100": {"guidedPrices": [{"classSize": "under10", "delivery": "offline", "baseFenPerHour": 1, "extra": 2}]}}"#,
        "policy_bad_value"
      ),
      (
        #", "regions": {"340100": {"guidedPrices": [{"classSize": "under10", "delivery": "offline", "baseFenPerHour": 1}, {"classSize": "under10", "delivery": "offline", "baseFenPerHour": 2}]}}"#,
        "policy_bad_value"
      ),
      (
        #", "regions": {"340100": {"maxHoursPerCharge": 30, "maxHoursPerCharge": 31}}"#, "policy_json_invalid"
      ),
      (#", "regions": []"#, "policy_bad_value"),
      (#", "version": 2"#, "policy_bad_value"),
    ]
    for (regions, code) in cases {
      #expect(TestSupport.rejectionCode { _ = try book(regions) } == code, "\(regions)")
    }
    let typo = TestSupport.rejection { _ = try book(#", "regions": {"340100": {"maxHourPerCharge": 30}}"#) }
    #expect(typo?.message.contains("\"maxHourPerCharge\"") == true)
  }

  @Test func defaultsMustBeComplete() {
    let partial = #"{"defaults": {"supervisionMode": "escrow"}}"#
    #expect(
      TestSupport.rejectionCode { _ = try PolicyBook.parse(json: Array(partial.utf8)) }
        == "policy_missing_key")
    #expect(
      TestSupport.rejectionCode { _ = try PolicyBook.parse(json: Array("[]".utf8)) } == "policy_bad_value")
    #expect(
      TestSupport.rejectionCode { _ = try PolicyBook.parse(json: Array("{".utf8)) } == "policy_json_invalid")
    let huge = [UInt8](repeating: 0x20, count: PolicyBook.maxBytes + 1)
    #expect(TestSupport.rejectionCode { _ = try PolicyBook.parse(json: huge) } == "policy_json_invalid")
  }

  @Test func bookWithoutFileUsesDefaults() {
    #expect(PolicyBook().policy(for: "340104", regions: nil) == Policy.defaults)
  }
}

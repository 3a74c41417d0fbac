import Testing

@testable import JianguanCore

@Suite struct DeliveryTests {
  @Test func parses() throws {
    #expect(try Delivery.parse("online", field: "delivery") == .online)
    #expect(try Delivery.parse("线下", field: "delivery") == .offline)
    for text in ["Online", "", "hybrid"] {
      #expect(
        TestSupport.rejectionCode { _ = try Delivery.parse(text, field: "delivery") } == "delivery_unknown")
    }
  }
}

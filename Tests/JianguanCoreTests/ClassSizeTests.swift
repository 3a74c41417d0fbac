import Testing

@testable import JianguanCore

@Suite struct ClassSizeTests {
  @Test func bandsByCapacity() {
    #expect(ClassSize.forCapacity(1) == .under10)
    #expect(ClassSize.forCapacity(9) == .under10)
    #expect(ClassSize.forCapacity(10) == .from10To35)
    #expect(ClassSize.forCapacity(35) == .from10To35)
    #expect(ClassSize.forCapacity(36) == .over35)
  }

  @Test func parses() throws {
    #expect(try ClassSize.parse("10to35", field: "size") == .from10To35)
    #expect(
      TestSupport.rejectionCode { _ = try ClassSize.parse("10-35", field: "size") } == "class_size_unknown")
  }
}

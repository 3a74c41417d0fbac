import Testing

@testable import JianguanCore

@Suite struct NonSubjectCategoryTests {
  @Test func parses() throws {
    #expect(NonSubjectCategory.allCases.map(\.rawValue) == ["体育", "文化艺术", "科技", "其他"])
    for category in NonSubjectCategory.allCases {
      #expect(try NonSubjectCategory.parse(category.rawValue, field: "category") == category)
      #expect(try NonSubjectCategory.parse("\(category)", field: "category") == category)
    }
    #expect(try NonSubjectCategory.parse("Sports", field: "category") == .sports)
  }

  @Test func refusesSubjectsAndUnknown() {
    for text in ["数学", "", "艺术", "sport"] {
      #expect(
        TestSupport.rejectionCode { _ = try NonSubjectCategory.parse(text, field: "category") }
          == "non_subject_category_unknown")
    }
  }
}

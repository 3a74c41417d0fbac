import Testing

@testable import JianguanCore

@Suite struct SubjectTests {
  @Test func hasTheNineSubjects() {
    #expect(Subject.allCases.map(\.rawValue) == ["道德与法治", "语文", "历史", "地理", "数学", "外语", "物理", "化学", "生物"])
  }

  @Test func parsesNamesAndAliases() throws {
    for subject in Subject.allCases {
      #expect(try Subject.parse(subject.rawValue, field: "subject") == subject)
      #expect(try Subject.parse("\(subject)".uppercased(), field: "subject") == subject)
    }
    #expect(try Subject.parse("英语", field: "subject") == .foreignLanguage)
    #expect(try Subject.parse("English", field: "subject") == .foreignLanguage)
  }

  @Test func refusesOthers() {
    for text in ["音乐", "", "数学 ", "math", "体育", String(repeating: "数", count: 100)] {
      #expect(
        TestSupport.rejectionCode { _ = try Subject.parse(text, field: "subject") } == "subject_unknown")
    }
    let rejection = TestSupport.rejection { _ = try Subject.parse("音乐", field: "subject") }
    #expect(rejection?.message.hasPrefix("subject \"音乐\" is not a 学科类 subject") == true)
  }
}

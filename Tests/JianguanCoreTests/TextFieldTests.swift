import JianguanCore
import Testing

/// The one rule for free text bound for the ledger (issue 14.11).
@Suite struct TextFieldTests {
  @Test(arguments: [
    "家长电话13800138000", "手机 138 0013 8000", "手机138-0013-8000", "身份证11010519491231002X",
    "身份证 110105 19491231 002X", "座机5512345", "全角１３８００１３８０００", "身份证 110105-19491231-0021",
  ])
  func phoneAndIDNumbersAreRefused(text: String) {
    #expect(throws: Rejection.self) { _ = try TextField.validateForLedger(text, field: "reason") }
    do {
      _ = try TextField.validateForLedger(text, field: "reason")
    } catch let rejection as Rejection {
      #expect(rejection.code == "personal_data_in_text")
      #expect(rejection.message.hasPrefix("reason contains digits") && !rejection.message.contains("0013"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test(arguments: [
    "2026-03-07 未上课", "2026-03-07 2026-03-08 两次课", "退 3 课时，共 2999.99 元", "第 1-2 课时", "09:00-10:00",
    "合肥市蜀山区长江西路1号", "编号 123456",
  ])
  func datesAmountsAndShortNumbersPass(text: String) throws {
    #expect(try TextField.validateForLedger(text, field: "reason") == text)
  }

  /// A person's name is refused by the same rules, and the refusal never quotes it; other text
  /// is quoted, so that the user sees what was refused.
  @Test(arguments: [
    (" 欧阳明月", "name_has_surrounding_blanks"), (String(repeating: "欧阳明月", count: 13), "name_too_long"),
    ("欧阳\u{202E}明月", "name_has_control_character"),
  ])
  func aPersonalFieldIsRefusedWithoutBeingQuoted(text: String, code: String) throws {
    let personal = try #require(throws: Rejection.self) {
      try TextField.validate(text, field: "name", maxLength: 50, personal: true)
    }
    #expect(personal.code == code && personal.message.hasPrefix("name ") && !personal.message.contains("明月"))
    let other = try #require(throws: Rejection.self) {
      try TextField.validate(text, field: "name", maxLength: 50)
    }
    #expect(other.code == code && other.message.contains("明月"))
  }
}

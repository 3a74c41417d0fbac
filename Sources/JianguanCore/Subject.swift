/// The nine subjects of 学科类 (academic) training under the Double Reduction rules.
public enum Subject: String, CaseIterable, Sendable, Codable {
  /// 道德与法治
  case moralityAndLaw = "道德与法治"
  /// 语文
  case chinese = "语文"
  /// 历史
  case history = "历史"
  /// 地理
  case geography = "地理"
  /// 数学
  case mathematics = "数学"
  /// 外语 (英语 is accepted as this)
  case foreignLanguage = "外语"
  /// 物理
  case physics = "物理"
  /// 化学
  case chemistry = "化学"
  /// 生物
  case biology = "生物"

  /// Parses the Chinese name (or 英语 for 外语), or the English case name (case-insensitive,
  /// "english" for 外语).
  public static func parse(_ text: String, field: String) throws -> Subject {
    if let subject = Subject(rawValue: text) { return subject }
    if text == "英语" { return .foreignLanguage }
    if text.utf8.count <= 20 {
      let lower = text.lowercased()
      if lower == "english" { return .foreignLanguage }
      if let subject = allCases.first(where: { "\($0)".lowercased() == lower }) { return subject }
    }
    throw Rejection(
      "subject_unknown",
      "\(field) \(Rejection.quote(text)) is not a 学科类 subject (\(allCases.map(\.rawValue).joined(separator: "、")))"
    )
  }
}

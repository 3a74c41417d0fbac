/// The categories of 非学科类 (non-academic) training, each supervised by its own department.
public enum NonSubjectCategory: String, CaseIterable, Sendable, Codable {
  /// 体育: sports (体育部门).
  case sports = "体育"
  /// 文化艺术: culture and arts (文化和旅游部门).
  case cultureAndArts = "文化艺术"
  /// 科技: science and technology (科技部门).
  case scienceAndTechnology = "科技"
  /// 其他: anything else.
  case other = "其他"

  /// Parses the Chinese name, or the English case name (case-insensitive).
  public static func parse(_ text: String, field: String) throws -> NonSubjectCategory {
    if let category = NonSubjectCategory(rawValue: text) { return category }
    if text.utf8.count <= 30 {
      let lower = text.lowercased()
      if let category = allCases.first(where: { "\($0)".lowercased() == lower }) { return category }
    }
    throw Rejection(
      "non_subject_category_unknown",
      "\(field) \(Rejection.quote(text)) is not a non-subject category "
        + "(\(allCases.map(\.rawValue).joined(separator: "、")))")
  }
}

/// The class-size bands of the guided-price notices: fewer than 10, 10 to 35, more than 35.
public enum ClassSize: String, CaseIterable, Sendable, Codable {
  /// Fewer than 10 students.
  case under10
  /// 10 to 35 students.
  case from10To35 = "10to35"
  /// More than 35 students.
  case over35

  /// The band of a class with room for `capacity` students.
  public static func forCapacity(_ capacity: Int64) -> ClassSize {
    capacity < 10 ? .under10 : capacity <= 35 ? .from10To35 : .over35
  }

  /// Parses "under10", "10to35" or "over35".
  public static func parse(_ text: String, field: String) throws -> ClassSize {
    guard let size = ClassSize(rawValue: text) else {
      throw Rejection(
        "class_size_unknown", "\(field) \(Rejection.quote(text)) is not one of under10, 10to35, over35")
    }
    return size
  }

  /// Words for messages: "fewer than 10 students", "10 to 35 students", "more than 35 students".
  public var label: String {
    switch self {
    case .under10: return "fewer than 10 students"
    case .from10To35: return "10 to 35 students"
    case .over35: return "more than 35 students"
    }
  }
}

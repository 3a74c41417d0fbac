/// How a class is taught.
public enum Delivery: String, CaseIterable, Sendable, Codable {
  /// 线上: over the internet.
  case online
  /// 线下: in a venue.
  case offline

  /// Parses "online"/"offline" (or 线上/线下).
  public static func parse(_ text: String, field: String) throws -> Delivery {
    switch text {
    case "online", "线上": return .online
    case "offline", "线下": return .offline
    default:
      throw Rejection("delivery_unknown", "\(field) \(Rejection.quote(text)) is neither online nor offline")
    }
  }
}

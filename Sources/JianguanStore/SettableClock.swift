import Foundation
import JianguanCore

/// A clock that someone sets, for a story told in time order (the demo) or a test: the database
/// dates its entries by `now`, which only its owner moves (entry times never go backwards).
public final class SettableClock: @unchecked Sendable {
  private let lock = NSLock()
  private var current: LocalDateTime

  /// A clock at `text` (YYYY-MM-DDTHH:MM, China time); a malformed text is a programmer error.
  public init(_ text: String) { current = Self.parse(text) }

  public var now: LocalDateTime {
    get {
      lock.lock()
      defer { lock.unlock() }
      return current
    }
    set {
      lock.lock()
      defer { lock.unlock() }
      current = newValue
    }
  }

  /// Sets the clock to `text` (YYYY-MM-DDTHH:MM, China time).
  public func set(_ text: String) { now = Self.parse(text) }

  /// The clock as `AppDatabase` takes it.
  public var reading: @Sendable () -> LocalDateTime { { [self] in now } }

  private static func parse(_ text: String) -> LocalDateTime {
    guard let moment = try? LocalDateTime.parse(text, field: "clock") else {
      preconditionFailure("clock text \(text) is not YYYY-MM-DDTHH:MM")
    }
    return moment
  }
}

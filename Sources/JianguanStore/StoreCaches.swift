import Foundation
import JianguanCore

/// A value read from the ledger, kept while the ledger's key for it (the seq and hash of the
/// entry it comes from) stays the same.
final class LedgerCache<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var key: [UInt8]?
  private var cached: Value?

  func value(for key: [UInt8]) -> Value? {
    lock.lock()
    defer { lock.unlock() }
    return self.key == key ? cached : nil
  }

  func store(_ value: Value, for key: [UInt8]) {
    lock.lock()
    defer { lock.unlock() }
    self.key = key
    cached = value
  }
}

/// Class schedules parsed once per text: every payment and lesson reads its class's schedule,
/// and a city has a few thousand classes against millions of payments.
final class ScheduleCache: @unchecked Sendable {
  private let lock = NSLock()
  private var parsed: [String: Schedule] = [:]

  func schedule(_ text: String) throws -> Schedule {
    lock.lock()
    defer { lock.unlock() }
    if let schedule = parsed[text] { return schedule }
    let schedule = try Schedule.parse(text, field: "schedule")
    if parsed.count >= 100_000 { parsed.removeAll(keepingCapacity: true) }
    parsed[text] = schedule
    return schedule
  }
}

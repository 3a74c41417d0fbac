import Foundation

/// A token bucket per credential: `requestsPerSecond` on average, bursts up to `burst`.
public final class RateLimiter: @unchecked Sendable {
  public let requestsPerSecond: Int
  let burst: Int
  private let lock = NSLock()
  private var buckets: [String: (tokens: Double, updatedNanoseconds: UInt64)] = [:]

  public init(requestsPerSecond: Int, burst: Int? = nil) {
    self.requestsPerSecond = requestsPerSecond
    self.burst = burst ?? requestsPerSecond * 2
  }

  /// nil when the request may go on; else the whole seconds to wait.
  func admit(_ credential: String, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    var bucket = buckets[credential] ?? (Double(burst), now)
    let refill = Double(now &- bucket.updatedNanoseconds) / 1e9 * Double(requestsPerSecond)
    bucket = (min(Double(burst), bucket.tokens + refill), now)
    guard bucket.tokens >= 1 else {
      buckets[credential] = bucket
      return max(1, Int(((1 - bucket.tokens) / Double(requestsPerSecond)).rounded(.up)))
    }
    bucket.tokens -= 1
    buckets[credential] = bucket
    return nil
  }
}

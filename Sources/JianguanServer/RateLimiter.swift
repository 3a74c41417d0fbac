import Foundation

/// A token bucket per credential: `requestsPerSecond` on average, bursts up to `burst`.
public final class RateLimiter: @unchecked Sendable {
  public let requestsPerSecond: Double
  let burst: Int
  private let lock = NSLock()
  private var buckets: [String: (tokens: Double, updatedNanoseconds: UInt64)] = [:]

  public init(requestsPerSecond: Double, burst: Int? = nil) {
    self.requestsPerSecond = requestsPerSecond
    self.burst = max(1, burst ?? Int(requestsPerSecond * 2))
  }

  /// The rate as a sentence says it: "2000", or "0.5" when it is not whole.
  var rateText: String {
    requestsPerSecond == requestsPerSecond.rounded()
      ? String(Int(requestsPerSecond)) : String(requestsPerSecond)
  }

  /// nil when the request may go on; else the whole seconds to wait.
  func admit(_ credential: String, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    var bucket = buckets[credential] ?? (Double(burst), now)
    let refill = Double(now &- bucket.updatedNanoseconds) / 1e9 * requestsPerSecond
    bucket = (min(Double(burst), bucket.tokens + refill), now)
    guard bucket.tokens >= 1 else {
      buckets[credential] = bucket
      return max(1, Int(min(86_400, ((1 - bucket.tokens) / requestsPerSecond).rounded(.up))))
    }
    bucket.tokens -= 1
    buckets[credential] = bucket
    return nil
  }
}

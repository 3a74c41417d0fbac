import Foundation
import Metrics
import Prometheus

/// Request counts and durations by route pattern, method and status, in Prometheus text. The
/// registry is the server's own (not the process-wide metrics system), so that tests can start
/// many servers in one process.
public final class ServerMetrics: @unchecked Sendable {
  private let registry = PrometheusCollectorRegistry()
  private let factory: PrometheusMetricsFactory
  private let lock = NSLock()
  private var series: [String: (counter: Metrics.Counter, timer: Metrics.Timer)] = [:]

  public init() {
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.defaultDurationHistogramBuckets = [
      .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
      .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(500),
      .seconds(1), .seconds(5),
    ]
    self.factory = factory
  }

  func record(route: String, method: String, status: Int, nanoseconds: UInt64) {
    let key = "\(route) \(method) \(status)"
    lock.lock()
    let metrics: (counter: Metrics.Counter, timer: Metrics.Timer)
    if let existing = series[key] {
      metrics = existing
    } else {
      let dimensions = [("route", route), ("method", method), ("status", String(status))]
      metrics = (
        Metrics.Counter(label: "jianguan_http_requests_total", dimensions: dimensions, factory: factory),
        Metrics.Timer(
          label: "jianguan_http_request_duration_seconds", dimensions: dimensions, factory: factory)
      )
      series[key] = metrics
    }
    lock.unlock()
    metrics.counter.increment()
    metrics.timer.recordNanoseconds(Int64(clamping: nanoseconds))
  }

  /// Every series in the Prometheus text exposition format.
  public func text() -> [UInt8] { registry.emitToBuffer() }
}

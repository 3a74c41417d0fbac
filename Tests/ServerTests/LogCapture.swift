import Foundation
import Logging

/// Every line a logger was given, with its metadata, at every level: what a log file would hold.
final class LogCapture: @unchecked Sendable {
  private let lock = NSLock()
  private var captured: [String] = []

  var lines: [String] {
    lock.lock()
    defer { lock.unlock() }
    return captured
  }

  /// A logger at trace level writing here.
  var logger: Logger {
    var logger = Logger(label: "jianguan-capture") { _ in Handler(capture: self) }
    logger.logLevel = .trace
    return logger
  }

  fileprivate func append(_ line: String) {
    lock.lock()
    defer { lock.unlock() }
    captured.append(line)
  }

  private struct Handler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      let all = metadata.merging(event.metadata ?? [:]) { $1 }
      capture.append(
        "\(event.level) \(event.message) "
          + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
          + (event.error.map { " error=\($0)" } ?? ""))
    }
  }
}

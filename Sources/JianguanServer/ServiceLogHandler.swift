import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The service's log lines on standard error, in `StreamLogHandler`'s format (`2026-12-07T06:54:09+0800
/// info jianguan: key=value … [JianguanServer] request`), written cheaply: the service writes one
/// per request. `StreamLogHandler` formats its timestamp with `localtime`, which looks at
/// /etc/localtime again on every call (a `stat` per line), sorts and joins the metadata again
/// whenever one key is set (the HTTP server sets the request id on every request), and goes
/// through stdio's lock; this handler keeps the second's timestamp, formats the metadata only
/// when a line is written, and writes each line with one `write`.
public struct ServiceLogHandler: LogHandler {
  public var logLevel: Logger.Level = .info
  public var metadata = Logger.Metadata()
  public var metadataProvider: Logger.MetadataProvider?
  private let label: String
  private let output: @Sendable ([UInt8]) -> Void

  /// Lines to standard error.
  public static func standardError(label: String) -> ServiceLogHandler {
    ServiceLogHandler(
      label: label, metadataProvider: LoggingSystem.metadataProvider, output: writeToStandardError)
  }

  /// Lines to `output`, one call a line (for tests).
  init(
    label: String, metadataProvider: Logger.MetadataProvider? = nil,
    clock: LogClock = LogClock(), output: @escaping @Sendable ([UInt8]) -> Void
  ) {
    self.label = label
    self.metadataProvider = metadataProvider
    self.clock = clock
    self.output = output
  }

  private let clock: LogClock

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var all = metadata
    if let provided = metadataProvider?.get(), !provided.isEmpty {
      all.merge(provided) { _, provided in provided }
    }
    if let explicit = event.metadata, !explicit.isEmpty {
      all.merge(explicit) { _, explicit in explicit }
    }
    if let error = event.error {
      all["error.message"] = "\(error)"
      all["error.type"] = "\(String(reflecting: type(of: error)))"
    }
    var line = clock.timestamp()
    line += " \(event.level)"
    if !label.isEmpty { line += " " + label }
    line += ":"
    for (key, value) in all.sorted(by: { $0.key < $1.key }) {
      line += " " + key + "=" + value.description
    }
    line += " [" + event.source + "] " + event.message.description + "\n"
    output(Array(line.utf8))
  }

  /// Writes all of `bytes` to standard error with as few `write` calls as the kernel allows.
  static let writeToStandardError: @Sendable ([UInt8]) -> Void = { bytes in
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
        if written > 0 {
          offset += written
        } else if written < 0 && errno == EINTR {
          continue
        } else {
          return
        }
      }
    }
  }
}

/// The local time of the current second as `StreamLogHandler` writes it (`%Y-%m-%dT%H:%M:%S%z`),
/// formatted once a second.
final class LogClock: @unchecked Sendable {
  private let lock = NSLock()
  private var second: time_t = -1
  private var text = ""
  private let now: @Sendable () -> time_t

  init(now: @escaping @Sendable () -> time_t = { time(nil) }) { self.now = now }

  func timestamp() -> String {
    let current = now()
    lock.lock()
    defer { lock.unlock() }
    if current != second {
      second = current
      text = Self.format(current)
    }
    return text
  }

  static func format(_ seconds: time_t) -> String {
    var seconds = seconds
    var local = tm()
    guard localtime_r(&seconds, &local) != nil else { return "<unknown>" }
    var buffer = [Int8](repeating: 0, count: 64)
    let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

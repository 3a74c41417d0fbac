import Foundation
import Logging
import Testing

@testable import JianguanServer

/// The service's log handler writes `StreamLogHandler`'s lines, byte for byte, one `write` a line.
@Suite struct ServiceLogHandlerTests {
  /// What `StreamLogHandler` writes, captured.
  final class Captured: TextOutputStream, @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func write(_ string: String) { lock.withLock { text += string } }
    var lines: [String] { lock.withLock { text.split(separator: "\n").map(String.init) } }
  }

  final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[UInt8]] = []
    func append(_ bytes: [UInt8]) { lock.withLock { chunks.append(bytes) } }
    var all: [[UInt8]] { lock.withLock { chunks } }
  }

  @Test func aLineIsStreamLogHandlersLine() throws {
    let stream = Captured()
    let lines = Lines()
    // A second that does not move while the test runs: both handlers write the same timestamp.
    let second = time(nil)
    var reference = Logger(label: "jianguan") { label in
      StreamLogHandler(label: label, stream: stream, metadataProvider: nil)
    }
    var ours = Logger(label: "jianguan") { label in
      ServiceLogHandler(label: label, clock: LogClock(now: { second }), output: { lines.append($0) })
    }
    for logger in [reference, ours] { #expect(logger.logLevel == .info) }
    reference[metadataKey: "hb.request.id"] = "3f2a"
    ours[metadataKey: "hb.request.id"] = "3f2a"
    let metadata: Logger.Metadata = [
      "method": "GET", "route": "/v1/balance", "status": .stringConvertible(200), "duration_ms": "1.234",
      "credential": "C7", "list": ["a", "b"], "map": ["k": "v"],
    ]
    reference.info("request", metadata: metadata)
    ours.info("request", metadata: metadata)
    reference.debug("not written")
    ours.debug("not written")
    reference.error("database failure", metadata: ["code": "database_failure"])
    ours.error("database failure", metadata: ["code": "database_failure"])
    let written = lines.all
    #expect(written.count == 2)
    let expected = stream.lines.map { line in
      // StreamLogHandler's own timestamp is of the second it wrote in; ours is `second`'s.
      LogClock.format(second) + line.drop { $0 != " " }
    }
    #expect(written.map { String(decoding: $0, as: UTF8.self) } == expected.map { $0 + "\n" })
    #expect(stream.lines.first.map { String($0.prefix { $0 != " " }).count } == LogClock.format(second).count)
  }

  /// The timestamp is formatted again when the second changes, not before.
  @Test func theTimestampFollowsTheSecond() {
    final class Now: @unchecked Sendable { var value: time_t = 1_765_000_000 }
    let now = Now()
    let clock = LogClock(now: { now.value })
    let first = clock.timestamp()
    #expect(clock.timestamp() == first)
    now.value += 1
    #expect(clock.timestamp() != first && clock.timestamp() == LogClock.format(now.value))
  }
}

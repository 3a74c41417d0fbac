import Foundation

/// `jianguan serve` started as a process of its own: the line it prints at start names the port
/// it listens on.
public enum ServedProcess {
  /// Starts `executable` with `arguments` (a `serve` on `--port 0`) and returns the process and
  /// the service's base URL, once it said where it listens.
  public static func start(
    _ executable: URL, _ arguments: [String], environment: [String: String], in folder: URL
  ) throws -> (ChildProcess, String) {
    let process = ChildProcess()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = folder
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var text = ""
    while !text.contains("\n") {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      text += String(decoding: chunk, as: UTF8.self)
    }
    guard let port = text.firstMatch(of: /127\.0\.0\.1:(\d+)/)?.1 else {
      process.terminate()
      throw ServeDidNotStart(output: text)
    }
    return (process, "http://127.0.0.1:\(port)")
  }
}

/// `serve` exited or printed no loopback address on its first line.
public struct ServeDidNotStart: Error, CustomStringConvertible {
  public let output: String
  public var description: String { "serve did not print its address; it printed: \(output)" }
}

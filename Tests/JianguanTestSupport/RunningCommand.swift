import Foundation
@_exported import JianguanSystem

/// A program started by a test, its output going to files in a folder (a large output never
/// blocks it on a full pipe); `finish()` waits for it and reads what it printed.
public struct RunningCommand {
  public let process: ChildProcess
  let out: URL
  let err: URL

  public static func start(
    _ executable: URL, _ arguments: [String], environment: [String: String], in folder: URL
  )
    throws -> RunningCommand
  {
    let process = ChildProcess()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = folder
    let out = folder.appendingPathComponent("stdout-\(UUID().uuidString)")
    let err = folder.appendingPathComponent("stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    return RunningCommand(process: process, out: out, err: err)
  }

  public func finish() throws -> (status: Int32, stdout: String, stderr: String) {
    process.waitUntilExit()
    defer {
      try? FileManager.default.removeItem(at: out)
      try? FileManager.default.removeItem(at: err)
    }
    return (
      process.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self),
      String(decoding: try Data(contentsOf: err), as: UTF8.self)
    )
  }
}

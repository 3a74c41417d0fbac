import Foundation
import JianguanTestSupport
import Testing

/// What the tool writes to a pipe whose reader has gone.
@Suite struct OutputEndToEndTests {
  /// `jianguan ledger export | head`: the reader leaves early, and the export ends quietly
  /// (status 0, nothing on stderr), where Foundation's `FileHandle.write` trapped with a backtrace.
  @Test(arguments: TestStore.all)
  func anExportIntoAPipeClosedEarlyEndsQuietly(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    #expect(try cli.run(["init", "--authority", "测试教育局", "--region", "340100"]).status == 0)
    let pipe = Pipe()
    try pipe.fileHandleForReading.close()
    let errURL = cli.folder.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = ChildProcess()
    process.executableURL = cli.executable
    process.arguments = ["ledger", "export"]
    process.environment = cli.environment
    process.currentDirectoryURL = cli.folder
    process.standardOutput = pipe.fileHandleForWriting
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    try pipe.fileHandleForWriting.close()
    process.waitUntilExit()
    let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(stderr)")
    #expect(stderr.isEmpty, "\(stderr)")
  }
}

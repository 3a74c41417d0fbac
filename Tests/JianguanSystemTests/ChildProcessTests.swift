import Foundation
import JianguanSystem
import Testing

@Suite struct ChildProcessTests {
  /// Runs `/bin/sh -c script` and returns its status and what it wrote to each stream.
  func shell(
    _ script: String, environment: [String: String]? = nil, in directory: URL? = nil
  ) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.environment = environment
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = nil
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    return (
      process.terminationStatus, String(decoding: stdout, as: UTF8.self),
      String(decoding: stderr, as: UTF8.self)
    )
  }

  @Test func statusAndEachStreamComeBack() throws {
    let result = try shell("echo out; echo err >&2; exit 3")
    #expect(result.status == 3 && result.stdout == "out\n" && result.stderr == "err\n")
    #expect(try shell("read line; echo \"[$line]\"").stdout == "[]\n", "standard input nil is /dev/null")
  }

  @Test func theEnvironmentAndTheDirectoryAreTheOnesGiven() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try shell("pwd; echo \"$ONLY:${HOME:-none}\"", environment: ["ONLY": "this"], in: folder)
    #expect(result.stdout == "\(folder.resolvingSymlinksInPath().path)\nthis:none\n")
  }

  /// A descriptor this process opened without close-on-exec is not the child's.
  @Test func theChildHasOnlyItsThreeStreams() throws {
    let descriptor = open("/dev/null", O_RDONLY)
    try #require(descriptor > 2)
    defer { close(descriptor) }
    #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC == 0)
    #expect(try shell("[ -e /proc/self/fd/0 ] && [ ! -e /proc/self/fd/\(descriptor) ]").status == 0)
    #expect(try shell("[ -e /proc/self/fd/\(descriptor) ]").status == 1)
  }

  /// Foundation's `Process.run()` on Swift 6.3.1 over-reads its listing of /proc/self/fd and crashed
  /// the test process at about 1,300 open descriptors; here 2,000 are open and it is run 50 times.
  @Test func startsWithTwoThousandDescriptorsOpen() throws {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_cur < 4096 && limit.rlim_max >= 4096 {
      limit.rlim_cur = 4096
      setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    try #require(limit.rlim_cur >= 4096, "the descriptor limit is \(limit.rlim_cur)")
    let extra = (0..<2000).map { _ in open("/dev/null", O_RDONLY | O_CLOEXEC) }
    defer { for descriptor in extra { close(descriptor) } }
    try #require(extra.allSatisfy { $0 >= 0 })
    for round in 0..<50 {
      #expect(try shell("exit \(round % 7)").status == round % 7)
    }
  }

  @Test func aSignalIsTheReasonAndItsNumberTheStatus() throws {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/bin/sleep")
    process.arguments = ["30"]
    try process.run()
    #expect(process.isRunning)
    process.terminate()
    process.waitUntilExit()
    #expect(!process.isRunning)
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
  }

  /// A child that something else in the process reaped (a `waitpid(-1)`) ends the wait, its
  /// status lost, rather than waiting for ever.
  @Test func aChildReapedElsewhereStillEndsTheWait() throws {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    var status: Int32 = 0
    #expect(waitpid(process.processIdentifier, &status, 0) == process.processIdentifier)
    process.waitUntilExit()
    #expect(!process.isRunning && process.terminationReason == .exit && process.terminationStatus == 255)
  }

  @Test func aMissingProgramIsNamedInTheError() throws {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/nonexistent/tool")
    #expect {
      try process.run()
    } throws: { error in
      "\(error)" == "/nonexistent/tool could not be started: No such file or directory"
    }
  }
}

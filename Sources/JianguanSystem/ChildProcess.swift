import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A program started from this one, waited for with `waitpid`: the part of Foundation's `Process`
/// that Jianguan uses (the bulletin's PDF tools, and the tests that run the built binary).
///
/// Foundation's `Process.run()` on Linux (Swift 6.3.1) lists `/proc/self/fd` by copying each
/// entry's whole 256-byte name field, and can crash when an entry ends near the end of glibc's
/// 32 KB directory buffer: in a process with about 1,300 descriptors open or more, as a server with
/// that many connections is (swift-corelibs-foundation pull request 5472, merged after 6.3.1). The
/// test process reaches 1,331 with its servers and databases, and one CI run crashed in
/// `Process.run()`. The swift-subprocess package is asynchronous only, and these callers are not.
/// So this is `posix_spawn`, with glibc's `closefrom` action: the child keeps only descriptors 0,
/// 1 and 2.
public final class ChildProcess: @unchecked Sendable {
  /// Why it ended, as Foundation's `Process.TerminationReason` says it.
  public enum TerminationReason: Sendable { case exit, uncaughtSignal }

  public var executableURL: URL?
  public var arguments: [String] = []
  /// Nil: this process's environment.
  public var environment: [String: String]?
  /// Nil: this process's current directory.
  public var currentDirectoryURL: URL?
  /// A `Pipe`, a `FileHandle`, or nil for /dev/null; by default this process's own.
  public var standardInput: Any? = FileHandle.standardInput
  public var standardOutput: Any? = FileHandle.standardOutput
  public var standardError: Any? = FileHandle.standardError

  public private(set) var processIdentifier: pid_t = 0
  /// The wait status once the child was reaped.
  private let reaped = Mutex<Int32?>(nil)

  public init() {}

  /// The spawn failed: the program could not be started (its path and the system's reason).
  public struct SpawnFailure: Error, CustomStringConvertible {
    public let path: String
    public let code: Int32
    public var description: String { "\(path) could not be started: \(String(cString: strerror(code)))" }
  }

  public func run() throws {
    precondition(processIdentifier == 0, "a ChildProcess runs once")
    guard let path = executableURL?.path else { throw SpawnFailure(path: "(no executable)", code: ENOENT) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // Each stream: dup2 of a descriptor this process holds, or /dev/null opened in the child.
    var closeAfterSpawn: [FileHandle] = []
    for (target, stream, reading) in [
      (Int32(0), standardInput, true), (Int32(1), standardOutput, false), (Int32(2), standardError, false),
    ] {
      switch stream {
      case nil:
        posix_spawn_file_actions_addopen(&actions, target, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
      case let pipe as Pipe:
        // The child's end; the other end is closed in the child with every descriptor above 2.
        let child = reading ? pipe.fileHandleForReading : pipe.fileHandleForWriting
        posix_spawn_file_actions_adddup2(&actions, child.fileDescriptor, target)
        closeAfterSpawn.append(child)
      case let handle as FileHandle where handle === FileHandle.nullDevice:
        posix_spawn_file_actions_addopen(&actions, target, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
      case let handle as FileHandle:
        if handle.fileDescriptor != target {
          posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
        }
      default:
        preconditionFailure("a standard stream is a Pipe, a FileHandle or nil")
      }
    }
    jianguan_spawn_addclosefrom(&actions, 3)
    if let directory = currentDirectoryURL?.path {
      jianguan_spawn_addchdir(&actions, directory)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, as Foundation's; SIGPIPE back to its default (a server here ignores it)
    // and no signal blocked.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    let variables = environment ?? ProcessInfo.processInfo.environment
    let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for variable in envp { free(variable) } }
    var pid: pid_t = 0
    let result = argv.withUnsafeBufferPointer { argvBuffer in
      envp.withUnsafeBufferPointer { envpBuffer in
        posix_spawn(&pid, path, &actions, &attributes, argvBuffer.baseAddress!, envpBuffer.baseAddress!)
      }
    }
    guard result == 0 else { throw SpawnFailure(path: path, code: result) }
    processIdentifier = pid
    // The child has its ends of the pipes: closed here, so that a reader sees the end when it exits.
    for handle in closeAfterSpawn { try? handle.close() }
  }

  /// The wait status recorded when something else in this process reaped the child (a
  /// `waitpid(-1)` elsewhere): exit status 255.
  static let reapedElsewhere: Int32 = 255 << 8

  /// Reaps the child if it ended (blocking until it does when `block`). The lock is not held
  /// while `waitpid` blocks, so that `terminate()` from another thread goes through.
  private func reap(block: Bool) -> Int32? {
    precondition(processIdentifier > 0, "the process was not started")
    var raw: Int32 = 0
    var absent = 0
    while true {
      if let status = reaped.withLock({ $0 }) { return status }
      let waited = waitpid(processIdentifier, &raw, block ? 0 : WNOHANG)
      if waited == processIdentifier {
        reaped.withLock { $0 = raw }
        return raw
      }
      if waited == 0 { return nil }
      if errno == EINTR { continue }
      guard errno == ECHILD else { return nil }
      // Another thread reaped it and is about to record its status; after a second, something
      // else in the process did, and its status is lost.
      absent += 1
      if absent > 1000 {
        reaped.withLock { $0 = $0 ?? Self.reapedElsewhere }
        continue
      }
      usleep(1000)
    }
  }

  public var isRunning: Bool { processIdentifier > 0 && reap(block: false) == nil }

  public func waitUntilExit() { _ = reap(block: true) }

  /// The exit status, or the signal's number when a signal ended it (as Foundation's).
  public var terminationStatus: Int32 {
    let status = reap(block: false) ?? { preconditionFailure("the process is still running") }()
    return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
  }

  public var terminationReason: TerminationReason {
    let status = reap(block: false) ?? { preconditionFailure("the process is still running") }()
    return status & 0x7f == 0 ? .exit : .uncaughtSignal
  }

  /// SIGTERM, unless it was already reaped (its pid may then belong to another process).
  public func terminate() { signal(SIGTERM) }

  public func interrupt() { signal(SIGINT) }

  private func signal(_ number: Int32) {
    reaped.withLock { status in
      if status == nil { _ = kill(processIdentifier, number) }
    }
  }
}

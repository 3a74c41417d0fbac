import Foundation

/// Raw bytes to standard output (`ledger export`, a tile, a note). A reader that has gone — a
/// pipe closed early, as `jianguan ledger export | head` does — ends the command quietly with
/// status 0, as other tools do; any other failure to write (a full disk) is the machine's: one
/// sentence, status 2. Foundation's `FileHandle.write(_:)` traps instead, with a backtrace.
enum StandardOutput {
  static func write(_ data: Data) throws {
    do {
      try FileHandle.standardOutput.write(contentsOf: data)
    } catch {
      if isBrokenPipe(error) { exit(0) }
      throw EnvironmentFailure(
        "stdout_unwritable",
        "standard output could not be written: \((error as NSError).localizedDescription)")
    }
  }

  private static func isBrokenPipe(_ error: any Error) -> Bool {
    let error = error as NSError
    if error.domain == NSPOSIXErrorDomain, error.code == Int(EPIPE) { return true }
    return (error.userInfo[NSUnderlyingErrorKey] as? NSError).map(isBrokenPipe) ?? false
  }
}

import Foundation

/// A program of the system the tests drive (zbarimg, chromium), found on PATH; nil when absent.
enum ExternalTool {
  static func path(_ name: String) -> String? {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static let zbarimg = path("zbarimg")
  static let chromium = path("chromium") ?? path("chromium-browser")

  /// Runs `executable` and returns its exit status and standard output (standard error dropped).
  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    process.standardOutput = try FileHandle(forWritingTo: output)
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, try Data(contentsOf: output))
  }

  /// What `zbarimg --raw -q` read from `image`: the code's bytes, without the newline zbarimg
  /// prints after each symbol.
  static func decodeQR(_ image: URL) throws -> [UInt8]? {
    let (status, stdout) = try run(zbarimg!, ["--raw", "-q", image.path])
    guard status == 0, stdout.last == 0x0a else { return nil }
    return Array(stdout.dropLast())
  }
}

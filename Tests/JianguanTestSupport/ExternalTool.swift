import Foundation

/// A program of the system the tests drive (zbarimg, chromium), found on PATH; nil when absent.
public enum ExternalTool {
  public static func path(_ name: String) -> String? {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  public static let zbarimg = path("zbarimg")
  public static let chromium = path("chromium") ?? path("chromium-browser")
  /// poppler-utils' pdfinfo and pdftoppm.
  public static let pdfinfo = path("pdfinfo")
  public static let pdftoppm = path("pdftoppm")

  /// Renders `page` with headless Chromium at `width` × `height` CSS pixels into `png`; its
  /// profile lives in `profile`, so nothing is written outside the test's folder.
  public static func screenshot(_ page: URL, width: Int, height: Int = 1300, png: URL, profile: URL) throws
    -> Bool
  {
    let size = ["--screenshot=\(png.path)", "--window-size=\(width),\(height)", page.absoluteString]
    return try run(chromium!, chromiumFlags(profile) + size).status == 0
  }

  /// The page's DOM after loading, as Chromium serializes it.
  public static func dumpDOM(_ page: URL, profile: URL) throws -> String {
    let output = try run(chromium!, chromiumFlags(profile) + ["--dump-dom", page.absoluteString])
    return String(decoding: output.stdout, as: UTF8.self)
  }

  /// The page printed by Chromium to `pdf` (its print stylesheet, no header or footer).
  public static func printToPDF(_ page: URL, pdf: URL, profile: URL) throws -> Bool {
    let flags = ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString]
    return try run(chromium!, chromiumFlags(profile) + flags).status == 0
  }

  static func chromiumFlags(_ profile: URL) -> [String] {
    ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)"]
  }

  /// Runs `executable` and returns its exit status and standard output (standard error dropped).
  public static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: Data)
  {
    let process = ChildProcess()
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
  public static func decodeQR(_ image: URL) throws -> [UInt8]? {
    let (status, stdout) = try run(zbarimg!, ["--raw", "-q", image.path])
    guard status == 0, stdout.last == 0x0a else { return nil }
    return Array(stdout.dropLast())
  }
}

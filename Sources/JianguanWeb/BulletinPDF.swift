import Foundation
import JianguanCore
import JianguanSystem

/// A program the PDF needs is missing or failed: an environment failure, not bad input.
public struct PDFToolFailure: Error, CustomStringConvertible, Sendable {
  public let code: String
  public let message: String
  init(_ code: String, _ message: String) {
    self.code = code
    self.message = message
  }
  public var description: String { message }
}

/// Renders a bulletin to PDF with WeasyPrint (Debian package `weasyprint`) and a CJK font found
/// by fontconfig (`fonts-wqy-zenhei` or `fonts-noto-cjk`): for `report bulletin --to pdf` and the
/// regulator's page.
public enum BulletinPDF {
  /// CJK font families, in order of preference.
  static let preferredFonts = [
    "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei",
  ]
  static let installHint = "apt-get install weasyprint fonts-wqy-zenhei"

  /// Writes `bulletin` to `path` as PDF and returns its page count (nil if it cannot be read).
  public static func write(_ bulletin: Bulletin, to path: String) throws -> Int? {
    guard let weasyprint = executable("weasyprint") else {
      throw PDFToolFailure(
        "pdf_tool_missing", "the bulletin's PDF needs WeasyPrint, which is not installed (\(installHint))")
    }
    let font = try cjkFont()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-bulletin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let html = folder.appendingPathComponent("bulletin.html")
    try Data(bulletin.html(fontFamily: font).utf8).write(to: html)
    let (status, output) = try run(weasyprint, [html.path, path])
    guard status == 0 else {
      throw PDFToolFailure(
        "pdf_tool_failed", "WeasyPrint failed (status \(status)): \(output.split(separator: "\n").last ?? "")"
      )
    }
    return pageCount(path)
  }

  /// The bulletin as PDF bytes.
  public static func data(_ bulletin: Bulletin) throws -> Data {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-bulletin-\(UUID().uuidString).pdf"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = try write(bulletin, to: path)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw PDFToolFailure("pdf_tool_failed", "WeasyPrint wrote no PDF")
    }
    return data
  }

  /// The first installed CJK font family of `preferredFonts`, else any fontconfig knows for zh.
  static func cjkFont() throws -> String {
    let families = (try? run(executable("fc-list") ?? "/usr/bin/fc-list", [":lang=zh", "family"]).1) ?? ""
    let installed = families.split(separator: "\n").flatMap { $0.split(separator: ",") }.map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    if let font = preferredFonts.first(where: installed.contains) ?? installed.first { return font }
    throw PDFToolFailure(
      "cjk_font_missing", "the bulletin's PDF needs a Chinese font, and none is installed (\(installHint))")
  }

  static func executable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// Counts the page objects of a PDF ("/Type /Page" not followed by "s").
  public static func pageCount(_ path: String) -> Int? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    let count = text.components(separatedBy: "/Type /Page").dropFirst().filter { !$0.hasPrefix("s") }.count
    return count > 0 ? count : nil
  }
}

import Foundation
import JianguanCrypto

/// Locates `shared/testdata` from this file: the project keeps `shared/` beside the clone
/// (`/work/main/../shared`), so walk up from the test file (symlinks resolved) until an ancestor
/// holds `shared/testdata`.
enum CryptoTestData {
  static func url(_ relativePath: String, filePath: String = #filePath) throws -> URL {
    var directory = URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    while directory.path != "/" {
      let candidate = directory.appendingPathComponent("shared/testdata").appendingPathComponent(relativePath)
      if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
      directory.deleteLastPathComponent()
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "shared/testdata/\(relativePath)"])
  }

  static func bytes(_ hex: String) -> [UInt8] {
    guard let bytes = Hex.decode(hex) else { fatalError("bad hex in a test: \(hex)") }
    return bytes
  }
}

import Foundation
import JianguanCrypto

/// Locates the repository's test vectors, `Tests/Fixtures` (sources and licences in its README).
enum CryptoTestData {
  static func url(_ relativePath: String, filePath: String = #filePath) throws -> URL {
    let candidate = URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
    guard FileManager.default.fileExists(atPath: candidate.path) else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidate.path])
    }
    return candidate
  }

  static func bytes(_ hex: String) -> [UInt8] {
    guard let bytes = Hex.decode(hex) else { fatalError("bad hex in a test: \(hex)") }
    return bytes
  }
}

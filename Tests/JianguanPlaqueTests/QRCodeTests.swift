import Foundation
import JianguanCore
import JianguanLedger
import JianguanPlaque
import JianguanTestSupport
import Testing

@Suite("QR code: libqrencode's symbol, its SVG, and a real decoder reading it back")
struct QRCodeTests {
  /// Byte-mode capacities at level M (ISO/IEC 18004 table 7): version 1 holds 14 bytes, 2 holds 26,
  /// 40 holds 2,331.
  @Test func theSmallestVersionThatHoldsTheInput() throws {
    for (count, version) in [(1, 1), (14, 1), (15, 2), (26, 2), (27, 3), (2331, 40)] {
      let code = try QRCode.encode(Array(repeating: UInt8(ascii: "a"), count: count))
      #expect(code.version == version, "\(count) bytes")
      #expect(code.size == 17 + 4 * version && code.modules.count == code.size * code.size)
    }
    #expect(
      PlaqueFixtures.refusal { _ = try QRCode.encode(Array(repeating: 0x61, count: 2332)) }
        == "qr_input_too_large")
    #expect(PlaqueFixtures.refusal { _ = try QRCode.encode([]) } == "qr_input_too_large")
    #expect(QRCode.maxBytes == PlaqueStatement.maxQRBytes)
  }

  /// Property: every symbol has its three finder patterns and its timing patterns.
  @Test func randomInputsHaveTheFunctionPatterns() throws {
    var random = SeededGenerator(seed: 6)
    for _ in 0..<30 {
      let bytes = (0..<Int.random(in: 1...600, using: &random)).map { _ in
        UInt8.random(in: 0...255, using: &random)
      }
      let code = try QRCode.encode(bytes)
      for (top, left) in [(0, 0), (0, code.size - 7), (code.size - 7, 0)] {
        for row in 0..<7 {
          for column in 0..<7 {
            let ring = max(abs(row - 3), abs(column - 3))
            #expect(
              code.isDark(row: top + row, column: left + column) == (ring != 2), "finder at \(top),\(left)")
          }
        }
      }
      for index in 8..<(code.size - 8) {
        #expect(code.isDark(row: 6, column: index) == index.isMultiple(of: 2))
        #expect(code.isDark(row: index, column: 6) == index.isMultiple(of: 2))
      }
    }
  }

  /// The SVG draws exactly the dark modules, shifted by the 4-module quiet zone.
  @Test func theSVGDrawsExactlyTheDarkModules() throws {
    let code = try QRCode.encode(Array("合规码牌 jianguan plaque".utf8))
    let svg = code.svg(title: "a <title> & more")
    let side = code.size + 8
    #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\"") && svg.contains("shape-rendering=\"crispEdges\""))
    #expect(svg.contains("<title>a &lt;title&gt; &amp; more</title>"))
    var drawn = Array(repeating: false, count: code.size * code.size)
    let path = svg.components(separatedBy: "d=\"")[1].prefix { $0 != "\"" }
    for run in path.split(separator: "z") {
      let numbers = run.dropFirst().split(whereSeparator: { "hv- ".contains($0) }).map { Int($0)! }
      let (x, y, length) = (numbers[0] - 4, numbers[1] - 4, numbers[2])
      #expect(run.hasSuffix("h\(length)v1h-\(length)"))
      for column in x..<(x + length) {
        #expect(!drawn[y * code.size + column], "drawn twice")
        drawn[y * code.size + column] = true
      }
    }
    #expect(drawn == code.modules)
  }

  /// A symbol for a signed plaque, drawn as a greyscale image, reads back byte for byte.
  @Test(.enabled(if: ExternalTool.zbarimg != nil, "zbarimg (Debian zbar-tools) is not installed"))
  func aRealDecoderReadsTheSymbolBack() throws {
    let note = try PlaqueFixtures.statement().signed(by: PlaqueFixtures.signer).note
    let code = try QRCode.encode(Array(note.utf8))
    #expect(
      code.version >= 10 && code.version <= 20, "a typical plaque needs a mid-size symbol: \(code.version)")
    let folder = try PlaqueFixtures.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = folder.appendingPathComponent("code.pgm")
    try Data(Self.pgm(code, modulePixels: 4)).write(to: image)
    #expect(try ExternalTool.decodeQR(image) == Array(note.utf8))
  }

  /// A binary greyscale PGM (P5) of the symbol with its quiet zone.
  static func pgm(_ code: QRCode, modulePixels: Int) -> [UInt8] {
    let side = (code.size + 8) * modulePixels
    var pixels = [UInt8](repeating: 255, count: side * side)
    for row in 0..<code.size {
      for column in 0..<code.size where code.isDark(row: row, column: column) {
        for dy in 0..<modulePixels {
          for dx in 0..<modulePixels {
            pixels[((row + 4) * modulePixels + dy) * side + (column + 4) * modulePixels + dx] = 0
          }
        }
      }
    }
    return Array("P5\n\(side) \(side)\n255\n".utf8) + pixels
  }
}

import CQREncode
import Foundation
import JianguanCore

/// A QR code symbol (ISO/IEC 18004) made by the system's libqrencode: the whole input in 8-bit
/// byte mode, error correction level M (15 % of the symbol may be damaged), the smallest version
/// that holds it. This type only wraps the library; it encodes nothing itself.
public struct QRCode: Sendable, Equatable {
  /// The most bytes a symbol holds in byte mode at level M (version 40).
  public static let maxBytes = 2331

  /// The symbol version, 1 to 40.
  public let version: Int
  /// The modules per side: 17 + 4 × version.
  public let size: Int
  /// The modules row by row, `true` for dark.
  public let modules: [Bool]

  /// Encodes `bytes`; refuses input larger than a version-40 symbol holds at level M.
  public static func encode(_ bytes: [UInt8]) throws -> QRCode {
    guard !bytes.isEmpty, bytes.count <= maxBytes else {
      throw Rejection(
        "qr_input_too_large",
        "the QR code's content is \(bytes.count) bytes; a QR code holds 1 to \(maxBytes) bytes at error correction level M"
      )
    }
    let symbol = bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) in
      QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, QR_ECLEVEL_M)
    }
    guard let symbol else {
      throw Rejection(
        "qr_encoding_failed", "libqrencode could not encode \(bytes.count) bytes (errno \(errno))")
    }
    defer { QRcode_free(symbol) }
    let version = Int(symbol.pointee.version)
    let size = Int(symbol.pointee.width)
    // Bit 0 of each byte is the module's colour; the other bits are libqrencode's bookkeeping.
    let data = UnsafeBufferPointer(start: symbol.pointee.data, count: size * size)
    return QRCode(version: version, size: size, modules: data.map { $0 & 1 == 1 })
  }

  /// Whether the module at `row`, `column` (from the top left, 0-based) is dark.
  public func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }
}

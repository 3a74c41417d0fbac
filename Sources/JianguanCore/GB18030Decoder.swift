#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns GB18030 bytes (a CSV file saved by Excel on Chinese Windows) into UTF-8 with the C
/// library's iconv, fed in chunks of any size: a character cut by the end of one chunk waits
/// for the next. Bytes that are not GB18030 are refused with their offset in the file.
public final class GB18030Decoder {
  private let converter: iconv_t
  /// The start of a character cut by the end of the last chunk.
  private var carry: [UInt8] = []
  /// Bytes of the file decoded so far, for messages.
  private var offset = 0

  /// Opens the converter; refused when the system's iconv has no GB18030.
  public init() throws {
    guard let converter = iconv_open("UTF-8", "GB18030"), converter != iconv_t(bitPattern: -1) else {
      throw Rejection(
        "encoding_unavailable",
        "encoding gb18030 cannot be read here: the system's iconv has no GB18030 converter")
    }
    self.converter = converter
  }

  deinit { iconv_close(converter) }

  /// The UTF-8 of the next chunk's complete characters.
  public func decode(_ chunk: some Sequence<UInt8>) throws -> [UInt8] {
    var input = carry
    input.append(contentsOf: chunk)
    carry = []
    var output: [UInt8] = []
    var consumed = 0
    while consumed < input.count {
      var buffer = [UInt8](repeating: 0, count: max(256, (input.count - consumed) * 2))
      let total = input.count
      let (left, written, failure) = input.withUnsafeMutableBytes { (inRaw: UnsafeMutableRawBufferPointer) in
        buffer.withUnsafeMutableBytes { (outRaw: UnsafeMutableRawBufferPointer) in
          var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.advanced(by: consumed)
            .assumingMemoryBound(to: CChar.self)
          var inLeft = total - consumed
          var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(
            to: CChar.self)
          var outLeft = outRaw.count
          let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
          return (inLeft, outRaw.count - outLeft, result == -1 ? errno : 0)
        }
      }
      output.append(contentsOf: buffer[0..<written])
      let reached = total - left
      switch failure {
      case 0, E2BIG:
        consumed = reached
      case EINVAL:
        carry = Array(input[reached...])
        consumed = total
      default:
        offset += reached
        throw Rejection(
          "encoding_invalid",
          "byte \(offset + 1) of the file is not GB18030 text; check the file, or its --encoding")
      }
    }
    offset += input.count - carry.count
    return output
  }

  /// Ends the file: refused when it ends inside a character.
  public func finish() throws {
    guard carry.isEmpty else {
      throw Rejection(
        "encoding_invalid", "the file ends inside a GB18030 character at byte \(offset + 1); it is cut short")
    }
  }
}

import JianguanTestSupport
import Testing

@testable import JianguanCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Issue 14.12: bank files as banks send them — a UTF-8 byte-order mark, GB18030 from Excel on
/// Chinese Windows, and a clear sentence for a file that is not UTF-8.
@Suite struct BankFileEncodingTests {
  func read(_ bytes: [UInt8], chunk: Int) throws -> [CSVRecordReader.Record] {
    var reader = CSVRecordReader()
    var records: [CSVRecordReader.Record] = []
    var index = 0
    while index < bytes.count {
      records += try reader.feed(bytes[index..<min(index + chunk, bytes.count)])
      index += chunk
    }
    return records + (try reader.finish())
  }

  /// `text` in GB18030, by the C library's iconv (the encoder the decoder under test does not use).
  static func gb18030(_ text: String) -> [UInt8] {
    let converter = iconv_open("GB18030", "UTF-8")!
    defer { iconv_close(converter) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
    let total = (input.count, output.count)
    let written = input.withUnsafeMutableBytes { (inRaw: UnsafeMutableRawBufferPointer) in
      output.withUnsafeMutableBytes { (outRaw: UnsafeMutableRawBufferPointer) -> Int in
        var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
        var inLeft = total.0
        var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
        var outLeft = total.1
        precondition(iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1)
        return total.1 - outLeft
      }
    }
    return Array(output[0..<written])
  }

  @Test(arguments: [1, 2, 3, 4, 7, 1 << 20])
  func aByteOrderMarkIsSkippedWhateverTheChunks(chunk: Int) throws {
    let records = try read([0xEF, 0xBB, 0xBF] + Array("bank_ref,hours\r\nBK1,五\r\n".utf8), chunk: chunk)
    #expect(records.map(\.fields) == [["bank_ref", "hours"], ["BK1", "五"]])
    #expect(records.map(\.line) == [1, 2])
  }

  @Test func onlyALeadingByteOrderMarkIsSkipped() throws {
    // A mark inside a field is the field's text; a file of only part of a mark is not UTF-8.
    let inside = try read(Array("a\n\u{FEFF}b\n".utf8), chunk: 1)
    #expect(inside.map(\.fields) == [["a"], ["\u{FEFF}b"]])
    #expect(throws: Rejection.self) { _ = try read([0xEF, 0xBB], chunk: 1) }
    #expect(try read([0xEF, 0xBB, 0xBF], chunk: 1).isEmpty)
  }

  @Test func aFileThatIsNotUTF8NamesTheEncodingOption() throws {
    do {
      _ = try read(Self.gb18030("学生,课时\n"), chunk: 1 << 20)
      Issue.record("GB18030 read as UTF-8")
    } catch let rejection as Rejection {
      #expect(rejection.code == "csv_not_utf8")
      #expect(rejection.message.contains("--encoding gb18030") && rejection.message.hasPrefix("line 1:"))
    }
  }

  @Test func gb18030DecodesWhateverTheChunks() throws {
    var generator = SeededGenerator(seed: 18_030)
    // Two-byte (汉字, full-width punctuation) and four-byte (rare characters, emoji) sequences.
    let alphabet = Array("合肥市蜀山区启明体育培训中心，王老师：退费 A1,2\n𠀀😀€·")
    for _ in 0..<200 {
      let text = String(
        (0..<Int.random(in: 0..<60, using: &generator)).map { _ in
          alphabet.randomElement(using: &generator)!
        })
      let bytes = Self.gb18030(text)
      let decoder = try GB18030Decoder()
      var utf8: [UInt8] = []
      var index = 0
      while index < bytes.count {
        let size = Int.random(in: 1...5, using: &generator)
        utf8 += try decoder.decode(bytes[index..<min(index + size, bytes.count)])
        index += size
      }
      try decoder.finish()
      #expect(String(decoding: utf8, as: UTF8.self) == text)
    }
  }

  @Test func gb18030RefusesBytesThatAreNotGB18030AndACutCharacter() throws {
    let decoder = try GB18030Decoder()
    #expect(try decoder.decode([0x41, 0x42]) == [0x41, 0x42])
    do {
      _ = try decoder.decode([0x43, 0xFF, 0xFF])
      Issue.record("0xFF accepted")
    } catch let rejection as Rejection {
      #expect(
        rejection.code == "encoding_invalid" && rejection.message.hasPrefix("byte 4 "), "\(rejection.message)"
      )
    }
    let cut = try GB18030Decoder()
    #expect(try cut.decode([0xB2]).isEmpty)
    #expect(throws: Rejection.self) { try cut.finish() }
  }
}

import Foundation
import JianguanCrypto
import JianguanTestSupport
import Testing

@testable import JianguanLedger

/// The ledger's deterministic CBOR (RFC 8949 §4.2.1): the Appendix A examples, every refusal,
/// and seeded round trips.
@Suite struct CBORTests {
  struct Example {
    let bytes: [UInt8]
    let diagnostic: String
    let accepted: Bool
  }

  static func appendixA() throws -> [Example] {
    let text = try String(contentsOf: MerkleFixtures.testdata("cbor/rfc8949_appendix_a.txt"), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      return Example(
        bytes: Hex.decode(String(fields[0]))!, diagnostic: String(fields[1]), accepted: fields[2] == "accept")
    }
  }

  @Test func appendixAExamplesInTheSubsetRoundTripAndTheOthersAreRefused() throws {
    let examples = try Self.appendixA()
    #expect(examples.count == 81)
    #expect(examples.filter(\.accepted).count == 34)
    for example in examples {
      if example.accepted {
        let value = try CBORDecoder.decode(example.bytes)
        #expect(value.encoded == example.bytes, "\(example.diagnostic)")
      } else {
        #expect(throws: CBORError.self, "\(example.diagnostic)") { try CBORDecoder.decode(example.bytes) }
      }
    }
  }

  @Test func appendixAValuesDecodeToWhatTheirDiagnosticSays() throws {
    #expect(
      try CBORDecoder.decode([0x3B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == .integer(Int64.min))
    #expect(try CBORDecoder.decode(Hex.decode("1b7fffffffffffffff")!) == .integer(Int64.max))
    #expect(try CBORDecoder.decode(Hex.decode("3903e7")!) == .integer(-1000))
    #expect(try CBORDecoder.decode(Hex.decode("64f0908591")!) == .text("\u{10151}"))
    #expect(
      try CBORDecoder.decode(Hex.decode("a26161016162820203")!)
        == .map([.text("a"): .integer(1), .text("b"): .array([.integer(2), .integer(3)])]))
    #expect(
      try CBORDecoder.decode(Hex.decode("a201020304")!)
        == .map([.integer(1): .integer(2), .integer(3): .integer(4)]))
  }

  /// Each way bytes can fail to be the ledger's deterministic CBOR, with the reason given.
  @Test(arguments: [
    ("1817", "shorter form"),  // 23 in two bytes
    ("190017", "shorter form"),  // 23 in three bytes
    ("1900ff", "shorter form"),  // 255 in three bytes
    ("1a0000ffff", "shorter form"),
    ("1b00000000ffffffff", "shorter form"),
    ("3800", "shorter form"),  // −1 in two bytes
    ("5801ff", "shorter form"),  // a byte string's length
    ("7801ff", "shorter form"),
    ("9800", "shorter form"),
    ("b800", "shorter form"),
    ("5f40ff", "indefinite length"),
    ("7f60ff", "indefinite length"),
    ("9fff", "indefinite length"),
    ("bfff", "indefinite length"),
    ("ff", "indefinite length"),  // a lone break
    ("1c", "reserved"),
    ("3e", "reserved"),
    ("a2616201616101", "sorted"),  // {"b": 1, "a": 1}
    ("a2616101616102", "twice"),  // {"a": 1, "a": 2}
    ("a2626161016162", "sorted"),  // {"aa": 1, "b": …}: the shorter key sorts first
    ("a20a010101", "sorted"),  // {10: 1, 1: 1}
    ("f6", "null"),
    ("f7", "undefined"),
    ("f3", "simple value"),
    ("f820", "simple value"),
    ("f93c00", "floating-point"),
    ("fa47c35000", "floating-point"),
    ("fb3ff199999999999a", "floating-point"),
    ("c074", "tags"),
    ("d82076", "tags"),
    ("1b8000000000000000", "beyond 64-bit"),
    ("3b8000000000000000", "beyond 64-bit"),
    ("62c328", "UTF-8"),  // an invalid continuation byte
    ("63eda080", "UTF-8"),  // a surrogate
    ("0000", "follow"),  // trailing bytes
    ("a1", "end"),
    ("18", "ends inside a head"),
    ("6461", "past the end"),
    ("83 01 02", "end"),
    ("bb7fffffffffffffff", "past the end"),
  ])
  func refusesWithTheReason(hex: String, reason: String) {
    let bytes = Hex.decode(hex.replacingOccurrences(of: " ", with: ""))!
    do {
      let value = try CBORDecoder.decode(bytes)
      Issue.record("accepted \(hex) as \(value)")
    } catch {
      #expect(error.reason.contains(reason), "\(hex): \(error.reason)")
    }
  }

  @Test func nestingIsCapped() {
    let deep = [UInt8](repeating: 0x81, count: CBORDecoder.maximumDepth + 1) + [0x00]
    #expect(throws: CBORError.self) { try CBORDecoder.decode(deep) }
    let fine = [UInt8](repeating: 0x81, count: CBORDecoder.maximumDepth) + [0x00]
    #expect((try? CBORDecoder.decode(fine)) != nil)
  }

  struct Random {
    var generator: SeededGenerator

    mutating func integer() -> Int64 {
      switch Int.random(in: 0..<4, using: &generator) {
      case 0:
        [
          0, 23, 24, 255, 256, 65535, 65536, -1, -24, -25, -256, -257, Int64.max, Int64.min, 4_294_967_295,
          4_294_967_296,
        ].randomElement(using: &generator)!
      case 1: Int64.random(in: -300...300, using: &generator)
      default:
        Int64.random(in: Int64.min...Int64.max, using: &generator)
          >> Int64.random(in: 0...63, using: &generator)
      }
    }

    mutating func text() -> String {
      String(
        (0..<Int.random(in: 0..<30, using: &generator)).map { _ in
          let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x4E00...0x9FA5, 0x1F600...0x1F64F]
          return Character(
            Unicode.Scalar(UInt32.random(in: ranges.randomElement(using: &generator)!, using: &generator))!)
        })
    }

    mutating func value(depth: Int = 0) -> CBORValue {
      let pick = Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator)
      switch pick {
      case 0: return .integer(integer())
      case 1: return .text(text())
      case 2:
        return .bytes(
          (0..<Int.random(in: 0..<40, using: &generator)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
          })
      case 3: return .bool(Bool.random(using: &generator))
      case 4:
        return .array((0..<Int.random(in: 0..<30, using: &generator)).map { _ in value(depth: depth + 1) })
      default:
        var members: [CBORValue: CBORValue] = [:]
        for _ in 0..<Int.random(in: 0..<26, using: &generator) {
          let key: CBORValue = Bool.random(using: &generator) ? .text(text()) : .integer(integer())
          members[key] = value(depth: depth + 1)
        }
        return .map(members)
      }
    }
  }

  @Test(arguments: 1...4 as ClosedRange<UInt64>)
  func randomValuesRoundTrip(seed: UInt64) throws {
    var random = Random(generator: SeededGenerator(seed: seed))
    for _ in 0..<300 {
      let value = random.value()
      let bytes = value.encoded
      let decoded = try CBORDecoder.decode(bytes)
      #expect(decoded == value)
      #expect(decoded.encoded == bytes)
    }
  }

  /// Whatever bytes the decoder accepts re-encode to themselves: it accepts deterministic form
  /// only. Random mutations of valid encodings, mostly refused, sometimes still valid.
  @Test(arguments: 5...6 as ClosedRange<UInt64>)
  func acceptedBytesAreDeterministic(seed: UInt64) {
    var random = Random(generator: SeededGenerator(seed: seed))
    var accepted = 0
    for _ in 0..<2_000 {
      var bytes = random.value().encoded
      guard !bytes.isEmpty else { continue }
      for _ in 0..<Int.random(in: 1...3, using: &random.generator) {
        let index = Int.random(in: 0..<bytes.count, using: &random.generator)
        bytes[index] = UInt8.random(in: 0...255, using: &random.generator)
      }
      if let value = try? CBORDecoder.decode(bytes) {
        accepted += 1
        #expect(value.encoded == bytes)
      }
    }
    #expect(accepted > 0)
  }

  /// The JSON view and the CBOR bytes map one to one.
  @Test(arguments: 7...8 as ClosedRange<UInt64>)
  func jsonValuesRoundTripThroughCBOR(seed: UInt64) throws {
    var random = Random(generator: SeededGenerator(seed: seed))
    for _ in 0..<300 {
      var object: [String: JSONValue] = [:]
      for _ in 0..<Int.random(in: 0..<30, using: &random.generator) {
        let member: JSONValue =
          switch Int.random(in: 0..<4, using: &random.generator) {
          case 0: .integer(random.integer())
          case 1: .string(random.text())
          case 2: .bool(Bool.random(using: &random.generator))
          default:
            .array([.object(["account": .string(random.text()), "amountFen": .integer(random.integer())])])
          }
        object[random.text()] = member
      }
      let json = JSONValue.object(object)
      let bytes = json.cborBytes
      let decoded = try CBORDecoder.decode(bytes)
      #expect(JSONValue(cbor: decoded) == json)
      #expect(decoded.encoded == bytes)
    }
  }
}

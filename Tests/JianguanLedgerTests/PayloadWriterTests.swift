import JianguanCrypto
import JianguanTestSupport
import Testing

@testable import JianguanLedger

/// The hand-written CBOR encodings of the hot entry kinds must give exactly the bytes of the
/// general `Codable` → `JSONValue` encoding, or the chain would depend on which path wrote an entry.
@Suite struct PayloadWriterTests {
  /// Strings that need every kind of care: escapes, control characters, CJK, emoji, empty.
  static let awkward = [
    "", "E1", "a\"b", "back\\slash", "tab\there", "nul\u{0}", "\u{1F}", "\u{7F}", "新东方学校", "😀",
    "line\nbreak", "/", "\u{2028}",
  ]

  struct Random {
    var generator: SeededGenerator

    mutating func text() -> String {
      if Int.random(in: 0..<3, using: &generator) == 0 {
        return PayloadWriterTests.awkward.randomElement(using: &generator)!
      }
      let scalars = (0..<Int.random(in: 0..<24, using: &generator)).map { _ -> Character in
        let pick = Int.random(in: 0..<4, using: &generator)
        let value: UInt32 =
          switch pick {
          case 0: UInt32.random(in: 0...0x7F, using: &generator)
          case 1: UInt32.random(in: 0x4E00...0x9FA5, using: &generator)
          case 2: UInt32.random(in: 0x80...0x7FF, using: &generator)
          default: UInt32.random(in: 0x1F600...0x1F64F, using: &generator)
          }
        return Character(Unicode.Scalar(value)!)
      }
      return String(scalars)
    }

    mutating func integer() -> Int64 {
      switch Int.random(in: 0..<5, using: &generator) {
      case 0:
        [Int64.min, Int64.max, 0, -1, 1, 9, 10, -10, 1_000_000_000_000].randomElement(using: &generator)!
      case 1: Int64.random(in: -100...100, using: &generator)
      default: Int64.random(in: Int64.min...Int64.max, using: &generator)
      }
    }

    mutating func flag() -> Bool { Bool.random(using: &generator) }

    mutating func postings() -> [Posting] {
      (0..<Int.random(in: 0..<4, using: &generator)).map { _ in Posting(account: text(), amountFen: integer())
      }
    }
  }

  func expectSameBytes<T: CBORPayload & Encodable>(_ value: T) {
    let fast = value.cborBytes()
    let general = JSONValueCoder.encode(value).cborBytes
    #expect(fast == general, "\(Hex.encode(fast)) vs \(Hex.encode(general))")
    #expect((try? CBORDecoder.decode(fast)) != nil)
  }

  @Test(arguments: 1...4 as ClosedRange<UInt64>)
  func hotKindsEncodeAsTheGeneralPathDoes(seed: UInt64) {
    var r = Random(generator: SeededGenerator(seed: seed))
    for _ in 0..<250 {
      expectSameBytes(
        Payment(
          enrollment: r.text(), bankRef: r.text(), student: r.text(), parent: r.text(), classID: r.text(),
          institution: r.text(), hours: r.integer(), amountFen: r.integer(), paidAt: r.text(),
          postings: r.postings()))
      let contract = ContractIssued(
        enrollment: r.text(), template: r.text(), confirmationWindowWorkingDays: r.integer(),
        refundAnswerWorkingDays: r.integer())
      expectSameBytes(contract)
      expectSameBytes(
        LessonRecorded(lesson: r.text(), enrollment: r.text(), hours: r.integer(), taughtAt: r.text()))
      expectSameBytes(
        LessonReleased(
          lesson: r.text(), enrollment: r.text(), basis: [.confirmed, .deemed, .resolved].randomElement()!,
          amountFen: r.integer(), postings: r.postings()))
      expectSameBytes(
        Refund(
          refund: r.text(), enrollment: r.text(), bankRef: r.text(), hours: r.integer(),
          amountFen: r.integer(),
          reason: r.text(), allRemaining: r.flag(), postings: r.postings(), request: r.flag() ? r.text() : nil
        ))
    }
  }

  @Test(arguments: 5...6 as ClosedRange<UInt64>)
  func envelopeIsTheDeterministicMapOfItsParts(seed: UInt64) throws {
    var r = Random(generator: SeededGenerator(seed: seed))
    for _ in 0..<200 {
      let payload = JSONValue.object(["note": .string(r.text()), "n": .integer(r.integer())])
      let seq = Int64.random(in: 1...Int64.max, using: &r.generator)
      let previous = (0..<32).map { _ in UInt8.random(in: 0...255, using: &r.generator) }
      let (kind, time) = (r.text(), r.text())
      let general = CBORValue.map([
        .text("kind"): .text(kind), .text("payload"): try CBORDecoder.decode(payload.cborBytes),
        .text("prev"): .bytes(previous), .text("seq"): .integer(seq), .text("time"): .text(time),
        .text("v"): .integer(2),
      ]).encoded
      let fast = Entry.encode(
        seq: seq, time: time, kind: kind, payloadBytes: payload.cborBytes, previousHash: previous)
      #expect(fast == general)
    }
  }

  @Test func integersAreWrittenInShortestDecimalForm() {
    var generator = SeededGenerator(seed: 7)
    let edges: [Int64] = [
      0, 1, -1, 9, 10, 99, 100, Int64.max, Int64.min, Int64.min + 1, -1_000_000_000_000_000_000,
    ]
    for value in edges + (0..<2_000).map({ _ in Int64.random(in: Int64.min...Int64.max, using: &generator) })
    {
      var out: [UInt8] = []
      CanonicalObjectWriter.writeInteger(value, to: &out)
      #expect(String(decoding: out, as: UTF8.self) == String(value))
    }
  }

  @Test func eventPayloadBytesMatchThePayloadForEveryHotKind() {
    let postings = Posting.transfer(100, from: "parent:P1", to: "escrow:E1")
    let events: [Event] = [
      .payment(
        Payment(
          enrollment: "E1", bankRef: "R", student: "S1", parent: "P1", classID: "B1", institution: "I",
          hours: 2,
          amountFen: 100, paidAt: "2026-01-01T10:00:00+08:00", postings: postings)),
      .lessonRecorded(LessonRecorded(lesson: "L1", enrollment: "E1", hours: 1, taughtAt: "t")),
      .lessonReleased(
        LessonReleased(lesson: "L1", enrollment: "E1", basis: .deemed, amountFen: 50, postings: [])),
      .refund(
        Refund(
          refund: "F1", enrollment: "E1", bankRef: "R2", hours: 1, amountFen: 50, reason: "搬家",
          allRemaining: true,
          postings: [])),
      .lessonDisputed(LessonDisputed(lesson: "L1", reason: "x")),
    ]
    for event in events { #expect(event.payloadBytes == event.payload.cborBytes) }
  }
}

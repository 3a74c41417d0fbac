import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanTestSupport
import Testing

/// The fast decoding path (`EntryDecoding`) against the generic one (`Entry.parse` +
/// `Event(kind:payload:)`), on seeded random entries of every hot kind and on mutations of them:
/// whenever the fast path accepts, the generic path accepts with the same fields and event, and
/// the audit's decision (fast, else generic) is the generic path's.
@Suite struct EntryDecodingTests {
  /// Both paths' reading of `bytes`: the generic result, or nil when it refuses them.
  struct Reading: Equatable {
    var seq: Int64
    var time: String
    var kind: String
    var previous: [UInt8]
    var event: Event
  }

  static func generic(_ bytes: [UInt8]) -> Reading? {
    guard let entry = try? Entry.parse(bytes),
      let event = try? Event(kind: entry.kind, payload: entry.payload)
    else { return nil }
    return Reading(
      seq: entry.seq, time: entry.time, kind: entry.kind, previous: entry.previousHash, event: event)
  }

  static func fast(_ bytes: [UInt8]) -> (Reading, DecodedEntry)? {
    bytes.withUnsafeBufferPointer { buffer in
      guard let decoded = EntryDecoding.decode(buffer) else { return nil }
      let time = String(decoding: bytes[decoded.timeRange], as: UTF8.self)
      return (
        Reading(
          seq: decoded.seq, time: time, kind: decoded.kind, previous: decoded.previousHash.bytes,
          event: decoded.event), decoded
      )
    }
  }

  // MARK: Random entries

  struct Maker {
    var random: SeededGenerator

    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    /// Mostly ordinary numbers; sometimes the edges of Int64.
    mutating func number() -> Int64 {
      switch Int.random(in: 0..<10, using: &random) {
      case 0:
        return [Int64.min, Int64.max, 0, -1, Int64.min + 1, Int64.max - 1].randomElement(using: &random)!
      case 1: return int(Int64.min...Int64.max)
      default: return int(-5...500_000)
      }
    }

    /// Ids and text: canonical ids, odd ones, non-ASCII, and characters that need escapes.
    mutating func text(_ prefix: String) -> String {
      switch Int.random(in: 0..<12, using: &random) {
      case 0: return prefix + "0" + String(int(0...99))
      case 1: return "青少年篮球" + String(int(1...9))
      case 2: return "a\"b\\c"
      case 3: return "line\nbreak\u{01}"
      case 4: return ""
      case 5: return "e\u{301}" + prefix + "🙂"
      case 6: return prefix + "\u{212A}" + String(int(1...9))
      default: return prefix + String(int(1...2_000_000))
      }
    }

    mutating func postings(_ amount: Int64) -> [Posting] {
      if chance(10) { return [] }
      if chance(10) { return [Posting(account: text("x:"), amountFen: number())] }
      return Posting.transfer(
        amount == Int64.min ? 1 : amount, from: Posting.parent(text("P")), to: Posting.escrow(text("E")))
    }

    mutating func event() -> Event {
      switch Int.random(in: 0..<7, using: &random) {
      case 0:
        let amount = number()
        return .payment(
          Payment(
            enrollment: text("E"), bankRef: text("PAY"), student: text("S"), parent: text("P"),
            classID: text("B"), institution: text("52"), hours: number(), amountFen: amount,
            paidAt: "2026-02-10T10:30:00+08:00", postings: postings(amount)))
      case 1:
        return .parentFlow(
          .contractIssued(
            ContractIssued(
              enrollment: text("E"), template: "GF-2021-2604", confirmationWindowWorkingDays: number(),
              refundAnswerWorkingDays: number())))
      case 2:
        return .lessonRecorded(
          LessonRecorded(lesson: text("L"), enrollment: text("E"), hours: number(), taughtAt: text("2026")))
      case 3:
        let amount = number()
        return .lessonReleased(
          LessonReleased(
            lesson: text("L"), enrollment: text("E"),
            basis: [ReleaseBasis.confirmed, .deemed, .resolved].randomElement(using: &random)!,
            amountFen: amount, postings: postings(amount)))
      case 4:
        let amount = number()
        return .refund(
          Refund(
            refund: text("R"), enrollment: text("E"), bankRef: text("RF"), hours: number(), amountFen: amount,
            reason: text("原因"), allRemaining: chance(50), postings: postings(amount),
            request: chance(30) ? text("RA") : nil))
      case 5:
        return .studentAdded(
          StudentAdded(id: text("S"), parent: text("P"), commitment: text("c"), grade: number()))
      default:
        return .parentRegistered(ParentRegistered(id: text("P"), commitment: text("c")))
      }
    }

    mutating func entryBytes(_ event: Event) -> [UInt8] {
      var previous = [UInt8](repeating: 0, count: 32)
      for index in previous.indices { previous[index] = UInt8.random(in: 0...255, using: &random) }
      return Entry(
        seq: int(1...5_000_000), time: "2026-11-29T10:07:42Z", kind: event.kind, payload: event.payload,
        previousHash: previous
      ).bytes
    }

    /// One mutation of deterministic entry bytes, of the kinds a tamperer or a bug would make.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
      var bytes = bytes
      let position = Int.random(in: 0..<bytes.count, using: &random)
      func replace(_ old: [UInt8], _ new: [UInt8]) {
        var starts: [Int] = []
        if bytes.count >= old.count {
          for start in 0...(bytes.count - old.count) where Array(bytes[start..<(start + old.count)]) == old {
            starts.append(start)
          }
        }
        guard let start = starts.randomElement(using: &random) else { return }
        bytes.replaceSubrange(start..<(start + old.count), with: new)
      }
      func key(_ name: String) -> [UInt8] { CBORValue.text(name).encoded }
      switch Int.random(in: 0..<14, using: &random) {
      case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
      case 1: bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &random)
      case 2: bytes.remove(at: position)
      case 3: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
      // A member renamed, or a key's length changed.
      case 4: replace(key("hours"), key("hourz"))
      case 5: replace(key("student"), key("studenz"))
      case 6: replace(key("amountFen"), key("amountFen!"))
      // A small integer in a longer head than it needs, or its sign flipped.
      case 7:
        let small = UInt8.random(in: 0...23, using: &random)
        replace(key("hours") + [small], key("hours") + [0x18, small])
      case 8: replace([0x1A], [0x1B, 0, 0, 0, 0])
      case 9: replace([0x1A], [0x3A])
      // A text string's head widened, a map's count changed, a boolean made an integer.
      case 10: replace([0x62], [0x78, 0x02])
      case 11: replace([0xA4], [0xA5])
      case 12: replace([0xF5], [0x01])
      default: bytes.append(0x00)
      }
      return bytes
    }
  }

  @Test func theFastPathReadsEveryHotKindAsTheGenericPathDoes() throws {
    var maker = Maker(random: SeededGenerator(seed: 0x5EED_0001))
    var fastAccepted = 0
    for _ in 0..<4_000 {
      let event = maker.event()
      let bytes = maker.entryBytes(event)
      let generic = try #require(Self.generic(bytes), "a written entry reads back")
      #expect(generic.event == event)
      let (fast, decoded) = try #require(Self.fast(bytes), "the fast path refused \(Hex.encode(bytes))")
      fastAccepted += 1
      #expect(fast == generic)
      // Re-encoding what the fast path read gives the same bytes, and its payload range holds
      // exactly the payload's CBOR bytes.
      let again = Entry(
        seq: fast.seq, time: fast.time, kind: fast.kind, payload: fast.event.payload,
        previousHash: fast.previous)
      #expect(again.bytes == bytes)
      #expect(Array(bytes[decoded.payloadRange]) == fast.event.payload.cborBytes)
    }
    #expect(fastAccepted == 4_000, "the fast path took \(fastAccepted) of 4000 entries")
  }

  @Test func mutatedEntriesGetTheGenericPathsVerdict() throws {
    var maker = Maker(random: SeededGenerator(seed: 0x5EED_0002))
    var refused = 0
    var accepted = 0
    for _ in 0..<20_000 {
      var bytes = maker.entryBytes(maker.event())
      for _ in 0..<Int.random(in: 1...3, using: &maker.random) { bytes = maker.mutate(bytes) }
      let generic = Self.generic(bytes)
      if let (fast, _) = Self.fast(bytes) {
        accepted += 1
        #expect(fast == generic, "fast and generic differ on \(Hex.encode(bytes))")
      } else if generic == nil {
        refused += 1
      }
    }
    // The mutations reach both outcomes.
    #expect(refused > 5_000, "\(refused) refused")
    #expect(accepted > 1_000, "\(accepted) accepted")
  }

  @Test func theFastPathRefusesWhatTheGenericPathRefuses() throws {
    func envelope(_ change: (inout [CBORValue: CBORValue]) -> Void) -> [UInt8] {
      var members: [CBORValue: CBORValue] = [
        .text("v"): .integer(2), .text("seq"): .integer(5), .text("kind"): .text("parent.registered"),
        .text("prev"): .bytes([UInt8](repeating: 0, count: 32)), .text("time"): .text("2026-11-29T10:07:42Z"),
        .text("payload"): .map([.text("commitment"): .text("c1"), .text("id"): .text("P1")]),
      ]
      change(&members)
      return CBORValue.map(members).encoded
    }
    let valid = envelope { _ in }
    #expect(Self.fast(valid) != nil)
    #expect(Self.generic(valid) != nil)
    let seqAt = valid.firstIndex(of: 0x05)!
    var longSeq = valid
    longSeq.replaceSubrange(seqAt...seqAt, with: [0x18, 0x05])
    let broken: [[UInt8]] = [
      envelope { $0[.text("seq")] = .integer(0) },
      envelope { $0[.text("v")] = .integer(1) },
      envelope { $0[.text("time")] = .text("2026-11-29T10:07:42+") },
      envelope { $0[.text("prev")] = .bytes([UInt8](repeating: 0, count: 31)) },
      envelope { $0[.text("prev")] = .text(String(repeating: "0", count: 64)) },
      envelope { $0[.text("payload")] = .map([.text("commitment"): .text("c1"), .text("id"): .integer(1)]) },
      envelope { $0[.text("payload")] = .map([.text("commitment"): .text("c1")]) },
      envelope { $0[.text("x")] = .integer(1) },
      envelope { $0[.text("v")] = nil },
      longSeq,
      valid + [0x00],
    ]
    for bytes in broken {
      #expect(Self.fast(bytes) == nil, "fast path accepted \(Hex.encode(bytes))")
      #expect(Self.generic(bytes) == nil, "generic path accepted \(Hex.encode(bytes))")
    }
    // Invalid UTF-8 inside a text string.
    var bytes = valid
    bytes[bytes.lastIndex(of: UInt8(ascii: "c"))!] = 0xC3
    #expect(Self.fast(bytes) == nil && Self.generic(bytes) == nil)
  }
}

extension String {
  func components(of piece: String) -> Int {
    var count = 0
    var rest = self[...]
    while let range = rest.range(of: piece) {
      count += 1
      rest = rest[range.upperBound...]
    }
    return count
  }

  func range(of piece: String) -> Range<String.Index>? { self[...].range(of: piece) }

  /// Replaces the `number`-th occurrence of `old`.
  func replacingOccurrence(_ old: String, with new: String, number: Int) -> String {
    var rest = self[...]
    var seen = 0
    while let range = rest.range(of: old) {
      if seen == number { return String(self[..<range.lowerBound]) + new + String(self[range.upperBound...]) }
      seen += 1
      rest = self[range.upperBound...]
    }
    return self
  }

  func replacingOccurrences(_ old: String, _ new: String) -> String {
    var result = ""
    var rest = self[...]
    while let range = rest.range(of: old) {
      result += rest[..<range.lowerBound] + new
      rest = rest[range.upperBound...]
    }
    return result + rest
  }
}

extension Substring {
  /// The first range of `piece`, comparing UTF-8 bytes.
  func range(of piece: String) -> Range<String.Index>? {
    let needle = Array(piece.utf8)
    guard !needle.isEmpty else { return nil }
    var index = utf8.startIndex
    while index != utf8.endIndex {
      var probe = index
      var matched = 0
      while matched < needle.count, probe != utf8.endIndex, utf8[probe] == needle[matched] {
        matched += 1
        probe = utf8.index(after: probe)
      }
      if matched == needle.count { return index..<probe }
      index = utf8.index(after: index)
    }
    return nil
  }
}

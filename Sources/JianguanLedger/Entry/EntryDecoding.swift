import JianguanCrypto

/// An entry read straight from its bytes by `EntryDecoding`: the envelope's fields and the typed
/// event, with no value tree and no `Codable` in between.
public struct DecodedEntry: Sendable {
  public var seq: Int64
  public var kind: String
  public var previousHash: SHA256Digest
  public var event: Event
  /// Where the payload map and the time string's characters are in the entry bytes.
  public var payloadRange: Range<Int>
  public var timeRange: Range<Int>
}

/// The fast decoding path of the hot entry kinds (`payment`, `contract.issued`, `lesson.recorded`,
/// `lesson.released`, `refund`, `student.added`, `parent.registered`).
///
/// It accepts only bytes that are in exact deterministic CBOR, with exactly the members
/// `Entry.parse` and `Event(kind:payload:)` expect, of the types they expect: keys in order,
/// shortest heads, integers within Int64, text of valid UTF-8. Anything else — another kind, an
/// extra or missing member, any doubt — gives nil, and the caller takes the generic path
/// (`Entry.parse` + `Event(kind:payload:)`), so a malformed entry is refused there with its reason.
/// When it gives an entry, the generic path gives the same fields and the same event
/// (`EntryDecodingTests` checks this on random and mutated entries).
public enum EntryDecoding {
  /// The entry in `bytes`, or nil when the generic path must decide.
  public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodedEntry? {
    guard let base = bytes.baseAddress, bytes.count <= Entry.maximumBytes else { return nil }
    var cursor = CBORCursor(base: base, count: bytes.count)
    guard let envelope = cursor.envelope(), let kind = Kind(cursor.slice(envelope.kind)) else { return nil }
    let (seq, previous, timeRange) = (envelope.seq, envelope.previous, envelope.time)
    let payloadStart = cursor.position
    let parsed: Event?
    switch kind {
    case .payment: parsed = cursor.payment().map(Event.payment)
    case .contractIssued: parsed = cursor.contract().map { .parentFlow(.contractIssued($0)) }
    case .lessonRecorded: parsed = cursor.lessonRecorded().map(Event.lessonRecorded)
    case .lessonReleased: parsed = cursor.lessonReleased().map(Event.lessonReleased)
    case .refund: parsed = cursor.refund().map(Event.refund)
    case .studentAdded: parsed = cursor.studentAdded().map(Event.studentAdded)
    case .parentRegistered: parsed = cursor.parentRegistered().map(Event.parentRegistered)
    }
    guard let event = parsed, cursor.position == cursor.count else { return nil }
    return DecodedEntry(
      seq: seq, kind: kind.name, previousHash: previous, event: event,
      payloadRange: payloadStart..<cursor.position, timeRange: timeRange)
  }

  /// The kinds this path reads; their names are string literals, so naming one allocates nothing.
  enum Kind {
    case payment, contractIssued, lessonRecorded, lessonReleased, refund, studentAdded, parentRegistered

    static let all: [(Kind, StaticString)] = [
      (.payment, "payment"), (.contractIssued, "contract.issued"), (.lessonRecorded, "lesson.recorded"),
      (.lessonReleased, "lesson.released"), (.refund, "refund"), (.studentAdded, "student.added"),
      (.parentRegistered, "parent.registered"),
    ]

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
      for (kind, name) in Kind.all where CBORCursor.equal(bytes, name) {
        self = kind
        return
      }
      return nil
    }

    var name: String {
      switch self {
      case .payment: "payment"
      case .contractIssued: "contract.issued"
      case .lessonRecorded: "lesson.recorded"
      case .lessonReleased: "lesson.released"
      case .refund: "refund"
      case .studentAdded: "student.added"
      case .parentRegistered: "parent.registered"
      }
    }
  }
}

/// A read position in entry bytes. Every method either consumes exactly what it matched and
/// returns it, or returns nil/false; after a failure the cursor is not used again.
struct CBORCursor {
  let base: UnsafePointer<UInt8>
  let count: Int
  var position = 0

  init(base: UnsafePointer<UInt8>, count: Int) {
    self.base = base
    self.count = count
  }

  func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
  }

  static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
    guard bytes.count == text.utf8CodeUnitCount else { return false }
    let expected = text.utf8Start
    for index in 0..<bytes.count where bytes[index] != expected[index] { return false }
    return true
  }

  /// A head of major type `major` in shortest form: its argument.
  @inline(__always)
  mutating func head(_ major: UInt8) -> UInt64? {
    guard position < count else { return nil }
    let initial = base[position]
    guard initial >> 5 == major else { return nil }
    let info = initial & 0x1F
    if info < 24 {
      position += 1
      return UInt64(info)
    }
    guard info <= 27 else { return nil }
    let length = 1 << Int(info - 24)
    guard count - position > length else { return nil }
    var argument: UInt64 = 0
    for index in 1...length { argument = argument << 8 | UInt64(base[position + index]) }
    let smallest: UInt64 = info == 24 ? 24 : 1 << (4 << (info - 24))
    guard argument >= smallest else { return nil }
    position += 1 + length
    return argument
  }

  /// A map head of exactly `members` members.
  mutating func mapHead(_ members: UInt64) -> Bool { head(5) == members }

  /// Consumes the text key `name` if the bytes at the position are exactly its encoding.
  @inline(__always)
  mutating func key(_ name: StaticString) -> Bool {
    let length = name.utf8CodeUnitCount
    let start = position
    guard head(3) == UInt64(length), count - position >= length else {
      position = start
      return false
    }
    let expected = name.utf8Start
    for index in 0..<length where base[position + index] != expected[index] {
      position = start
      return false
    }
    position += length
    return true
  }

  /// A text string of valid UTF-8: the range of its bytes.
  mutating func textRange() -> Range<Int>? {
    guard let length = head(3), length <= UInt64(count - position) else { return nil }
    let range = position..<(position + Int(length))
    let bytes = slice(range)
    if bytes.contains(where: { $0 >= 0x80 }), String(validating: bytes, as: UTF8.self) == nil { return nil }
    position = range.upperBound
    return range
  }

  /// A text member's value as a Swift string (ids of up to 15 bytes are stored inline and
  /// allocate nothing).
  mutating func string() -> String? {
    guard let range = textRange() else { return nil }
    return String(decoding: slice(range), as: UTF8.self)
  }

  /// An integer (major type 0 or 1) in shortest form within Int64.
  mutating func integer() -> Int64? {
    guard position < count else { return nil }
    let negative = base[position] >> 5 == 1
    guard let argument = head(negative ? 1 : 0), argument <= UInt64(Int64.max) else { return nil }
    return negative ? ~Int64(argument) : Int64(argument)
  }

  mutating func boolean() -> Bool? {
    guard position < count else { return nil }
    switch base[position] {
    case 0xF4:
      position += 1
      return false
    case 0xF5:
      position += 1
      return true
    default: return nil
    }
  }

  /// A byte string of 32 bytes.
  mutating func digest() -> SHA256Digest? {
    guard count - position >= 34, base[position] == 0x58, base[position + 1] == 0x20 else { return nil }
    position += 34
    return SHA256Digest(base + position - 32)
  }

  /// The entry's time: a text string of 20 ASCII characters ending in `Z`.
  mutating func time() -> Range<Int>? {
    guard count - position >= 21, base[position] == 0x74, base[position + 20] == UInt8(ascii: "Z") else {
      return nil
    }
    for index in (position + 1)..<(position + 21) where base[index] >= 0x80 { return nil }
    position += 21
    return (position - 20)..<position
  }

  /// `[{"account": …, "amountFen": …}, …]`
  mutating func postings() -> [Posting]? {
    guard let items = head(4), items <= UInt64(count - position) else { return nil }
    var postings: [Posting] = []
    postings.reserveCapacity(Int(items))
    for _ in 0..<items {
      guard mapHead(2), key("account"), let account = string(), key("amountFen"), let amount = integer()
      else { return nil }
      postings.append(Posting(account: account, amountFen: amount))
    }
    return postings
  }
}

extension CBORCursor {
  /// The envelope's members before the payload, which comes last (`"payload"` is the longest
  /// key): the cursor is left at the payload.
  mutating func envelope() -> (seq: Int64, kind: Range<Int>, previous: SHA256Digest, time: Range<Int>)? {
    guard mapHead(6), key("v"), integer() == Entry.formatVersion, key("seq"), let seq = integer(), seq >= 1,
      key("kind"), let kind = textRange(), !kind.isEmpty, key("prev"), let previous = digest(), key("time"),
      let time = time(), key("payload")
    else { return nil }
    return (seq, kind, previous, time)
  }
}

extension EntryDecoding {
  /// The time (`YYYY-MM-DDTHH:MM:SSZ`) of v2 entry bytes, read from the envelope alone; nil when
  /// the envelope is not well-formed.
  public static func time(_ bytes: [UInt8]) -> String? {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return nil }
      var cursor = CBORCursor(base: base, count: buffer.count)
      guard let envelope = cursor.envelope() else { return nil }
      return String(decoding: cursor.slice(envelope.time), as: UTF8.self)
    }
  }
}

// The payloads, member by member in deterministic order (shorter keys first, then bytewise).
extension CBORCursor {
  mutating func payment() -> Payment? {
    guard mapHead(10), key("class"), let classID = string(), key("hours"), let hours = integer(),
      key("paidAt"), let paidAt = string(), key("parent"), let parent = string(), key("bankRef"),
      let bankRef = string(), key("student"), let student = string(), key("postings"),
      let postings = postings(), key("amountFen"), let amountFen = integer(), key("enrollment"),
      let enrollment = string(), key("institution"), let institution = string()
    else { return nil }
    return Payment(
      enrollment: enrollment, bankRef: bankRef, student: student, parent: parent, classID: classID,
      institution: institution, hours: hours, amountFen: amountFen, paidAt: paidAt, postings: postings)
  }

  mutating func contract() -> ContractIssued? {
    guard mapHead(4), key("template"), let template = string(), key("enrollment"),
      let enrollment = string(), key("refundAnswerWorkingDays"), let answerDays = integer(),
      key("confirmationWindowWorkingDays"), let window = integer()
    else { return nil }
    return ContractIssued(
      enrollment: enrollment, template: template, confirmationWindowWorkingDays: window,
      refundAnswerWorkingDays: answerDays)
  }

  mutating func lessonRecorded() -> LessonRecorded? {
    guard mapHead(4), key("hours"), let hours = integer(), key("lesson"), let lesson = string(),
      key("taughtAt"), let taughtAt = string(), key("enrollment"), let enrollment = string()
    else { return nil }
    return LessonRecorded(lesson: lesson, enrollment: enrollment, hours: hours, taughtAt: taughtAt)
  }

  mutating func lessonReleased() -> LessonReleased? {
    guard mapHead(5), key("basis"), let basisRange = textRange(),
      let basis = CBORCursor.releaseBasis(slice(basisRange)), key("lesson"), let lesson = string(),
      key("postings"), let postings = postings(), key("amountFen"), let amountFen = integer(),
      key("enrollment"), let enrollment = string()
    else { return nil }
    return LessonReleased(
      lesson: lesson, enrollment: enrollment, basis: basis, amountFen: amountFen, postings: postings)
  }

  static func releaseBasis(_ bytes: UnsafeBufferPointer<UInt8>) -> ReleaseBasis? {
    if equal(bytes, "confirmed") { return .confirmed }
    if equal(bytes, "deemed") { return .deemed }
    if equal(bytes, "resolved") { return .resolved }
    return nil
  }

  mutating func refund() -> Refund? {
    let members = head(5)
    guard members == 8 || members == 9, key("hours"), let hours = integer(), key("reason"),
      let reason = string(), key("refund"), let refund = string(), key("bankRef"), let bankRef = string()
    else { return nil }
    var request: String?
    if members == 9 {
      guard key("request"), let text = string() else { return nil }
      request = text
    }
    guard key("postings"), let postings = postings(), key("amountFen"), let amountFen = integer(),
      key("enrollment"), let enrollment = string(), key("allRemaining"), let allRemaining = boolean()
    else { return nil }
    return Refund(
      refund: refund, enrollment: enrollment, bankRef: bankRef, hours: hours, amountFen: amountFen,
      reason: reason, allRemaining: allRemaining, postings: postings, request: request)
  }

  mutating func studentAdded() -> StudentAdded? {
    guard mapHead(4), key("id"), let id = string(), key("grade"), let grade = integer(), key("parent"),
      let parent = string(), key("commitment"), let commitment = string()
    else { return nil }
    return StudentAdded(id: id, parent: parent, commitment: commitment, grade: grade)
  }

  mutating func parentRegistered() -> ParentRegistered? {
    guard mapHead(2), key("id"), let id = string(), key("commitment"), let commitment = string()
    else { return nil }
    return ParentRegistered(id: id, commitment: commitment)
  }
}

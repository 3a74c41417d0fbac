import JianguanCrypto

/// An entry read straight from its bytes by `EntryDecoding`: the envelope's fields and the typed
/// event, with no `JSONValue` tree and no `Codable` in between.
public struct DecodedEntry: Sendable {
  public var seq: Int64
  public var kind: String
  public var previousHash: SHA256Digest
  public var event: Event
  /// Where the payload object and the time string's characters are in the entry bytes: the payload
  /// bytes are canonical, so they are the bytes `event.payload` encodes to.
  public var payloadRange: Range<Int>
  public var timeRange: Range<Int>
}

/// The fast decoding path of the hot entry kinds (`payment`, `contract.issued`, `lesson.recorded`,
/// `lesson.released`, `refund`, `student.added`, `parent.registered`).
///
/// It accepts only bytes that are in exact canonical form, with exactly the members
/// `Entry.parse` and `Event(kind:payload:)` expect, of the types they expect: keys in order, no
/// whitespace, shortest integers within Int64, strings of valid UTF-8 without raw control
/// characters. Anything else — another kind, an escape inside a string, an extra or missing
/// member, any doubt — gives nil, and the caller takes the generic path
/// (`Entry.parse` + `Event(kind:payload:)`), so a malformed entry is refused there with the same
/// message as ever. When it gives an entry, the generic path gives the same fields and the same
/// event (`EntryDecodingTests` checks this on random and mutated entries).
public enum EntryDecoding {
  /// The entry in `bytes`, or nil when the generic path must decide.
  public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodedEntry? {
    guard let base = bytes.baseAddress, bytes.count <= CanonicalJSONParser.maximumBytes else { return nil }
    var cursor = ByteCursor(base: base, count: bytes.count)
    guard cursor.literal("{\"kind\":"), let kindRange = cursor.plainString(),
      let kind = Kind(cursor.slice(kindRange)), cursor.literal(",\"payload\":")
    else { return nil }
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
    guard let event = parsed else { return nil }
    let payloadEnd = cursor.position
    guard cursor.literal(",\"prev\":\""), let previous = cursor.hexDigest(), cursor.literal("\",\"seq\":"),
      let seq = cursor.integer(), seq >= 1, cursor.literal(",\"time\":\""), let timeRange = cursor.time(),
      cursor.literal(",\"v\":1}"), cursor.position == cursor.count
    else { return nil }
    return DecodedEntry(
      seq: seq, kind: kind.name, previousHash: previous, event: event,
      payloadRange: payloadStart..<payloadEnd,
      timeRange: timeRange)
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
      for (kind, name) in Kind.all where ByteCursor.equal(bytes, name) {
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
struct ByteCursor {
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

  /// Consumes `text` if the bytes at the position are exactly it.
  @inline(__always)
  mutating func literal(_ text: StaticString) -> Bool {
    let length = text.utf8CodeUnitCount
    guard count - position >= length else { return false }
    let expected = text.utf8Start
    for index in 0..<length where base[position + index] != expected[index] { return false }
    position += length
    return true
  }

  /// A string without escapes: the range of its characters (quotes excluded), which are valid
  /// UTF-8 without control characters. Nil for an escape (the generic path unescapes), a raw
  /// control character, invalid UTF-8 or a missing quote.
  mutating func plainString() -> Range<Int>? {
    guard position < count, base[position] == UInt8(ascii: "\"") else { return nil }
    let start = position + 1
    var end = start
    var high: UInt8 = 0
    while end < count {
      let byte = base[end]
      if byte == UInt8(ascii: "\"") { break }
      if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
      high |= byte
      end += 1
    }
    guard end < count else { return nil }
    if high >= 0x80, !ByteCursor.isValidUTF8(UnsafeBufferPointer(start: base + start, count: end - start)) {
      return nil
    }
    position = end + 1
    return start..<end
  }

  /// A string member's value as a Swift string (no copy beyond the string's own storage; ids of
  /// up to 15 bytes are stored inline and allocate nothing).
  mutating func string() -> String? {
    guard let range = plainString() else { return nil }
    return String(decoding: slice(range), as: UTF8.self)
  }

  /// The UTF-8 validation `String(validating:as:)` does, which the generic parser applies.
  static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    String(validating: bytes, as: UTF8.self) != nil
  }

  /// An integer in shortest form within Int64: an optional `-`, no leading zero, no `-0`. The
  /// byte after it is checked by the caller's next literal (so `1.5` or `1e3` fail there).
  mutating func integer() -> Int64? {
    var index = position
    var negative = false
    if index < count, base[index] == UInt8(ascii: "-") {
      negative = true
      index += 1
    }
    let start = index
    var magnitude: UInt64 = 0
    while index < count {
      let digit = base[index] &- UInt8(ascii: "0")
      if digit > 9 { break }
      // 19 digits always fit a UInt64; a 20th means the value is beyond Int64.
      if index - start == 19 { return nil }
      magnitude = magnitude * 10 + UInt64(digit)
      index += 1
    }
    let digits = index - start
    guard digits > 0 else { return nil }
    if base[start] == UInt8(ascii: "0") && (digits > 1 || negative) { return nil }
    let value: Int64
    if negative {
      guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
      value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    } else {
      guard magnitude <= UInt64(Int64.max) else { return nil }
      value = Int64(magnitude)
    }
    position = index
    return value
  }

  mutating func boolean() -> Bool? {
    if literal("true") { return true }
    if literal("false") { return false }
    return nil
  }

  /// 64 lower-case hex digits.
  mutating func hexDigest() -> SHA256Digest? {
    guard count - position >= 64 else { return nil }
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var invalid: UInt8 = 0
    ByteCursor.hexValues.withUnsafeBufferPointer { table in
      withUnsafeMutableBytes(of: &words) { out in
        let digits = base + position
        for index in 0..<32 {
          let high = table[Int(digits[2 * index])]
          let low = table[Int(digits[2 * index + 1])]
          invalid |= high | low
          out[index] = high << 4 | (low & 15)
        }
      }
    }
    guard invalid & 0xF0 == 0 else { return nil }
    position += 64
    return withUnsafeBytes(of: &words) { SHA256Digest($0.baseAddress!) }
  }

  /// The value of each byte as a lower-case hex digit, or 0xFF.
  static let hexValues: [UInt8] = (0...255).map { byte in
    switch UInt8(byte) {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
    default: 0xFF
    }
  }

  /// The entry's time: 20 ASCII characters ending in `Z`, then the closing quote.
  mutating func time() -> Range<Int>? {
    guard count - position >= 21, base[position + 19] == UInt8(ascii: "Z"),
      base[position + 20] == UInt8(ascii: "\"")
    else { return nil }
    for index in position..<(position + 20) {
      let byte = base[index]
      if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        return nil
      }
    }
    let range = position..<(position + 20)
    position += 21
    return range
  }

  /// `[{"account":…,"amountFen":…},…]`
  mutating func postings() -> [Posting]? {
    guard literal("[") else { return nil }
    var postings: [Posting] = []
    postings.reserveCapacity(2)
    if literal("]") { return postings }
    repeat {
      guard literal("{\"account\":"), let account = string(), literal(",\"amountFen\":"),
        let amount = integer(), literal("}")
      else { return nil }
      postings.append(Posting(account: account, amountFen: amount))
    } while literal(",")
    guard literal("]") else { return nil }
    return postings
  }
}

// The payloads, member by member in canonical (UTF-8 byte) order.
extension ByteCursor {
  mutating func payment() -> Payment? {
    guard literal("{\"amountFen\":"), let amountFen = integer(), literal(",\"bankRef\":"),
      let bankRef = string(), literal(",\"class\":"), let classID = string(), literal(",\"enrollment\":"),
      let enrollment = string(), literal(",\"hours\":"), let hours = integer(),
      literal(",\"institution\":"), let institution = string(), literal(",\"paidAt\":"),
      let paidAt = string(), literal(",\"parent\":"), let parent = string(), literal(",\"postings\":"),
      let postings = postings(), literal(",\"student\":"), let student = string(), literal("}")
    else { return nil }
    return Payment(
      enrollment: enrollment, bankRef: bankRef, student: student, parent: parent, classID: classID,
      institution: institution, hours: hours, amountFen: amountFen, paidAt: paidAt, postings: postings)
  }

  mutating func contract() -> ContractIssued? {
    guard literal("{\"amountFen\":"), let amountFen = integer(), literal(",\"class\":"),
      let classID = string(), literal(",\"confirmationWindowWorkingDays\":"), let window = integer(),
      literal(",\"course\":"), let course = string(), literal(",\"courseName\":"), let courseName = string(),
      literal(",\"delivery\":"), let delivery = string(), literal(",\"ends\":"), let ends = string(),
      literal(",\"enrollment\":"), let enrollment = string(), literal(",\"escrowAccount\":"),
      let escrowAccount = string(), literal(",\"escrowBank\":"), let escrowBank = string(),
      literal(",\"hours\":"), let hours = integer(), literal(",\"institution\":"),
      let institution = string(), literal(",\"institutionName\":"), let institutionName = string(),
      literal(",\"lessonMinutes\":"), let lessonMinutes = integer(), literal(",\"licence\":"),
      let licence = string(), literal(",\"mode\":"), let mode = string(), literal(",\"parent\":"),
      let parent = string(), literal(",\"paymentBankRef\":"), let paymentBankRef = string(),
      literal(",\"pricePerHourFen\":"), let pricePerHourFen = integer(),
      literal(",\"refundAnswerWorkingDays\":"), let answerDays = integer(), literal(",\"signedAt\":"),
      let signedAt = string(), literal(",\"starts\":"), let starts = string(), literal(",\"student\":"),
      let student = string(), literal(",\"template\":"), let template = string(), literal("}")
    else { return nil }
    return ContractIssued(
      enrollment: enrollment, template: template, institution: institution, institutionName: institutionName,
      licence: licence, parent: parent, student: student, classID: classID, course: course,
      courseName: courseName, delivery: delivery, lessonMinutes: lessonMinutes, starts: starts, ends: ends,
      hours: hours, amountFen: amountFen, pricePerHourFen: pricePerHourFen, mode: mode,
      escrowBank: escrowBank, escrowAccount: escrowAccount, confirmationWindowWorkingDays: window,
      refundAnswerWorkingDays: answerDays, paymentBankRef: paymentBankRef, signedAt: signedAt)
  }

  mutating func lessonRecorded() -> LessonRecorded? {
    guard literal("{\"enrollment\":"), let enrollment = string(), literal(",\"hours\":"),
      let hours = integer(), literal(",\"lesson\":"), let lesson = string(), literal(",\"taughtAt\":"),
      let taughtAt = string(), literal("}")
    else { return nil }
    return LessonRecorded(lesson: lesson, enrollment: enrollment, hours: hours, taughtAt: taughtAt)
  }

  mutating func lessonReleased() -> LessonReleased? {
    guard literal("{\"amountFen\":"), let amountFen = integer(), literal(",\"basis\":"),
      let basisRange = plainString(), let basis = ByteCursor.releaseBasis(slice(basisRange)),
      literal(",\"enrollment\":"), let enrollment = string(), literal(",\"lesson\":"),
      let lesson = string(), literal(",\"postings\":"), let postings = postings(), literal("}")
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
    guard literal("{\"allRemaining\":"), let allRemaining = boolean(), literal(",\"amountFen\":"),
      let amountFen = integer(), literal(",\"bankRef\":"), let bankRef = string(),
      literal(",\"enrollment\":"), let enrollment = string(), literal(",\"hours\":"),
      let hours = integer(), literal(",\"postings\":"), let postings = postings(),
      literal(",\"reason\":"), let reason = string(), literal(",\"refund\":"), let refund = string()
    else { return nil }
    var request: String?
    if literal(",\"request\":") {
      guard let text = string() else { return nil }
      request = text
    }
    guard literal("}") else { return nil }
    return Refund(
      refund: refund, enrollment: enrollment, bankRef: bankRef, hours: hours, amountFen: amountFen,
      reason: reason, allRemaining: allRemaining, postings: postings, request: request)
  }

  mutating func studentAdded() -> StudentAdded? {
    guard literal("{\"commitment\":"), let commitment = string(), literal(",\"grade\":"),
      let grade = integer(), literal(",\"id\":"), let id = string(), literal(",\"parent\":"),
      let parent = string(), literal("}")
    else { return nil }
    return StudentAdded(id: id, parent: parent, commitment: commitment, grade: grade)
  }

  mutating func parentRegistered() -> ParentRegistered? {
    guard literal("{\"commitment\":"), let commitment = string(), literal(",\"id\":"), let id = string(),
      literal("}")
    else { return nil }
    return ParentRegistered(id: id, commitment: commitment)
  }
}

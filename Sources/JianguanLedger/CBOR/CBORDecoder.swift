/// Reads the ledger's deterministic CBOR and refuses anything else, each time with the reason:
/// a head longer than its argument needs, an indefinite length, a float, null, undefined or any
/// other simple value, a tag, an integer beyond Int64, text that is not UTF-8, map keys out of
/// order or repeated, bytes missing or left over. What it accepts re-encodes to the same bytes.
public struct CBORDecoder {
  /// The deepest nesting of arrays and maps accepted.
  public static let maximumDepth = 32

  let base: UnsafeBufferPointer<UInt8>
  public private(set) var position = 0

  init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

  /// The one data item that `bytes` hold, whole.
  public static func decode(_ bytes: [UInt8]) throws(CBORError) -> CBORValue {
    try bytes.withUnsafeBufferPointer { (buffer) throws(CBORError) -> CBORValue in try decode(buffer) }
  }

  public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(CBORError) -> CBORValue {
    var decoder = CBORDecoder(bytes)
    let value = try decoder.value(depth: 0)
    guard decoder.position == bytes.count else {
      throw CBORError(
        offset: decoder.position, "\(bytes.count - decoder.position) bytes follow the data item")
    }
    return value
  }

  /// The major type and the argument of the head at the position, checked to be in shortest form.
  mutating func head() throws(CBORError) -> (major: UInt8, argument: UInt64) {
    let start = position
    guard position < base.count else {
      throw CBORError(offset: start, "the data ends where a data item should be")
    }
    let initial = base[position]
    position += 1
    let major = initial >> 5
    let info = initial & 0x1F
    switch info {
    case 0..<24: return (major, UInt64(info))
    case 24...27 where major == 7:
      throw CBORError(
        offset: start,
        info == 24 ? "the simple value in 0xf8 is not used" : "floating-point numbers are not used")
    case 24...27:
      let length = 1 << Int(info - 24)
      guard base.count - position >= length else {
        throw CBORError(offset: start, "the data ends inside a head of \(length + 1) bytes")
      }
      var argument: UInt64 = 0
      for index in 0..<length { argument = argument << 8 | UInt64(base[position + index]) }
      position += length
      let smallest: UInt64 = info == 24 ? 24 : 1 << (4 << (info - 24))  // 24, 2^8, 2^16, 2^32
      guard argument >= smallest else {
        throw CBORError(
          offset: start,
          "the head 0x\(CBORDecoder.hex(initial)) takes \(length + 1) bytes for the argument \(argument), which has a shorter form (not deterministic)"
        )
      }
      return (major, argument)
    case 31:
      throw CBORError(
        offset: start, "indefinite length (head 0x\(CBORDecoder.hex(initial))) is not deterministic")
    default:
      throw CBORError(
        offset: start, "the head 0x\(CBORDecoder.hex(initial)) uses a reserved additional value")
    }
  }

  mutating func length(_ argument: UInt64, start: Int, unit: String) throws(CBORError) -> Int {
    guard argument <= UInt64(base.count - position) else {
      throw CBORError(offset: start, "a length of \(argument) \(unit) runs past the end of the data")
    }
    return Int(argument)
  }

  mutating func value(depth: Int) throws(CBORError) -> CBORValue {
    let start = position
    let (major, argument) = try head()
    switch major {
    case 0:
      guard argument <= UInt64(Int64.max) else {
        throw CBORError(offset: start, "the integer \(argument) is beyond 64-bit signed range")
      }
      return .integer(Int64(argument))
    case 1:
      guard argument <= UInt64(Int64.max) else {
        throw CBORError(offset: start, "the integer -1-\(argument) is beyond 64-bit signed range")
      }
      return .integer(~Int64(argument))
    case 2:
      let count = try length(argument, start: start, unit: "bytes")
      defer { position += count }
      return .bytes(Array(base[position..<(position + count)]))
    case 3:
      let count = try length(argument, start: start, unit: "bytes")
      let slice = UnsafeBufferPointer(rebasing: base[position..<(position + count)])
      guard let text = String(validating: slice, as: UTF8.self) else {
        throw CBORError(offset: start, "a text string is not valid UTF-8")
      }
      position += count
      return .text(text)
    case 4:
      guard depth < CBORDecoder.maximumDepth else {
        throw CBORError(offset: start, "arrays and maps are nested deeper than \(CBORDecoder.maximumDepth)")
      }
      // Each item takes at least one byte: a larger count cannot be honest.
      let count = try length(argument, start: start, unit: "items")
      var items: [CBORValue] = []
      items.reserveCapacity(count)
      for _ in 0..<count { items.append(try value(depth: depth + 1)) }
      return .array(items)
    case 5:
      guard depth < CBORDecoder.maximumDepth else {
        throw CBORError(offset: start, "arrays and maps are nested deeper than \(CBORDecoder.maximumDepth)")
      }
      guard argument <= UInt64(base.count - position) / 2 else {
        throw CBORError(offset: start, "a map of \(argument) members runs past the end of the data")
      }
      var members: [CBORValue: CBORValue] = [:]
      members.reserveCapacity(Int(argument))
      var previousKey: Range<Int>?
      for _ in 0..<Int(argument) {
        let keyStart = position
        let key = try value(depth: depth + 1)
        let keyRange = keyStart..<position
        if let previous = previousKey {
          let earlier = UnsafeBufferPointer(rebasing: base[previous])
          let this = UnsafeBufferPointer(rebasing: base[keyRange])
          if earlier.elementsEqual(this) {
            throw CBORError(offset: keyStart, "the map key \(CBORDecoder.describe(key)) appears twice")
          }
          guard earlier.lexicographicallyPrecedes(this) else {
            throw CBORError(
              offset: keyStart,
              "the map key \(CBORDecoder.describe(key)) comes after a key whose encoding sorts later (keys must be sorted by their encoded bytes)"
            )
          }
        }
        previousKey = keyRange
        members[key] = try value(depth: depth + 1)
      }
      return .map(members)
    case 6:
      throw CBORError(offset: start, "tags (here tag \(argument)) are not used")
    default:
      switch argument {
      case 20: return .bool(false)
      case 21: return .bool(true)
      case 22: throw CBORError(offset: start, "null is not used (an absent member is left out)")
      case 23: throw CBORError(offset: start, "undefined is not used")
      default: throw CBORError(offset: start, "the simple value \(argument) is not used")
      }
    }
  }

  static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }

  static func describe(_ key: CBORValue) -> String {
    switch key {
    case .text(let text): "\"\(text)\""
    case .integer(let number): String(number)
    default: "of another type"
    }
  }
}

/// Encodes `Encodable` values to `JSONValue` and decodes them back, so that payload types stay plain
/// `Codable` structs while the hashed bytes follow the canonical form of `JSONValue`.
/// Only integers, strings, booleans, arrays and objects exist: a `Double` or `nil` is a programmer
/// error here and traps; optionals are left out when nil.
public enum JSONValueCoder {
  public static func encode<T: Encodable>(_ value: T) -> JSONValue {
    let encoder = ValueEncoder()
    do { try value.encode(to: encoder) } catch { preconditionFailure("cannot encode \(T.self): \(error)") }
    return encoder.storage.value ?? .object([:])
  }

  /// Throws `Entry.FormatError` with one sentence naming the member (found by fuzzing: a raw
  /// `DecodingError` used to reach the audit's output).
  public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
    do {
      return try T(from: ValueDecoder(value: value, codingPath: []))
    } catch let error as DecodingError {
      throw Entry.FormatError(reason: sentence(error))
    }
  }

  /// "payload member postings[1].account is missing", "… amountFen: expected an integer, found "x"".
  static func sentence(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
      keys.reduce("") { text, key in
        if let index = key.intValue { return text + "[\(index)]" }
        return text.isEmpty ? key.stringValue : text + "." + key.stringValue
      }
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "payload member \(path(context.codingPath + [key])) is missing"
    case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context):
      let member = path(context.codingPath)
      return "payload \(member.isEmpty ? "" : "member \(member) ")is malformed: \(context.debugDescription)"
    @unknown default:
      return "payload is malformed: \(error)"
    }
  }
}

/// A reference box so nested containers write into their parent. Members and items are gathered
/// in place and turned into a `JSONValue` once, at the end (setting them one by one on a
/// `JSONValue.object` would copy the dictionary at every field).
final class ValueBox {
  private var members: [String: JSONValue]?
  private var items: [JSONValue]?
  private var single: JSONValue?

  init(_ value: JSONValue? = nil) { single = value }

  var value: JSONValue? {
    get {
      if let members { return .object(members) }
      if let items { return .array(items) }
      return single
    }
    set {
      members = nil
      items = nil
      single = newValue
    }
  }

  func startObject() { if members == nil { members = [:] } }
  func startArray() { if items == nil { items = [] } }

  func set(key: String, _ child: JSONValue) {
    if members == nil { members = [:] }
    members![key] = child
  }

  func append(_ child: JSONValue) {
    if items == nil { items = [] }
    items!.append(child)
  }

  var count: Int { items?.count ?? 0 }
}

struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int?
  init(stringValue: String) { self.stringValue = stringValue }
  init(intValue: Int) {
    self.stringValue = String(intValue)
    self.intValue = intValue
  }
}

final class ValueEncoder: Encoder {
  let storage: ValueBox
  var codingPath: [any CodingKey] = []
  var userInfo: [CodingUserInfoKey: Any] = [:]

  init(storage: ValueBox = ValueBox()) { self.storage = storage }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    storage.startObject()
    return KeyedEncodingContainer(KeyedValueEncoder<Key>(box: storage))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    storage.startArray()
    return UnkeyedValueEncoder(box: storage)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueEncoder(box: storage) }

  static func primitive<T: Encodable>(_ value: T) throws -> JSONValue {
    switch value {
    case let text as String: return .string(text)
    case let flag as Bool: return .bool(flag)
    case let number as Int64: return .integer(number)
    case let number as Int: return .integer(Int64(number))
    case let number as Int32: return .integer(Int64(number))
    case let number as UInt8: return .integer(Int64(number))
    default:
      let box = ValueBox()
      try value.encode(to: ValueEncoder(storage: box))
      guard let encoded = box.value else {
        throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "nothing encoded"))
      }
      return encoded
    }
  }
}

struct KeyedValueEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let box: ValueBox
  var codingPath: [any CodingKey] = []

  mutating func encodeNil(forKey key: Key) throws {}
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    box.set(key: key.stringValue, try ValueEncoder.primitive(value))
  }
  mutating func encode(_ value: Double, forKey key: Key) throws {
    preconditionFailure("floating point has no place in the ledger (field \(key.stringValue))")
  }
  mutating func encode(_ value: Float, forKey key: Key) throws {
    preconditionFailure("floating point has no place in the ledger (field \(key.stringValue))")
  }
  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    preconditionFailure("nested containers are not used by ledger payloads")
  }
  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    preconditionFailure("nested containers are not used by ledger payloads")
  }
  mutating func superEncoder() -> any Encoder { preconditionFailure("not used") }
  mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("not used") }
}

struct UnkeyedValueEncoder: UnkeyedEncodingContainer {
  let box: ValueBox
  var codingPath: [any CodingKey] = []
  var count: Int { box.count }

  mutating func encodeNil() throws { preconditionFailure("null has no place in the ledger") }
  mutating func encode<T: Encodable>(_ value: T) throws { box.append(try ValueEncoder.primitive(value)) }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  { preconditionFailure("nested containers are not used by ledger payloads") }
  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    preconditionFailure("nested containers are not used by ledger payloads")
  }
  mutating func superEncoder() -> any Encoder { preconditionFailure("not used") }
}

struct SingleValueEncoder: SingleValueEncodingContainer {
  let box: ValueBox
  var codingPath: [any CodingKey] = []
  mutating func encodeNil() throws { preconditionFailure("null has no place in the ledger") }
  mutating func encode<T: Encodable>(_ value: T) throws { box.value = try ValueEncoder.primitive(value) }
}

struct ValueDecoder: Decoder {
  let value: JSONValue
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func mismatch(_ expected: String) -> DecodingError {
    .typeMismatch(
      Any.self,
      .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.canonicalText)"))
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard let members = value.objectValue else { throw mismatch("an object") }
    return KeyedDecodingContainer(KeyedValueDecoder<Key>(members: members, codingPath: codingPath))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard let items = value.arrayValue else { throw mismatch("an array") }
    return UnkeyedValueDecoder(items: items, codingPath: codingPath)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { self }
}

extension ValueDecoder: SingleValueDecodingContainer {
  func decodeNil() -> Bool { false }
  func decode(_ type: String.Type) throws -> String {
    guard let text = value.stringValue else { throw mismatch("a string") }
    return text
  }
  func decode(_ type: Bool.Type) throws -> Bool {
    guard let flag = value.boolValue else { throw mismatch("a boolean") }
    return flag
  }
  func decode(_ type: Int64.Type) throws -> Int64 {
    guard let number = value.integerValue else { throw mismatch("an integer") }
    return number
  }
  func decode(_ type: Int.Type) throws -> Int {
    guard let number = value.integerValue, let small = Int(exactly: number) else {
      throw mismatch("an integer")
    }
    return small
  }
  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    if type == String.self { return try decode(String.self) as! T }
    if type == Bool.self { return try decode(Bool.self) as! T }
    if type == Int64.self { return try decode(Int64.self) as! T }
    if type == Int.self { return try decode(Int.self) as! T }
    return try T(from: self)
  }
}

struct KeyedValueDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let members: [String: JSONValue]
  var codingPath: [any CodingKey]
  var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

  func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }
  func decodeNil(forKey key: Key) throws -> Bool { members[key.stringValue] == nil }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    guard let child = members[key.stringValue] else {
      throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing field"))
    }
    return try ValueDecoder(value: child, codingPath: codingPath + [key]).decode(type)
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    try ValueDecoder(value: members[key.stringValue] ?? .object([:]), codingPath: codingPath + [key])
      .container(keyedBy: type)
  }
  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try ValueDecoder(value: members[key.stringValue] ?? .array([]), codingPath: codingPath + [key])
      .unkeyedContainer()
  }
  func superDecoder() throws -> any Decoder { ValueDecoder(value: .object(members), codingPath: codingPath) }
  func superDecoder(forKey key: Key) throws -> any Decoder {
    ValueDecoder(value: members[key.stringValue] ?? .object([:]), codingPath: codingPath + [key])
  }
}

struct UnkeyedValueDecoder: UnkeyedDecodingContainer {
  let items: [JSONValue]
  var codingPath: [any CodingKey]
  var currentIndex = 0
  var count: Int? { items.count }
  var isAtEnd: Bool { currentIndex >= items.count }

  mutating func decodeNil() throws -> Bool { false }
  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "array ended"))
    }
    let value = try ValueDecoder(
      value: items[currentIndex], codingPath: codingPath + [AnyKey(intValue: currentIndex)]
    )
    .decode(type)
    currentIndex += 1
    return value
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    let decoder = ValueDecoder(value: items[currentIndex], codingPath: codingPath)
    currentIndex += 1
    return try decoder.container(keyedBy: type)
  }
  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    let decoder = ValueDecoder(value: items[currentIndex], codingPath: codingPath)
    currentIndex += 1
    return try decoder.unkeyedContainer()
  }
  mutating func superDecoder() throws -> any Decoder {
    ValueDecoder(value: .array(items), codingPath: codingPath)
  }
}

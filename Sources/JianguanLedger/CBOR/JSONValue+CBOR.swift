/// The payloads' one-to-one mapping between JSON (the view) and CBOR (the bytes): an object is a
/// map with text keys, a string is a text string, an integer an integer, a boolean a boolean.
extension JSONValue {
  /// The deterministic CBOR of this value.
  public var cborBytes: [UInt8] {
    var writer = CBORWriter(capacity: 256)
    writer.write(json: self)
    return writer.bytes
  }

  /// The JSON view of a CBOR value; nil for what JSON cannot show (a byte string, a non-text key).
  public init?(cbor: CBORValue) {
    switch cbor {
    case .integer(let number): self = .integer(number)
    case .text(let text): self = .string(text)
    case .bool(let flag): self = .bool(flag)
    case .bytes: return nil
    case .array(let items):
      var values: [JSONValue] = []
      values.reserveCapacity(items.count)
      for item in items {
        guard let value = JSONValue(cbor: item) else { return nil }
        values.append(value)
      }
      self = .array(values)
    case .map(let members):
      var object: [String: JSONValue] = [:]
      object.reserveCapacity(members.count)
      for (key, member) in members {
        guard case .text(let name) = key, let value = JSONValue(cbor: member) else { return nil }
        object[name] = value
      }
      self = .object(object)
    }
  }
}

extension CBORWriter {
  /// Writes a JSON value as CBOR, object members in deterministic key order.
  public mutating func write(json value: JSONValue) {
    switch value {
    case .string(let text): self.text(text)
    case .integer(let number): integer(number)
    case .bool(let flag): bool(flag)
    case .array(let items):
      arrayHead(items.count)
      for item in items { write(json: item) }
    case .object(let members):
      mapHead(members.count)
      for key in members.keys.sorted(by: { CBORWriter.textKeyPrecedes($0.utf8, $1.utf8) }) {
        text(key)
        write(json: members[key]!)
      }
    }
  }
}

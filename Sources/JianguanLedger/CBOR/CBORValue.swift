/// A value of the CBOR subset the ledger uses (RFC 8949): integers within Int64 (major types 0
/// and 1), byte strings, text strings, arrays, maps and the two booleans. No floats, null,
/// undefined, other simple values, tags or indefinite lengths: `CBORDecoder` refuses them.
public enum CBORValue: Hashable, Sendable {
  case integer(Int64)
  case bytes([UInt8])
  case text(String)
  case array([CBORValue])
  case map([CBORValue: CBORValue])
  case bool(Bool)

  /// The value's deterministic encoding (RFC 8949 §4.2.1).
  public var encoded: [UInt8] {
    var writer = CBORWriter()
    writer.write(self)
    return writer.bytes
  }
}

/// Why bytes are not a value of the ledger's deterministic CBOR, and where.
public struct CBORError: Error, Equatable, CustomStringConvertible {
  /// The offset of the data item (or byte) at fault.
  public let offset: Int
  public let reason: String

  public init(offset: Int, _ reason: String) {
    self.offset = offset
    self.reason = reason
  }

  public var description: String { "CBOR at byte \(offset): \(reason)" }
}

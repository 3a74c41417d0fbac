/// The log's record of its own verification: the key that signs its checkpoints, and each
/// checkpoint signed. Stored checkpoints are a projection of these entries, so a checkpoint
/// re-signed with another key, or one deleted, is found by the audit.
public enum TransparencyEvent: Equatable, Sendable {
  /// From this entry on, checkpoints are signed with this key (the first signing, or a rotation).
  case keyNamed(CheckpointKeyNamed)
  /// A checkpoint of the first `size` entries (size < this entry's seq), signed with the named key.
  case checkpointSigned(CheckpointSigned)

  /// Every entry kind of this group.
  public static let kinds: Set<String> = ["checkpoint.key", "checkpoint.signed"]

  public var kind: String {
    switch self {
    case .keyNamed: "checkpoint.key"
    case .checkpointSigned: "checkpoint.signed"
    }
  }

  public var payload: JSONValue {
    switch self {
    case .keyNamed(let body): JSONValueCoder.encode(body)
    case .checkpointSigned(let body): JSONValueCoder.encode(body)
    }
  }

  /// Decodes an entry of one of `kinds`; throws for any other kind or a malformed payload.
  public init(kind: String, payload: JSONValue) throws {
    func body<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueCoder.decode(type, from: payload) }
    switch kind {
    case "checkpoint.key": self = .keyNamed(try body(CheckpointKeyNamed.self))
    case "checkpoint.signed": self = .checkpointSigned(try body(CheckpointSigned.self))
    default: throw Entry.FormatError(reason: "unknown entry kind \"\(kind)\"")
    }
  }
}

/// `checkpoint.key`: the bureau's checkpoint verifier key, in the signed-note verifier key form
/// `<name>+<hash>+<base64 key>`.
public struct CheckpointKeyNamed: Codable, Equatable, Sendable {
  public let verifierKey: String
  public init(verifierKey: String) { self.verifierKey = verifierKey }
}

/// `checkpoint.signed`: the signed note of a checkpoint (C2SP tlog-checkpoint in a signed note),
/// and when it was signed (China time, as `JIANGUAN_NOW` and the clock give it).
public struct CheckpointSigned: Codable, Equatable, Sendable {
  public let note: String
  public let signedAt: String
  public init(note: String, signedAt: String) {
    self.note = note
    self.signedAt = signedAt
  }
}

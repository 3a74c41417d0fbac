import JianguanCore

/// What signing a checkpoint asks of the store besides the log: the key the log names and its
/// origin line.
public protocol CheckpointState {
  /// The checkpoint verifier key the last `checkpoint.key` entry named; nil before the first.
  func checkpointKeyNamed() throws -> String?
  /// The checkpoint origin line the genesis entry named.
  func checkpointOrigin() throws -> String
}

/// A checkpoint just signed: its tree, its note and the seq of its `checkpoint.signed` entry.
public struct SignedCheckpoint: Sendable {
  public let size: Int64
  public let rootHash: MerkleHash
  public let note: String
  public let seq: Int64
}

/// Signs the log's current tree head and records it (a `checkpoint.signed` entry). The first
/// signing names the key in the log (`checkpoint.key`); signing with another key than the one
/// named needs `newKey`, which records the rotation.
public enum CheckpointOperation {
  /// `treeHead` gives the size and root of the log as it stands in the store's transaction,
  /// the entries appended so far in it included.
  public static func sign(
    signer: NoteSigner, signedAt: String, newKey: Bool, in store: some LedgerTransaction & CheckpointState,
    treeHead: () throws -> (size: Int64, root: MerkleHash)
  ) throws -> SignedCheckpoint {
    let named = try store.checkpointKeyNamed()
    let mine = signer.verifier.verifierKeyText
    if named != mine {
      if let named, !newKey {
        throw Rejection(
          "checkpoint_key_not_named",
          "the log names checkpoint key \(Rejection.quote(named)); sign with that key, or record this one as the bureau's new key with --new-key"
        )
      }
      _ = try store.append(.transparency(.keyNamed(CheckpointKeyNamed(verifierKey: mine))))
    } else if newKey {
      throw Rejection("checkpoint_key_already_named", "--new-key: the log already names this key")
    }
    let (size, root) = try treeHead()
    let note = try Checkpoint(origin: try store.checkpointOrigin(), size: size, rootHash: root).signedNote(
      signers: [signer])
    let seq = try store.append(
      .transparency(.checkpointSigned(CheckpointSigned(note: note, signedAt: signedAt))))
    return SignedCheckpoint(size: size, rootHash: root, note: note, seq: seq)
  }
}

/// A checkpoint as a store keeps it beside the log (a projection of `checkpoint.signed`): its
/// tree, its note, the key it verified with and when it was signed.
public struct StoredCheckpoint: Sendable {
  public let id: Int64
  public let size: Int64
  public let rootHash: [UInt8]
  public let note: String
  public let verifierKey: String
  public let signedAt: String

  public init(id: Int64, size: Int64, rootHash: [UInt8], note: String, verifierKey: String, signedAt: String)
  {
    self.id = id
    self.size = size
    self.rootHash = rootHash
    self.note = note
    self.verifierKey = verifierKey
    self.signedAt = signedAt
  }
}

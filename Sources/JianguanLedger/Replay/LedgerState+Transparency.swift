/// What the replay keeps of the log's checkpoint key and signed checkpoints.
public struct TransparencyState: Sendable {
  /// The checkpoint origin line, from genesis.
  var origin: String?
  /// The key named by the last `checkpoint.key` entry.
  public internal(set) var verifier: NoteVerifier?
  public internal(set) var checkpointCount = 0
}

extension LedgerState {
  /// A `checkpoint.key` must name a well-formed verifier key other than the one in force; a
  /// `checkpoint.signed` must verify with the key in force, name the log's origin and sign a
  /// size smaller than its own seq (the audit checks its root against the entries).
  mutating func applyTransparency(_ event: TransparencyEvent, seq: Int64, fault: (String) -> Void) {
    switch event {
    case .keyNamed(let body):
      do {
        let verifier = try NoteVerifier(verifierKeyText: body.verifierKey)
        if transparency.verifier?.verifierKeyText == verifier.verifierKeyText {
          fault("checkpoint.key names the key already in force")
        }
        transparency.verifier = verifier
      } catch {
        fault("checkpoint.key does not hold a verifier key: \(error)")
      }
    case .checkpointSigned(let body):
      transparency.checkpointCount += 1
      guard let verifier = transparency.verifier else {
        fault("a checkpoint is signed before the log names a checkpoint key")
        return
      }
      if body.signedAt.isEmpty || body.signedAt.utf8.count > 40 {
        fault("checkpoint.signed has no time of signing")
      }
      do {
        let checkpoint = try Checkpoint.open(body.note, verifiers: [verifier]).checkpoint
        if checkpoint.size >= seq {
          fault("the checkpoint signs \(checkpoint.size) entries, not fewer than its own seq")
        }
        if let origin = transparency.origin, checkpoint.origin != origin {
          fault("the checkpoint's origin is \(checkpoint.origin), the log's is \(origin)")
        }
      } catch {
        fault("the checkpoint does not verify with the key the log names (\(verifier.name)): \(error)")
      }
    }
  }
}

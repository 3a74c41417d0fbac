/// The outcome of an audit, of either store: the log's size and root, the faults found, and what
/// the replay ended with.
public struct AuditReport: Sendable {
  public var entries: Int64 = 0
  public var rootHash: [UInt8] = []
  public var faults: [AuditFault] = []
  public var enrollments = 0
  public var escrowFen: Int64 = 0
  public var checkpointsChecked = 0
  /// The result of checking an auditor's own checkpoint, when one was given.
  public var externalCheckpoint: String?
  public var ok: Bool { faults.isEmpty }

  public init() {}
}

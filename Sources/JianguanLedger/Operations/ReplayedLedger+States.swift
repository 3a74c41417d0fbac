import JianguanCore

/// The supervision questions, answered from the replay's supervision records.
extension ReplayedLedger: SupervisionState {
  public func supervisionItemType(_ id: String) throws -> String? { state.supervision.items[id]?.type }

  public func findingProgress(_ id: String) throws -> SupervisionProgress? {
    state.supervision.findings[id].map { SupervisionProgress(date: $0.date, status: $0.status) }
  }

  public func complaintProgress(_ id: String) throws -> SupervisionProgress? {
    state.supervision.complaints[id].map { SupervisionProgress(date: $0.date, status: $0.status) }
  }

  public func nextID(_ record: SupervisionRecord) throws -> String {
    let supervision = state.supervision
    let count =
      switch record {
      case .action: supervision.actionCount
      case .measure: supervision.measureCount
      case .finding: supervision.findings.count
      case .complaint: supervision.complaints.count
      }
    return "\(record.rawValue)\(count + 1)"
  }
}

/// The checkpoint questions, answered from the replay's transparency state.
extension ReplayedLedger: CheckpointState {
  public func checkpointKeyNamed() throws -> String? { state.transparency.verifier?.verifierKeyText }

  public func checkpointOrigin() throws -> String { state.transparency.origin ?? "" }
}

import JianguanCore
import JianguanLedger
import JianguanPostgres
import JianguanStore

/// The regulator's supervision records on a PostgreSQL URL: the forms read and checked as on a
/// file, then `SupervisionOperation` on the bureau's log (no rule copied).
extension PostgresCommands {
  static func recordAction(_ form: ActionForm, _ global: GlobalOptions) throws -> Recorded {
    let action = try AppDatabase.action(
      form, today: try Environment.today(), regions: try Environment.reference().regions)
    return try write(global) { try SupervisionOperation.recordAction(action, in: $0) }
  }

  static func addMeasure(_ form: MeasureForm, _ global: GlobalOptions) throws -> Recorded {
    let measure = try AppDatabase.measure(
      form, today: try Environment.today(), regions: try Environment.reference().regions)
    return try write(global) { try SupervisionOperation.addMeasure(measure, in: $0) }
  }

  static func addFinding(_ form: FindingForm, _ global: GlobalOptions) throws -> Recorded {
    let (today, regions) = (try Environment.today(), try Environment.reference().regions)
    return try write(global) { ledger in
      try SupervisionOperation.addFinding(
        try AppDatabase.finding(form, today: today, regions: regions, in: ledger), regions: regions,
        name: .options, in: ledger)
    }
  }

  /// `finding rectify` (`to` rectified) and `finding verify` (`to` verified).
  static func followUpFinding(
    _ id: String, date: String?, note: String, to status: String, _ global: GlobalOptions
  )
    throws -> Recorded
  {
    let today = try Environment.today()
    let note = try AppDatabase.followUpNote(date: date ?? today.description, note: note, today: today)
    return try write(global) {
      try SupervisionOperation.followUp(finding: id, note: note, to: status, in: $0)
    }
  }

  static func fileComplaint(_ form: ComplaintForm, _ global: GlobalOptions) throws -> Recorded {
    let (today, regions) = (try Environment.today(), try Environment.reference().regions)
    return try write(global) { ledger in
      try SupervisionOperation.fileComplaint(
        try AppDatabase.complaint(form, today: today, regions: regions, in: ledger), resolution: nil,
        name: .options, in: ledger)
    }
  }

  static func resolveComplaint(
    _ id: String, date: String?, outcome: String, note: String, refundsYuan: String?, _ global: GlobalOptions
  ) throws -> Recorded {
    let today = try Environment.today()
    let resolution = try AppDatabase.complaintResolution(
      date: date ?? today.description, outcome: outcome, note: note, refundsYuan: refundsYuan)
    return try write(global) {
      try SupervisionOperation.resolveComplaint(id, resolution: resolution, today: today, in: $0)
    }
  }

  /// `checkpoint sign` on the bureau's log, shown as a file's stored checkpoint is.
  static func signCheckpoint(signer: NoteSigner, newKey: Bool, _ global: GlobalOptions) throws
    -> StoredCheckpoint
  {
    let now = try Environment.now()
    return try withLog(global) {
      try $0.signCheckpoint(clock: now, signer: signer, signedAt: now.description, newKey: newKey)
    }
  }

  /// `checkpoint list` on the bureau's log.
  static func checkpoints(_ global: GlobalOptions, _ replica: ReplicaOptions) throws -> [StoredCheckpoint] {
    try withLog(global, readDB: replica.readDB) { try $0.checkpoints() }
  }

  /// `receipt export SEQ` on the bureau's log.
  static func receipt(seq: Int64, signer: NoteSigner, _ global: GlobalOptions) throws -> Receipt {
    let now = try Environment.now()
    return try withLog(global) {
      try $0.receipt(seq: seq, clock: now, signer: signer, signedAt: now.description)
    }
  }
}

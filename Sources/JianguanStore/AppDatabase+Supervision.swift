import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// What `import supervision` did: the records it added, and how many of the file's records were
/// already in the ledger and added nothing.
public struct SupervisionImport: Sendable {
  public let recorded: [Recorded]
  public let alreadyRecorded: Int
}

extension AppDatabase {
  /// Records a supervision action (专项行动、检查) as one entry.
  public func recordAction(_ form: ActionForm, today: CalendarDate) throws -> Recorded {
    let action = try SupervisionFormReader.action(form)
    try SupervisionValidator.validate(action, regions: reference.regions, today: today, name: .options)
    return try write { db in try appendAction(action, db: db) }
  }

  /// Records a policy document or another measure as one entry.
  public func addMeasure(_ form: MeasureForm, today: CalendarDate) throws -> Recorded {
    let measure = try SupervisionFormReader.measure(form)
    try SupervisionValidator.validate(measure, regions: reference.regions, today: today, name: .options)
    return try write { db in try appendMeasure(measure, db: db) }
  }

  /// Records a finding against a registered institution or an unregistered operator.
  public func addFinding(_ form: FindingForm, today: CalendarDate) throws -> Recorded {
    try write { db in
      let institutionRegion = try form.institution.map { try requireInstitution($0, db: db).region }
      let finding = try SupervisionFormReader.finding(form, defaultRegion: institutionRegion)
      try SupervisionValidator.validate(finding, regions: reference.regions, today: today, name: .options)
      return try appendFinding(finding, name: .options, db: db)
    }
  }

  /// Marks an open finding rectified (整改完成).
  public func rectifyFinding(_ id: String, date: String, note: String, today: CalendarDate) throws -> Recorded
  {
    try followUpFinding(id, date: date, note: note, today: today, from: "open", to: "rectified")
  }

  /// Marks a rectified finding verified by a second visit (复查).
  public func verifyFinding(_ id: String, date: String, note: String, today: CalendarDate) throws -> Recorded
  {
    try followUpFinding(id, date: date, note: note, today: today, from: "rectified", to: "verified")
  }

  func followUpFinding(
    _ id: String, date: String, note: String, today: CalendarDate, from: String, to: String
  ) throws
    -> Recorded
  {
    let day = try CalendarDate.parse(date, field: "date")
    try SupervisionValidator.checkNotFuture(day, today: today, field: "date")
    let noteText = try TextField.validateForLedger(note, field: "note", maxLength: 500)
    return try write { db in
      guard
        let row = try Row.fetchOne(
          try db.cachedStatement(sql: "SELECT date, status FROM findings WHERE id = ?"), arguments: [id])
      else { throw Self.unknownFinding(id) }
      let status: String = row["status"]
      guard status == from else {
        throw Rejection(
          "finding_\(status)_cannot_be_\(to)",
          "finding \(id) is \(status); only a \(from) finding can be marked \(to)")
      }
      let found = try CalendarDate.parse(row["date"], field: "date")
      guard day >= found else {
        throw Rejection("follow_up_before_finding", "date \(day) is before finding \(id) was made (\(found))")
      }
      let entry = FindingFollowedUp(id: id, body: FollowUpNote(date: day, note: noteText))
      let event: Event = to == "rectified" ? .findingRectified(entry) : .findingVerified(entry)
      return Recorded(id: id, seq: try appendToLog(event, db: db))
    }
  }

  /// Files a complaint or tip; the ledger gets no personal data.
  public func fileComplaint(_ form: ComplaintForm, today: CalendarDate) throws -> Recorded {
    try write { db in
      let institutionRegion = try form.institution.map { try requireInstitution($0, db: db).region }
      let complaint = try SupervisionFormReader.complaint(form, defaultRegion: institutionRegion)
      try SupervisionValidator.validate(complaint, regions: reference.regions, today: today, name: .options)
      return try appendComplaint(complaint, resolution: nil, name: .options, db: db)
    }
  }

  /// Closes an open complaint with its outcome.
  public func resolveComplaint(
    _ id: String, date: String, outcome: String, note: String, refundsYuan: String?, today: CalendarDate
  ) throws -> Recorded {
    let resolution = ComplaintResolution(
      date: try CalendarDate.parse(date, field: "date"),
      outcome: try ComplaintOutcome.parse(outcome, field: "outcome"),
      note: note, refundsFen: try SupervisionFormReader.yuan(refundsYuan, "refundsYuan"))
    return try write { db in
      guard
        let row = try Row.fetchOne(
          try db.cachedStatement(sql: "SELECT date, status FROM complaints WHERE id = ?"), arguments: [id])
      else { throw Self.unknownComplaint(id) }
      guard (row["status"] as String) == "open" else {
        throw Rejection("complaint_already_resolved", "complaint \(id) is already resolved")
      }
      let filed = try CalendarDate.parse(row["date"], field: "date")
      try SupervisionValidator.validate(resolution, filed: filed, today: today, name: .options)
      let seq = try appendToLog(
        .complaintResolved(ComplaintResolved(id: id, body: resolution)), db: db)
      return Recorded(id: id, seq: seq)
    }
  }

  /// Imports a batch file: every record is one entry, all in one transaction; the first refusal
  /// (naming its position in the file) leaves the database unchanged. A record already in the
  /// ledger (same content, `Event.supervisionRecordDigest`) is not added again, with its findings
  /// or resolution: importing the same file twice adds nothing the second time. Identical records
  /// count: a file with two equal complaints adds two, then none.
  public func importSupervision(_ bytes: [UInt8], file: String, today: CalendarDate) throws
    -> SupervisionImport
  {
    let records = try SupervisionFile.parse(bytes, file: file, regions: reference.regions, today: today)
    return try write { db in
      var recorded: [Recorded] = []
      var already = 0
      var existing = try supervisionRecordDigests(db: db)
      func isRecorded(_ event: Event) -> Bool {
        guard let digest = event.supervisionRecordDigest, let count = existing[digest], count > 0 else {
          return false
        }
        existing[digest] = count - 1
        already += 1
        return true
      }
      for record in records {
        switch record {
        case .action(let action, let findings, _):
          if isRecorded(.supervisionAction(.init(id: "", body: action))) { continue }
          let parent = try appendAction(action, db: db)
          recorded.append(parent)
          for placed in findings {
            var finding = placed.finding
            finding.inspection = parent.id
            recorded.append(try appendFinding(finding, name: .file(placed.path), db: db))
          }
        case .measure(let measure, _):
          if isRecorded(.supervisionMeasure(.init(id: "", body: measure))) { continue }
          recorded.append(try appendMeasure(measure, db: db))
        case .finding(let finding, let path):
          let checked = try checkedFinding(finding, name: .file(path), db: db)
          if isRecorded(.findingAdded(.init(id: "", body: checked))) { continue }
          recorded.append(try appendFinding(checked, name: .file(path), db: db))
        case .complaint(let complaint, let resolution, let path):
          let checked = try checkedComplaint(complaint, name: .file(path), db: db)
          if isRecorded(.complaintFiled(.init(id: "", body: checked))) { continue }
          recorded.append(try appendComplaint(checked, resolution: resolution, name: .file(path), db: db))
        }
      }
      return SupervisionImport(recorded: recorded, alreadyRecorded: already)
    }
  }

  /// How many records of each content the ledger holds: actions, measures, findings not attached
  /// to an action, complaints (read from their first entries).
  func supervisionRecordDigests(db: Database) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    let entries = try Data.fetchAll(
      db,
      sql: """
        SELECT l.entry FROM ledger l WHERE l.seq IN (
          SELECT seq FROM supervision_items UNION ALL SELECT seq FROM findings WHERE inspection IS NULL
          UNION ALL SELECT seq FROM complaints)
        """)
    for bytes in entries {
      let entry = try Entry.parse([UInt8](bytes))
      if let digest = try Event(kind: entry.kind, payload: entry.payload).supervisionRecordDigest {
        counts[digest, default: 0] += 1
      }
    }
    return counts
  }

  func appendAction(_ action: SupervisionAction, db: Database) throws -> Recorded {
    let id = try nextSupervisionID("SA", type: "action", db: db)
    return Recorded(
      id: id, seq: try appendToLog(.supervisionAction(.init(id: id, body: action)), db: db))
  }

  func appendMeasure(_ measure: SupervisionMeasure, db: Database) throws -> Recorded {
    let id = try nextSupervisionID("SM", type: "measure", db: db)
    return Recorded(
      id: id, seq: try appendToLog(.supervisionMeasure(.init(id: id, body: measure)), db: db))
  }

  /// Checks what only the database knows (the institution, the action) and appends the finding.
  func appendFinding(_ finding: FindingRecord, name: FieldNamer, db: Database) throws -> Recorded {
    let finding = try checkedFinding(finding, name: name, db: db)
    let id = try LedgerWriter.nextID("F", table: "findings", db: db)
    return Recorded(id: id, seq: try appendToLog(.findingAdded(.init(id: id, body: finding)), db: db))
  }

  /// The finding as it will be recorded: an institution's finding takes the institution's region,
  /// which must lie within the one given; the action it names must be recorded.
  func checkedFinding(_ finding: FindingRecord, name: FieldNamer, db: Database) throws -> FindingRecord {
    var finding = finding
    if let uscc = finding.institution {
      let region = try requireInstitution(uscc, db: db, field: name("institution")).region
      guard reference.regions.contains(region, within: finding.region) || region == finding.region else {
        throw Rejection(
          "finding_region_mismatch",
          "\(name("region")) \(Rejection.quote(finding.region)) does not contain institution \(uscc)'s region \(region)"
        )
      }
      finding.region = region
    }
    if let inspection = finding.inspection {
      let type = try String.fetchOne(
        try db.cachedStatement(sql: "SELECT type FROM supervision_items WHERE id = ?"),
        arguments: [inspection])
      guard type == "action" else {
        throw Rejection(
          "inspection_unknown",
          "\(name("inspection")) \(Rejection.quote(inspection)) is not a recorded supervision action")
      }
    }
    return finding
  }

  func appendComplaint(
    _ complaint: ComplaintRecord, resolution: ComplaintResolution?, name: FieldNamer, db: Database
  ) throws -> Recorded {
    let complaint = try checkedComplaint(complaint, name: name, db: db)
    // K (投诉): C is the courses' prefix.
    let id = try LedgerWriter.nextID("K", table: "complaints", db: db)
    var seq = try appendToLog(.complaintFiled(.init(id: id, body: complaint)), db: db)
    if let resolution {
      seq = try appendToLog(.complaintResolved(.init(id: id, body: resolution)), db: db)
    }
    return Recorded(id: id, seq: seq)
  }

  /// The complaint as it will be recorded: an institution's takes its region; a parent must be registered.
  func checkedComplaint(_ complaint: ComplaintRecord, name: FieldNamer, db: Database) throws
    -> ComplaintRecord
  {
    var complaint = complaint
    if let uscc = complaint.institution {
      complaint.region = try requireInstitution(uscc, db: db, field: name("institution")).region
    }
    if let parent = complaint.parent,
      try Bool.fetchOne(
        try db.cachedStatement(sql: "SELECT 1 FROM parents WHERE id = ?"), arguments: [parent]) != true
    {
      throw Rejection(
        "parent_unknown", "\(name("parent")) \(Rejection.quote(parent)) is not a registered parent")
    }
    return complaint
  }

  func requireInstitution(_ uscc: String, db: Database, field: String) throws -> InstitutionRow {
    do {
      return try requireInstitution(uscc, db: db)
    } catch is Rejection {
      throw Rejection(
        "institution_unknown", "\(field) \(Rejection.quote(uscc)) is not a registered institution")
    }
  }

  func nextSupervisionID(_ prefix: String, type: String, db: Database) throws -> String {
    let count =
      try Int64.fetchOne(
        try db.cachedStatement(sql: "SELECT COUNT(*) FROM supervision_items WHERE type = ?"),
        arguments: [type])
      ?? 0
    return "\(prefix)\(count + 1)"
  }
}

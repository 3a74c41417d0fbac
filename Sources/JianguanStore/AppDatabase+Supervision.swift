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
    let action = try Self.action(form, today: today, regions: reference.regions)
    return try supervise { try SupervisionOperation.recordAction(action, in: $0) }
  }

  /// An action's form, read and checked.
  public static func action(_ form: ActionForm, today: CalendarDate, regions: RegionTable) throws
    -> SupervisionAction
  {
    let action = try SupervisionFormReader.action(form)
    try SupervisionValidator.validate(action, regions: regions, today: today, name: .options)
    return action
  }

  /// A measure's form, read and checked.
  public static func measure(_ form: MeasureForm, today: CalendarDate, regions: RegionTable) throws
    -> SupervisionMeasure
  {
    let measure = try SupervisionFormReader.measure(form)
    try SupervisionValidator.validate(measure, regions: regions, today: today, name: .options)
    return measure
  }

  /// Records a policy document or another measure as one entry.
  public func addMeasure(_ form: MeasureForm, today: CalendarDate) throws -> Recorded {
    let measure = try Self.measure(form, today: today, regions: reference.regions)
    return try supervise { try SupervisionOperation.addMeasure(measure, in: $0) }
  }

  /// Records a finding against a registered institution or an unregistered operator.
  public func addFinding(_ form: FindingForm, today: CalendarDate) throws -> Recorded {
    try supervise { store in
      try SupervisionOperation.addFinding(
        try Self.finding(form, today: today, regions: reference.regions, in: store),
        regions: reference.regions,
        name: .options, in: store)
    }
  }

  /// A finding's form read and checked: its region defaults to the institution's.
  public static func finding(
    _ form: FindingForm, today: CalendarDate, regions: RegionTable, in store: some SupervisionTransaction
  ) throws -> FindingRecord {
    let institutionRegion = try form.institution.map {
      try SupervisionOperation.region(ofInstitution: $0, field: nil, in: store)
    }
    let finding = try SupervisionFormReader.finding(form, defaultRegion: institutionRegion)
    try SupervisionValidator.validate(finding, regions: regions, today: today, name: .options)
    return finding
  }

  /// Marks an open finding rectified (整改完成).
  public func rectifyFinding(_ id: String, date: String, note: String, today: CalendarDate) throws -> Recorded
  {
    let note = try Self.followUpNote(date: date, note: note, today: today)
    return try supervise {
      try SupervisionOperation.followUp(finding: id, note: note, to: "rectified", in: $0)
    }
  }

  /// Marks a rectified finding verified by a second visit (复查).
  public func verifyFinding(_ id: String, date: String, note: String, today: CalendarDate) throws -> Recorded
  {
    let note = try Self.followUpNote(date: date, note: note, today: today)
    return try supervise {
      try SupervisionOperation.followUp(finding: id, note: note, to: "verified", in: $0)
    }
  }

  /// A follow-up's date and note, read and checked.
  public static func followUpNote(date: String, note: String, today: CalendarDate) throws -> FollowUpNote {
    let day = try CalendarDate.parse(date, field: "date")
    try SupervisionValidator.checkNotFuture(day, today: today, field: "date")
    return FollowUpNote(date: day, note: try TextField.validateForLedger(note, field: "note", maxLength: 500))
  }

  /// Files a complaint or tip; the ledger gets no personal data.
  public func fileComplaint(_ form: ComplaintForm, today: CalendarDate) throws -> Recorded {
    try supervise { store in
      try SupervisionOperation.fileComplaint(
        try Self.complaint(form, today: today, regions: reference.regions, in: store), resolution: nil,
        name: .options, in: store)
    }
  }

  /// A complaint's form read and checked: its region defaults to the institution's.
  public static func complaint(
    _ form: ComplaintForm, today: CalendarDate, regions: RegionTable, in store: some SupervisionTransaction
  ) throws -> ComplaintRecord {
    let institutionRegion = try form.institution.map {
      try SupervisionOperation.region(ofInstitution: $0, field: nil, in: store)
    }
    let complaint = try SupervisionFormReader.complaint(form, defaultRegion: institutionRegion)
    try SupervisionValidator.validate(complaint, regions: regions, today: today, name: .options)
    return complaint
  }

  /// Closes an open complaint with its outcome.
  public func resolveComplaint(
    _ id: String, date: String, outcome: String, note: String, refundsYuan: String?, today: CalendarDate
  ) throws -> Recorded {
    let resolution = try Self.complaintResolution(
      date: date, outcome: outcome, note: note, refundsYuan: refundsYuan)
    return try supervise {
      try SupervisionOperation.resolveComplaint(id, resolution: resolution, today: today, in: $0)
    }
  }

  /// A resolution's fields, read.
  public static func complaintResolution(date: String, outcome: String, note: String, refundsYuan: String?)
    throws -> ComplaintResolution
  {
    ComplaintResolution(
      date: try CalendarDate.parse(date, field: "date"),
      outcome: try ComplaintOutcome.parse(outcome, field: "outcome"),
      note: note, refundsFen: try SupervisionFormReader.yuan(refundsYuan, "refundsYuan"))
  }

  /// Runs one supervision operation in a write transaction of this store.
  func supervise(_ operation: (SQLTransaction) throws -> Appended) throws -> Recorded {
    try write { db in
      Recorded(try operation(SQLTransaction(database: self, db: db)))
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
      let store = SQLTransaction(database: self, db: db)
      for record in records {
        switch record {
        case .action(let action, let findings, _):
          if isRecorded(.supervisionAction(.init(id: "", body: action))) { continue }
          let parent = Recorded(try SupervisionOperation.recordAction(action, in: store))
          recorded.append(parent)
          for placed in findings {
            var finding = placed.finding
            finding.inspection = parent.id
            recorded.append(
              Recorded(
                try SupervisionOperation.addFinding(
                  finding, regions: reference.regions, name: .file(placed.path), in: store)))
          }
        case .measure(let measure, _):
          if isRecorded(.supervisionMeasure(.init(id: "", body: measure))) { continue }
          recorded.append(Recorded(try SupervisionOperation.addMeasure(measure, in: store)))
        case .finding(let finding, let path):
          let checked = try SupervisionOperation.checkedFinding(
            finding, regions: reference.regions, name: .file(path), in: store)
          if isRecorded(.findingAdded(.init(id: "", body: checked))) { continue }
          recorded.append(
            Recorded(
              try SupervisionOperation.addFinding(
                checked, regions: reference.regions, name: .file(path), in: store)))
        case .complaint(let complaint, let resolution, let path):
          let checked = try SupervisionOperation.checkedComplaint(complaint, name: .file(path), in: store)
          if isRecorded(.complaintFiled(.init(id: "", body: checked))) { continue }
          recorded.append(
            Recorded(
              try SupervisionOperation.fileComplaint(
                checked, resolution: resolution, name: .file(path), in: store)))
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
}

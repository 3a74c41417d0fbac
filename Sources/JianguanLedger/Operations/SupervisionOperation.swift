import JianguanCore

/// The supervision records an operation numbers, by the prefix of their ids: actions `SA1`,
/// measures `SM1`, findings `F1`, complaints `K1` (投诉; `C` is the courses').
public enum SupervisionRecord: String, Sendable {
  case action = "SA"
  case measure = "SM"
  case finding = "F"
  case complaint = "K"
}

/// Where a finding or a complaint stands: the day it was made and its status (a finding `open`,
/// `rectified` or `verified`; a complaint `open` or `resolved`).
public struct SupervisionProgress: Equatable, Sendable {
  public let date: CalendarDate
  public let status: String

  public init(date: CalendarDate, status: String) {
    self.date = date
    self.status = status
  }
}

/// What the supervision operations ask of the store besides the registry: the records before.
public protocol SupervisionState {
  /// `action` or `measure` for a recorded supervision record; nil when none has that id.
  func supervisionItemType(_ id: String) throws -> String?
  /// A recorded finding; nil when none has that id.
  func findingProgress(_ id: String) throws -> SupervisionProgress?
  /// A filed complaint; nil when none has that id.
  func complaintProgress(_ id: String) throws -> SupervisionProgress?
  /// The id the next record of a kind gets.
  func nextID(_ record: SupervisionRecord) throws -> String
}

/// A store the supervision operations run in.
public typealias SupervisionTransaction = LedgerTransaction & SupervisionState

extension Rejection {
  /// A finding that is not recorded: the one sentence the CLI and the service give.
  public static func findingUnknown(_ id: String) -> Rejection {
    Rejection("finding_unknown", "finding \(quote(id)) is not recorded")
  }

  /// A complaint that is not recorded.
  public static func complaintUnknown(_ id: String) -> Rejection {
    Rejection("complaint_unknown", "complaint \(quote(id)) is not recorded")
  }
}

/// The regulator's records (监管): actions and measures, findings and their follow-ups, complaints
/// and their resolutions. The rules that need what was recorded before are here, against the
/// store interface; the shape of each record is checked where its form is read
/// (`SupervisionValidator`).
public enum SupervisionOperation {
  /// Records a supervision action (专项行动、检查).
  public static func recordAction(_ action: SupervisionAction, in store: some SupervisionTransaction) throws
    -> Appended
  {
    let id = try store.nextID(SupervisionRecord.action)
    return Appended(id: id, seq: try store.append(.supervisionAction(.init(id: id, body: action))))
  }

  /// Records a policy document or another measure.
  public static func addMeasure(_ measure: SupervisionMeasure, in store: some SupervisionTransaction) throws
    -> Appended
  {
    let id = try store.nextID(SupervisionRecord.measure)
    return Appended(id: id, seq: try store.append(.supervisionMeasure(.init(id: id, body: measure))))
  }

  /// The region of a registered institution a record names in `field` (nil: a form's own
  /// institution, refused in the registry's words).
  public static func region(
    ofInstitution uscc: String, field: String?, in store: some SupervisionTransaction
  ) throws -> String {
    guard let institution = try store.registeredInstitution(uscc) else {
      guard let field else {
        throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
      }
      throw Rejection(
        "institution_unknown", "\(field) \(Rejection.quote(uscc)) is not a registered institution")
    }
    return institution.region
  }

  /// The finding as it will be recorded: an institution's finding takes the institution's region,
  /// which must lie within the one given; the action it names must be recorded.
  public static func checkedFinding(
    _ finding: FindingRecord, regions: RegionTable, name: FieldNamer, in store: some SupervisionTransaction
  ) throws -> FindingRecord {
    var finding = finding
    if let uscc = finding.institution {
      let region = try region(ofInstitution: uscc, field: name("institution"), in: store)
      guard regions.contains(region, within: finding.region) || region == finding.region else {
        throw Rejection(
          "finding_region_mismatch",
          "\(name("region")) \(Rejection.quote(finding.region)) does not contain institution \(uscc)'s region \(region)"
        )
      }
      finding.region = region
    }
    if let inspection = finding.inspection, try store.supervisionItemType(inspection) != "action" {
      throw Rejection(
        "inspection_unknown",
        "\(name("inspection")) \(Rejection.quote(inspection)) is not a recorded supervision action")
    }
    return finding
  }

  /// Records a finding against a registered institution or an unregistered operator.
  public static func addFinding(
    _ finding: FindingRecord, regions: RegionTable, name: FieldNamer, in store: some SupervisionTransaction
  ) throws -> Appended {
    let finding = try checkedFinding(finding, regions: regions, name: name, in: store)
    let id = try store.nextID(SupervisionRecord.finding)
    return Appended(id: id, seq: try store.append(.findingAdded(.init(id: id, body: finding))))
  }

  /// Marks an open finding rectified (整改完成), or a rectified one verified by a second visit (复查).
  public static func followUp(
    finding id: String, note: FollowUpNote, to status: String, in store: some SupervisionTransaction
  ) throws -> Appended {
    let from = status == "verified" ? "rectified" : "open"
    guard let finding = try store.findingProgress(id) else { throw Rejection.findingUnknown(id) }
    guard finding.status == from else {
      throw Rejection(
        "finding_\(finding.status)_cannot_be_\(status)",
        "finding \(id) is \(finding.status); only a \(from) finding can be marked \(status)")
    }
    guard note.date >= finding.date else {
      throw Rejection(
        "follow_up_before_finding", "date \(note.date) is before finding \(id) was made (\(finding.date))")
    }
    let entry = FindingFollowedUp(id: id, body: note)
    let event: Event = status == "verified" ? .findingVerified(entry) : .findingRectified(entry)
    return Appended(id: id, seq: try store.append(event))
  }

  /// The complaint as it will be recorded: an institution's takes its region; a parent must be
  /// registered.
  public static func checkedComplaint(
    _ complaint: ComplaintRecord, name: FieldNamer, in store: some SupervisionTransaction
  ) throws -> ComplaintRecord {
    var complaint = complaint
    if let uscc = complaint.institution {
      complaint.region = try region(ofInstitution: uscc, field: name("institution"), in: store)
    }
    if let parent = complaint.parent, try store.parentErased(parent) == nil {
      throw Rejection(
        "parent_unknown", "\(name("parent")) \(Rejection.quote(parent)) is not a registered parent")
    }
    return complaint
  }

  /// Files a complaint or tip (the ledger gets no personal data), with its resolution when the
  /// record already has one (an imported file's).
  public static func fileComplaint(
    _ complaint: ComplaintRecord, resolution: ComplaintResolution?, name: FieldNamer,
    in store: some SupervisionTransaction
  ) throws -> Appended {
    let complaint = try checkedComplaint(complaint, name: name, in: store)
    let id = try store.nextID(SupervisionRecord.complaint)
    var seq = try store.append(.complaintFiled(.init(id: id, body: complaint)))
    if let resolution {
      seq = try store.append(.complaintResolved(.init(id: id, body: resolution)))
    }
    return Appended(id: id, seq: seq)
  }

  /// Closes an open complaint with its outcome.
  public static func resolveComplaint(
    _ id: String, resolution: ComplaintResolution, today: CalendarDate, in store: some SupervisionTransaction
  ) throws -> Appended {
    guard let complaint = try store.complaintProgress(id) else { throw Rejection.complaintUnknown(id) }
    guard complaint.status == "open" else {
      throw Rejection("complaint_already_resolved", "complaint \(id) is already resolved")
    }
    try SupervisionValidator.validate(resolution, filed: complaint.date, today: today, name: .options)
    return Appended(
      id: id, seq: try store.append(.complaintResolved(ComplaintResolved(id: id, body: resolution))))
  }
}

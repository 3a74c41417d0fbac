import JianguanCore

/// The supervision records that replaying the log gives: the audit compares them with the
/// supervision tables and checks that every follow-up happens in order.
public struct SupervisionReplay: Sendable {
  public struct ItemState: Equatable, Sendable {
    /// action or measure
    public var type: String
    public var date: String
    public var problems: Int64
    public var seq: Int64
    public init(type: String, date: String, problems: Int64, seq: Int64) {
      self.type = type
      self.date = date
      self.problems = problems
      self.seq = seq
    }
  }

  public struct FindingState: Equatable, Sendable {
    public var date: CalendarDate
    /// open, rectified or verified
    public var status: String
    public var lastSeq: Int64
  }

  public struct ComplaintState: Equatable, Sendable {
    public var date: CalendarDate
    /// open or resolved
    public var status: String
    public var lastSeq: Int64
  }

  public private(set) var items: [String: ItemState] = [:]
  public private(set) var findings: [String: FindingState] = [:]
  public private(set) var complaints: [String: ComplaintState] = [:]
  /// How many actions and measures were recorded (their ids are numbered apart).
  public private(set) var actionCount = 0
  public private(set) var measureCount = 0

  public init() {}

  /// Applies a supervision event; `isInstitution` and `isParent` tell what the registry holds.
  mutating func apply(
    _ event: Event, seq: Int64, isInstitution: (String) -> Bool, isParent: (String) -> Bool,
    fault: (String) -> Void
  ) {
    switch event {
    case .supervisionAction(let entry):
      addItem(
        entry.id,
        ItemState(
          type: "action", date: entry.body.date.description, problems: entry.body.problemCount, seq: seq),
        fault)
      if entry.body.problems.contains(where: { $0.count < 1 }) {
        fault("action \(entry.id) counts a problem group of zero")
      }
    case .supervisionMeasure(let entry):
      addItem(
        entry.id, ItemState(type: "measure", date: entry.body.date.description, problems: 0, seq: seq), fault)
    case .findingAdded(let entry):
      let finding = entry.body
      if findings[entry.id] != nil { fault("finding \(entry.id) is created twice") }
      if let uscc = finding.institution, !isInstitution(uscc) {
        fault("finding \(entry.id) names unknown institution \(uscc)")
      }
      if (finding.institution == nil) == (finding.operatorName == nil) {
        fault("finding \(entry.id) must name exactly one institution or operator")
      }
      if let deadline = finding.deadline, deadline < finding.date {
        fault("finding \(entry.id) has a deadline before its date")
      }
      if let inspection = finding.inspection, items[inspection]?.type != "action" {
        fault("finding \(entry.id) refers to unknown action \(inspection)")
      }
      findings[entry.id] = FindingState(date: finding.date, status: "open", lastSeq: seq)
    case .findingRectified(let entry):
      followUp(entry, from: "open", to: "rectified", seq: seq, fault)
    case .findingVerified(let entry):
      followUp(entry, from: "rectified", to: "verified", seq: seq, fault)
    case .complaintFiled(let entry):
      if complaints[entry.id] != nil { fault("complaint \(entry.id) is created twice") }
      if let uscc = entry.body.institution, !isInstitution(uscc) {
        fault("complaint \(entry.id) names unknown institution \(uscc)")
      }
      if let parent = entry.body.parent, !isParent(parent) {
        fault("complaint \(entry.id) names unknown parent \(parent)")
      }
      complaints[entry.id] = ComplaintState(date: entry.body.date, status: "open", lastSeq: seq)
    case .complaintResolved(let entry):
      guard var complaint = complaints[entry.id], complaint.status == "open" else {
        fault("resolution of complaint \(entry.id), which is not open")
        return
      }
      if entry.body.date < complaint.date { fault("complaint \(entry.id) is resolved before it was filed") }
      complaint.status = "resolved"
      complaint.lastSeq = seq
      complaints[entry.id] = complaint
    default:
      break
    }
  }

  mutating func addItem(_ id: String, _ state: ItemState, _ fault: (String) -> Void) {
    if items[id] != nil { fault("supervision record \(id) is created twice") }
    if state.type == "action" { actionCount += 1 } else { measureCount += 1 }
    items[id] = state
  }

  mutating func followUp(
    _ entry: FindingFollowedUp, from: String, to: String, seq: Int64, _ fault: (String) -> Void
  ) {
    guard var finding = findings[entry.id], finding.status == from else {
      fault("finding \(entry.id) is marked \(to) but is \(findings[entry.id]?.status ?? "unknown")")
      return
    }
    if entry.body.date < finding.date { fault("finding \(entry.id) is \(to) before it was found") }
    finding.status = to
    finding.lastSeq = seq
    findings[entry.id] = finding
  }
}

/// Problems of one category found by a supervision action, and what was done about them.
public struct ProblemGroup: Codable, Equatable, Sendable {
  public var category: FindingCategory
  public var count: Int64
  public var actions: [EnforcementAction]
  public var followUp: FollowUp
  public init(
    category: FindingCategory, count: Int64, actions: [EnforcementAction] = [], followUp: FollowUp = .open
  ) {
    self.category = category
    self.count = count
    self.actions = actions
    self.followUp = followUp
  }
}

/// A named figure that has no field of its own (17267 teachers pledged, 22 institutions surveyed).
public struct Figure: Codable, Equatable, Sendable {
  /// An identifier used by the narrative: `{teachersPledged}`.
  public var key: String
  public var value: Int64
  /// What it counts, for tables: "签订承诺书教师（名）".
  public var label: String
  public init(key: String, value: Int64, label: String) {
    self.key = key
    self.value = value
    self.label = label
  }
}

/// What every bulletin item carries besides its figures: the clerk's narrative and its place.
public protocol NarratedRecord: Sendable {
  var date: CalendarDate { get }
  var region: String { get }
  var departments: [Department] { get }
  var departmentCount: Int64? { get }
  var figures: [Figure] { get }
  /// The narrative, with `{key}` placeholders where figures go; nil: a sentence is made from the figures.
  var text: String? { get }
  /// Marked as an experience report (有关经验做法).
  var experience: Bool { get }
  /// The headline of an experience report.
  var headline: String? { get }
  /// The values the narrative's placeholders may name.
  var narrativeValues: [String: NarrativeValue] { get }
}

/// A supervision action (专项行动、检查): who went, how many, what they found.
public struct SupervisionAction: Codable, Equatable, NarratedRecord {
  public var date: CalendarDate
  public var region: String
  /// The action's name, e.g. "2023年寒假校外培训机构治理第一轮专项行动".
  public var title: String?
  public var departments: [Department] = []
  /// The number of departments when the report gives a number but does not name them all.
  public var departmentCount: Int64?
  /// Inspectors sent, in person-visits (人次).
  public var personVisits: Int64?
  /// Teams formed (组).
  public var teams: Int64?
  /// Institutions checked (家次).
  public var institutionsChecked: Int64?
  public var problems: [ProblemGroup] = []
  /// Refunds coordinated for parents, in fen.
  public var refundsFen: Int64?
  /// Fines imposed, in fen.
  public var finesFen: Int64?
  /// Students moved to other classes or institutions (分流).
  public var studentsRedistributed: Int64?
  public var figures: [Figure] = []
  public var text: String?
  public var experience = false
  public var headline: String?

  public init(date: CalendarDate, region: String) {
    self.date = date
    self.region = region
  }

  /// The number of problems found, over every category.
  public var problemCount: Int64 { problems.reduce(0) { $0 + $1.count } }

  public var narrativeValues: [String: NarrativeValue] {
    var values = Self.common(self)
    values["personVisits"] = personVisits.map(NarrativeValue.count)
    values["teams"] = teams.map(NarrativeValue.count)
    values["institutionsChecked"] = institutionsChecked.map(NarrativeValue.count)
    values["refundsFen"] = refundsFen.map(NarrativeValue.fen)
    values["finesFen"] = finesFen.map(NarrativeValue.fen)
    values["studentsRedistributed"] = studentsRedistributed.map(NarrativeValue.count)
    values["title"] = title.map(NarrativeValue.text)
    if !problems.isEmpty {
      values["problems"] = .count(problemCount)
      for group in problems {
        let key = "problems.\(group.category.rawValue)"
        if case .count(let sum)? = values[key] {
          values[key] = .count(sum + group.count)
        } else {
          values[key] = .count(group.count)
        }
      }
    }
    return values
  }

  static func common(_ record: some NarratedRecord) -> [String: NarrativeValue] {
    var values: [String: NarrativeValue] = [:]
    for figure in record.figures { values[figure.key] = .count(figure.value) }
    if record.departmentCount != nil || !record.departments.isEmpty {
      values["departments"] = .count(record.departmentCount ?? Int64(record.departments.count))
    }
    return values
  }
}

/// A measure of a region (工作举措): a policy document issued (印发通知), pledges signed, a
/// hotline published, supervisors appointed, a campaign or survey, with its figures.
public struct SupervisionMeasure: Codable, Equatable, NarratedRecord {
  public var date: CalendarDate
  public var region: String
  public var kind: MeasureKind
  /// The document's title without 《》, or the measure's name.
  public var title: String?
  public var departments: [Department] = []
  public var departmentCount: Int64?
  public var figures: [Figure] = []
  public var text: String?
  public var experience = false
  public var headline: String?

  public init(date: CalendarDate, region: String, kind: MeasureKind) {
    self.date = date
    self.region = region
    self.kind = kind
  }

  public var narrativeValues: [String: NarrativeValue] {
    var values = SupervisionAction.common(self)
    if let title { values["title"] = kind == .document ? .text("《\(title)》") : .text(title) }
    return values
  }
}

/// One problem found at one registered institution or unregistered operator, with what was
/// ordered; followed up by `finding.rectified` and `finding.verified` entries.
public struct FindingRecord: Codable, Equatable, Sendable {
  public var date: CalendarDate
  /// The region of the institution, or where the operator was found.
  public var region: String
  /// The USCC of a registered institution.
  public var institution: String?
  /// The name of an unregistered operator (as found: a shop sign, a flat, a group name).
  public var operatorName: String?
  /// Where the unregistered operator was found.
  public var operatorAddress: String?
  public var category: FindingCategory
  public var actions: [EnforcementAction] = []
  /// The rectification deadline (限期整改), required when `actions` has rectify.
  public var deadline: CalendarDate?
  public var fineFen: Int64?
  public var refundsFen: Int64?
  public var studentsRedistributed: Int64?
  /// The supervision action during which it was found (SA3).
  public var inspection: String?
  public var note: String?

  public init(date: CalendarDate, region: String, category: FindingCategory) {
    self.date = date
    self.region = region
    self.category = category
  }
}

/// A complaint or tip (投诉、举报). No personal data: a parent is named by the parent's id in
/// the registry, or only by an opaque reference of the channel (the hotline's ticket number).
public struct ComplaintRecord: Codable, Equatable, Sendable {
  public var date: CalendarDate
  public var channel: ComplaintChannel
  public var region: String
  public var institution: String?
  public var operatorName: String?
  public var category: FindingCategory?
  /// What it is about, in a sentence, without names, phone or ID numbers.
  public var summary: String
  /// The registered parent who complained (P3), if any.
  public var parent: String?
  /// The channel's own reference (a ticket number), if any.
  public var channelRef: String?

  public init(date: CalendarDate, channel: ComplaintChannel, region: String, summary: String) {
    self.date = date
    self.channel = channel
    self.region = region
    self.summary = summary
  }
}

/// How a complaint was closed.
public struct ComplaintResolution: Codable, Equatable, Sendable {
  public var date: CalendarDate
  public var outcome: ComplaintOutcome
  public var note: String
  public var refundsFen: Int64?
  public init(date: CalendarDate, outcome: ComplaintOutcome, note: String, refundsFen: Int64? = nil) {
    self.date = date
    self.outcome = outcome
    self.note = note
    self.refundsFen = refundsFen
  }
}

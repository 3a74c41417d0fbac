import JianguanCore

/// The form of `action record`, as typed.
public struct ActionForm: Sendable {
  public var date = ""
  public var region = ""
  public var title: String?
  /// Comma-separated department codes.
  public var departments: String?
  public var departmentCount: String?
  public var personVisits: String?
  public var teams: String?
  public var institutionsChecked: String?
  /// Each `CATEGORY=COUNT[:ACTION+ACTION…[:FOLLOW-UP]]`, e.g. `safety-hazard=6:rectify:rectified`.
  public var problems: [String] = []
  public var refundsYuan: String?
  public var finesYuan: String?
  public var studentsRedistributed: String?
  /// Each `KEY=VALUE:LABEL`, e.g. `teachersPledged=17267:签订承诺书教师（名）`.
  public var figures: [String] = []
  public var text: String?
  public var experience = false
  public var headline: String?
  public init() {}
}

/// The form of `measure add`, as typed.
public struct MeasureForm: Sendable {
  public var date = ""
  public var region = ""
  public var kind = ""
  public var title: String?
  public var departments: String?
  public var departmentCount: String?
  public var figures: [String] = []
  public var text: String?
  public var experience = false
  public var headline: String?
  public init() {}
}

/// The form of `finding add`, as typed.
public struct FindingForm: Sendable {
  public var date = ""
  public var region: String?
  public var institution: String?
  public var operatorName: String?
  public var operatorAddress: String?
  public var category = ""
  /// Comma-separated actions: rectify, stop-business, ban, deregister, fine, refund, redistribute, interview, handle.
  public var actions = ""
  public var deadline: String?
  public var fineYuan: String?
  public var refundsYuan: String?
  public var studentsRedistributed: String?
  public var inspection: String?
  public var note: String?
  public init() {}
}

/// The form of `complaint file`, as typed.
public struct ComplaintForm: Sendable {
  public var date = ""
  public var channel = ""
  public var region: String?
  public var institution: String?
  public var operatorName: String?
  public var category: String?
  public var summary = ""
  public var parent: String?
  public var channelRef: String?
  public init() {}
}

/// Turns typed forms into records, each refusal naming the option.
enum SupervisionFormReader {
  static let name = FieldNamer.options

  static func count(_ text: String?, _ key: String) throws -> Int64? {
    try text.map { try Money.parseCount($0, field: name(key), range: 0...SupervisionValidator.maxCount) }
  }

  static func yuan(_ text: String?, _ key: String) throws -> Int64? {
    try text.map { try Money.parseYuan($0, field: name(key)) }
  }

  static func list<Term: SupervisionTerm>(_ text: String?, _ key: String, _ type: Term.Type) throws -> [Term]
  {
    guard let text, !text.isEmpty else { return [] }
    return try text.split(separator: ",", omittingEmptySubsequences: false).map {
      try Term.parse(String($0), field: name(key))
    }
  }

  static func action(_ form: ActionForm) throws -> SupervisionAction {
    var action = SupervisionAction(
      date: try CalendarDate.parse(form.date, field: "date"), region: form.region)
    action.title = form.title
    action.departments = try list(form.departments, "departments", Department.self)
    action.departmentCount = try count(form.departmentCount, "departmentCount")
    action.personVisits = try count(form.personVisits, "personVisits")
    action.teams = try count(form.teams, "teams")
    action.institutionsChecked = try count(form.institutionsChecked, "institutionsChecked")
    action.problems = try form.problems.map(problem)
    action.refundsFen = try yuan(form.refundsYuan, "refundsYuan")
    action.finesFen = try yuan(form.finesYuan, "finesYuan")
    action.studentsRedistributed = try count(form.studentsRedistributed, "studentsRedistributed")
    action.figures = try form.figures.map(figure)
    action.text = form.text
    action.experience = form.experience
    action.headline = form.headline
    return action
  }

  static func measure(_ form: MeasureForm) throws -> SupervisionMeasure {
    var measure = SupervisionMeasure(
      date: try CalendarDate.parse(form.date, field: "date"), region: form.region,
      kind: try MeasureKind.parse(form.kind, field: "kind"))
    measure.title = form.title
    measure.departments = try list(form.departments, "departments", Department.self)
    measure.departmentCount = try count(form.departmentCount, "departmentCount")
    measure.figures = try form.figures.map(figure)
    measure.text = form.text
    measure.experience = form.experience
    measure.headline = form.headline
    return measure
  }

  /// `CATEGORY=COUNT[:ACTION+ACTION…[:FOLLOW-UP]]`.
  static func problem(_ text: String) throws -> ProblemGroup {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let head = parts[0].split(separator: "=", omittingEmptySubsequences: false).map(String.init)
    guard head.count == 2, parts.count <= 3 else {
      throw Rejection(
        "problem_malformed",
        "problem \(Rejection.quote(text)) must be CATEGORY=COUNT[:ACTION+ACTION[:FOLLOW-UP]], e.g. safety-hazard=6:rectify"
      )
    }
    let actions =
      parts.count > 1 && !parts[1].isEmpty
      ? try parts[1].split(separator: "+").map {
        try EnforcementAction.parse(String($0), field: "problem action")
      } : []
    return ProblemGroup(
      category: try FindingCategory.parse(head[0], field: "problem category"),
      count: try Money.parseCount(head[1], field: "problem count", range: 1...SupervisionValidator.maxCount),
      actions: actions,
      followUp: parts.count > 2 ? try FollowUp.parse(parts[2], field: "problem follow-up") : .open)
  }

  /// `KEY=VALUE:LABEL`.
  static func figure(_ text: String) throws -> Figure {
    guard let equals = text.firstIndex(of: "="), let colon = text[equals...].firstIndex(of: ":") else {
      throw Rejection(
        "figure_malformed",
        "figure \(Rejection.quote(text)) must be KEY=VALUE:LABEL, e.g. teachersPledged=17267:签订承诺书教师（名）")
    }
    return Figure(
      key: String(text[..<equals]),
      value: try Money.parseCount(
        String(text[text.index(after: equals)..<colon]), field: "figure value",
        range: 0...SupervisionValidator.maxCount),
      label: String(text[text.index(after: colon)...]))
  }

  static func finding(_ form: FindingForm, defaultRegion: String?) throws -> FindingRecord {
    var finding = FindingRecord(
      date: try CalendarDate.parse(form.date, field: "date"), region: form.region ?? defaultRegion ?? "",
      category: try FindingCategory.parse(form.category, field: "category"))
    finding.institution = form.institution
    finding.operatorName = form.operatorName
    finding.operatorAddress = form.operatorAddress
    finding.actions = try list(form.actions, "actions", EnforcementAction.self)
    finding.deadline = try form.deadline.map { try CalendarDate.parse($0, field: "deadline") }
    finding.fineFen = try yuan(form.fineYuan, "fineYuan")
    finding.refundsFen = try yuan(form.refundsYuan, "refundsYuan")
    finding.studentsRedistributed = try count(form.studentsRedistributed, "studentsRedistributed")
    finding.inspection = form.inspection
    finding.note = form.note
    return finding
  }

  static func complaint(_ form: ComplaintForm, defaultRegion: String?) throws -> ComplaintRecord {
    var complaint = ComplaintRecord(
      date: try CalendarDate.parse(form.date, field: "date"),
      channel: try ComplaintChannel.parse(form.channel, field: "channel"),
      region: form.region ?? defaultRegion ?? "",
      summary: form.summary)
    complaint.institution = form.institution
    complaint.operatorName = form.operatorName
    complaint.category = try form.category.map { try FindingCategory.parse($0, field: "category") }
    complaint.parent = form.parent
    complaint.channelRef = form.channelRef
    return complaint
  }
}

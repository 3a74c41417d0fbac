/// How a refusal names a field: as the command-line option (`person-visits`) or by its position in
/// an import file (`records[3].findings[1].category`).
public struct FieldNamer: Sendable {
  public let prefix: String
  public let kebab: Bool

  /// Fields named as command-line options.
  public static let options = FieldNamer(prefix: "", kebab: true)

  /// Fields named by their position in a file, below `path` ("records[3]").
  public static func file(_ path: String) -> FieldNamer { FieldNamer(prefix: path + ".", kebab: false) }

  public init(prefix: String, kebab: Bool) {
    self.prefix = prefix
    self.kebab = kebab
  }

  /// The name of the field `key` (a camel-case key of the file format).
  public func callAsFunction(_ key: String) -> String {
    guard kebab else { return prefix + key }
    var out = ""
    for character in key {
      if character.isUppercase {
        out += "-" + character.lowercased()
      } else {
        out.append(character)
      }
    }
    return prefix + out
  }
}

/// The rules every supervision record keeps, whether typed at the command line or imported.
public enum SupervisionValidator {
  /// The largest count accepted (person-visits, institutions, students, figures).
  public static let maxCount: Int64 = 1_000_000_000

  /// Checks an action; `today` refuses dates in the future.
  public static func validate(
    _ action: SupervisionAction, regions: RegionTable, today: CalendarDate, name: FieldNamer
  ) throws {
    try checkPlaceAndDate(action.region, action.date, regions: regions, today: today, name: name)
    if let title = action.title {
      _ = try TextField.validateForLedger(title, field: name("title"), maxLength: 200)
    }
    try checkDepartments(action, name: name)
    for (key, value) in [
      ("personVisits", action.personVisits), ("teams", action.teams),
      ("institutionsChecked", action.institutionsChecked),
      ("studentsRedistributed", action.studentsRedistributed), ("refundsYuan", action.refundsFen),
      ("finesYuan", action.finesFen),
    ] {
      try checkCount(value, field: name(key))
    }
    var seen = Set<FindingCategory>()
    for (index, group) in action.problems.enumerated() {
      let field = "\(name("problems"))[\(index)]"
      guard seen.insert(group.category).inserted else {
        throw Rejection(
          "problem_category_repeated",
          "\(field).category \(Rejection.quote(group.category.rawValue)) is listed twice; give each category once with its total"
        )
      }
      guard (1...maxCount).contains(group.count) else {
        throw Rejection(
          "problem_count_out_of_range", "\(field).count \(group.count) must be between 1 and \(maxCount)")
      }
      if Set(group.actions).count != group.actions.count {
        throw Rejection("problem_action_repeated", "\(field).actions names an action twice")
      }
    }
    try checkFigures(action, reserved: action.narrativeValues.keys, name: name)
    try checkNarrative(action, name: name)
  }

  /// Checks a measure.
  public static func validate(
    _ measure: SupervisionMeasure, regions: RegionTable, today: CalendarDate, name: FieldNamer
  ) throws {
    try checkPlaceAndDate(measure.region, measure.date, regions: regions, today: today, name: name)
    if let title = measure.title {
      _ = try TextField.validateForLedger(title, field: name("title"), maxLength: 200)
      if title.hasPrefix("《") || title.hasSuffix("》") {
        throw Rejection(
          "title_has_brackets",
          "\(name("title")) \(Rejection.quote(title)) has 《》; give the title without them")
      }
    } else if measure.kind == .document {
      throw Rejection(
        "document_title_missing", "\(name("title")) is required for a measure of kind document (印发通知)")
    }
    try checkDepartments(measure, name: name)
    try checkFigures(measure, reserved: [], name: name)
    try checkNarrative(measure, name: name)
  }

  /// Checks a finding: who (an institution or an operator), what, and what was ordered.
  public static func validate(
    _ finding: FindingRecord, regions: RegionTable, today: CalendarDate, name: FieldNamer
  ) throws {
    try checkPlaceAndDate(finding.region, finding.date, regions: regions, today: today, name: name)
    switch (finding.institution, finding.operatorName) {
    case (.some, .some):
      throw Rejection(
        "finding_target_ambiguous",
        "\(name("institution")) and \(name("operatorName")) are both given; a finding is against one of them")
    case (.none, .none):
      throw Rejection(
        "finding_target_missing",
        "a finding needs \(name("institution")) (a registered USCC) or \(name("operatorName")) (an unregistered operator)"
      )
    case (.none, .some(let operatorName)):
      _ = try TextField.validateForLedger(operatorName, field: name("operatorName"), maxLength: 100)
    case (.some, .none):
      if finding.operatorAddress != nil {
        throw Rejection(
          "operator_address_for_institution",
          "\(name("operatorAddress")) is for unregistered operators; a registered institution has its venues")
      }
    }
    if let address = finding.operatorAddress {
      _ = try TextField.validateForLedger(address, field: name("operatorAddress"), maxLength: 200)
    }
    guard !finding.actions.isEmpty else {
      throw Rejection(
        "finding_action_missing",
        "\(name("actions")) must name at least one action (rectify, stop-business, ban, …)")
    }
    if Set(finding.actions).count != finding.actions.count {
      throw Rejection("finding_action_repeated", "\(name("actions")) names an action twice")
    }
    try checkActionFigure(finding.actions, .rectify, finding.deadline != nil, name("deadline"), name: name)
    try checkActionFigure(finding.actions, .fine, finding.fineFen != nil, name("fineYuan"), name: name)
    try checkActionFigure(
      finding.actions, .refund, finding.refundsFen != nil, name("refundsYuan"), name: name)
    try checkActionFigure(
      finding.actions, .redistribute, finding.studentsRedistributed != nil, name("studentsRedistributed"),
      name: name)
    if let deadline = finding.deadline, deadline < finding.date {
      throw Rejection(
        "deadline_before_finding",
        "\(name("deadline")) \(Rejection.quote(deadline.description)) is before the finding's date \(finding.date); a deadline lies ahead"
      )
    }
    try checkCount(finding.fineFen, field: name("fineYuan"))
    try checkCount(finding.refundsFen, field: name("refundsYuan"))
    try checkCount(finding.studentsRedistributed, field: name("studentsRedistributed"))
    if let note = finding.note {
      _ = try TextField.validateForLedger(note, field: name("note"), maxLength: 500)
    }
  }

  /// Checks a complaint; refuses anything that looks like a phone or ID number.
  public static func validate(
    _ complaint: ComplaintRecord, regions: RegionTable, today: CalendarDate, name: FieldNamer
  ) throws {
    try checkPlaceAndDate(complaint.region, complaint.date, regions: regions, today: today, name: name)
    if complaint.institution != nil && complaint.operatorName != nil {
      throw Rejection(
        "complaint_target_ambiguous",
        "\(name("institution")) and \(name("operatorName")) are both given; a complaint is about one of them")
    }
    if complaint.institution == nil && complaint.operatorName == nil {
      throw Rejection(
        "complaint_target_missing",
        "a complaint needs \(name("institution")) (a registered USCC) or \(name("operatorName")) (whom it is about)"
      )
    }
    if let operatorName = complaint.operatorName {
      _ = try TextField.validateForLedger(operatorName, field: name("operatorName"), maxLength: 100)
    }
    _ = try TextField.validateForLedger(complaint.summary, field: name("summary"), maxLength: 500)
    if let parent = complaint.parent, !isRegistryID(parent, prefix: "P") {
      throw Rejection(
        "parent_id_malformed",
        "\(name("parent")) \(Rejection.quote(parent)) is not a parent id such as P3; register the parent and give the id, never a name or number"
      )
    }
    if let reference = complaint.channelRef {
      guard (1...40).contains(reference.count),
        reference.unicodeScalars.allSatisfy({ $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" })
      else {
        throw Rejection(
          "channel_ref_malformed",
          "\(name("channelRef")) \(Rejection.quote(reference)) must be 1 to 40 letters, digits or hyphens")
      }
      // A channel's ticket number may hold up to 10 digits in a row.
      try TextField.refusePersonalData(reference, field: name("channelRef"), longestRun: 11)
    }
  }

  /// Checks a resolution against its complaint's date.
  public static func validate(
    _ resolution: ComplaintResolution, filed: CalendarDate, today: CalendarDate, name: FieldNamer
  )
    throws
  {
    try checkNotFuture(resolution.date, today: today, field: name("date"))
    if resolution.date < filed {
      throw Rejection(
        "resolution_before_complaint",
        "\(name("date")) \(resolution.date) is before the complaint was filed (\(filed))")
    }
    _ = try TextField.validateForLedger(resolution.note, field: name("note"), maxLength: 500)
    try checkCount(resolution.refundsFen, field: name("refundsYuan"))
  }

  static func isRegistryID(_ text: String, prefix: Character) -> Bool {
    text.first == prefix && (2...12).contains(text.count)
      && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
  }

  static func checkPlaceAndDate(
    _ region: String, _ date: CalendarDate, regions: RegionTable, today: CalendarDate, name: FieldNamer
  ) throws {
    _ = try regions.validateCurrent(region, field: name("region"))
    try checkNotFuture(date, today: today, field: name("date"))
  }

  /// Refuses a date after today.
  public static func checkNotFuture(_ date: CalendarDate, today: CalendarDate, field: String) throws {
    if date > today {
      throw Rejection(
        "date_in_future",
        "\(field) \(Rejection.quote(date.description)) is after today (\(today)); record what has happened")
    }
  }

  static func checkCount(_ value: Int64?, field: String) throws {
    guard let value else { return }
    guard value >= 0 else {
      throw Rejection("count_negative", "\(field) \(value) is negative; counts and amounts are 0 or more")
    }
    guard value <= maxCount * 100 else {
      throw Rejection("count_out_of_range", "\(field) \(value) is above the maximum of \(maxCount)")
    }
  }

  static func checkActionFigure(
    _ actions: [EnforcementAction], _ action: EnforcementAction, _ hasFigure: Bool, _ field: String,
    name: FieldNamer
  ) throws {
    if actions.contains(action) && !hasFigure {
      throw Rejection(
        "\(String(action.rawValue.map { $0 == "-" ? "_" : $0 }))_figure_missing",
        "\(name("actions")) has \(action.rawValue), which needs \(field)")
    }
    if !actions.contains(action) && hasFigure {
      throw Rejection(
        "\(String(action.rawValue.map { $0 == "-" ? "_" : $0 }))_action_missing",
        "\(field) is given but \(name("actions")) lacks \(action.rawValue)")
    }
  }

  static func checkDepartments(_ record: some NarratedRecord, name: FieldNamer) throws {
    if Set(record.departments).count != record.departments.count {
      throw Rejection("department_repeated", "\(name("departments")) names a department twice")
    }
    if let count = record.departmentCount {
      guard count >= Int64(record.departments.count), count <= 100 else {
        throw Rejection(
          "department_count_too_small",
          "\(name("departmentCount")) \(count) is fewer than the \(record.departments.count) departments named (or above 100)"
        )
      }
    }
  }

  static func checkFigures(_ record: some NarratedRecord, reserved: some Collection<String>, name: FieldNamer)
    throws
  {
    var keys = Set<String>()
    for (index, figure) in record.figures.enumerated() {
      let field = "\(name("figures"))[\(index)]"
      guard NarrativeTemplate.isKey(Substring(figure.key)), !figure.key.contains(".") else {
        throw Rejection(
          "figure_key_malformed",
          "\(field).key \(Rejection.quote(figure.key)) must be letters and digits starting with a letter")
      }
      guard keys.insert(figure.key).inserted,
        ![
          "personVisits", "teams", "institutionsChecked", "refundsFen", "finesFen", "studentsRedistributed",
          "title",
          "problems", "departments",
        ].contains(figure.key)
      else {
        throw Rejection(
          "figure_key_repeated",
          "\(field).key \(Rejection.quote(figure.key)) is used twice or is a field's name")
      }
      guard (0...maxCount).contains(figure.value) else {
        throw Rejection(
          "figure_value_out_of_range", "\(field).value \(figure.value) must be between 0 and \(maxCount)")
      }
      _ = try TextField.validateForLedger(figure.label, field: "\(field).label", maxLength: 60)
    }
  }

  static func checkNarrative(_ record: some NarratedRecord, name: FieldNamer) throws {
    if let text = record.text {
      _ = try TextField.validateForLedger(text, field: name("text"), maxLength: NarrativeTemplate.maxLength)
      let template = try NarrativeTemplate(text, field: name("text"))
      try template.checkKeys(against: record.narrativeValues, field: name("text"))
    }
    if let headline = record.headline {
      guard record.experience else {
        throw Rejection(
          "headline_without_experience", "\(name("headline")) is only for items marked as experience reports")
      }
      _ = try TextField.validateForLedger(headline, field: name("headline"), maxLength: 100)
      _ = try NarrativeTemplate(headline, field: name("headline"))
    }
  }
}

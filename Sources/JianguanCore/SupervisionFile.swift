/// A batch of supervision records as `jianguan import supervision` reads it (format in
/// docs/SUPERVISION.md): `{"format": "jianguan-supervision/1", "records": [...]}`. Every record is
/// read and checked here, each refusal naming its position (`records[3].findings[1].category`);
/// what needs the database (an institution's registration) is checked by the store.
public enum SupervisionFile {
  public static let format = "jianguan-supervision/1"
  public static let maxBytes = 8 << 20
  public static let maxRecords = 10_000

  /// A finding with its position in the file.
  public struct PlacedFinding: Sendable {
    public let finding: FindingRecord
    public let path: String
  }

  /// One record of the file, with its position.
  public enum Record: Sendable {
    case action(SupervisionAction, findings: [PlacedFinding], path: String)
    case measure(SupervisionMeasure, path: String)
    case finding(FindingRecord, path: String)
    case complaint(ComplaintRecord, resolution: ComplaintResolution?, path: String)

    public var path: String {
      switch self {
      case .action(_, _, let path), .measure(_, let path), .finding(_, let path), .complaint(_, _, let path):
        path
      }
    }
  }

  /// Reads and checks every record of the file's bytes.
  public static func parse(_ bytes: [UInt8], file: String, regions: RegionTable, today: CalendarDate) throws
    -> [Record]
  {
    let root = try JSONValue.parse(bytes, file: file, code: "import_json_invalid", maxBytes: maxBytes)
    let top = try Reader(root, path: file)
    try top.refuseUnknown(["format", "records", "_note"])
    guard try top.string("format") == format else {
      throw Rejection(
        "import_format_unknown",
        "\(file): format must be \(Rejection.quote(format)), the only version this tool reads")
    }
    let items = try top.array("records") ?? []
    guard !items.isEmpty, items.count <= maxRecords else {
      throw Rejection("import_records_count", "\(file): records must hold 1 to \(maxRecords) records")
    }
    return try items.enumerated().map { index, value in
      try record(Reader(value, path: "records[\(index)]"), regions: regions, today: today)
    }
  }

  static func record(_ reader: Reader, regions: RegionTable, today: CalendarDate) throws -> Record {
    let path = reader.path
    let name = FieldNamer.file(path)
    switch try reader.requiredString("type") {
    case "action":
      try reader.refuseUnknown(narratedKeys + actionKeys + ["findings"])
      var action = SupervisionAction(
        date: try reader.date("date"), region: try reader.requiredString("region"))
      action.title = try reader.string("title")
      action.personVisits = try reader.count("personVisits")
      action.teams = try reader.count("teams")
      action.institutionsChecked = try reader.count("institutionsChecked")
      action.refundsFen = try reader.yuan("refundsYuan")
      action.finesFen = try reader.yuan("finesYuan")
      action.studentsRedistributed = try reader.count("studentsRedistributed")
      action.problems = try (reader.array("problems") ?? []).enumerated().map { index, value in
        try problem(Reader(value, path: "\(path).problems[\(index)]"))
      }
      try readNarrated(reader, into: &action)
      try SupervisionValidator.validate(action, regions: regions, today: today, name: name)
      let findings = try (reader.array("findings") ?? []).enumerated().map { index, value in
        let findingPath = "\(path).findings[\(index)]"
        let found = try finding(
          Reader(value, path: findingPath), defaultDate: action.date, defaultRegion: action.region)
        try SupervisionValidator.validate(found, regions: regions, today: today, name: .file(findingPath))
        return PlacedFinding(finding: found, path: findingPath)
      }
      try checkFindingsWithinProblems(action, findings, path: path)
      return .action(action, findings: findings, path: path)
    case "measure":
      try reader.refuseUnknown(narratedKeys + ["kind", "title"])
      var measure = SupervisionMeasure(
        date: try reader.date("date"), region: try reader.requiredString("region"),
        kind: try MeasureKind.parse(try reader.requiredString("kind"), field: name("kind")))
      measure.title = try reader.string("title")
      try readNarrated(reader, into: &measure)
      try SupervisionValidator.validate(measure, regions: regions, today: today, name: name)
      return .measure(measure, path: path)
    case "finding":
      try reader.refuseUnknown(findingKeys + ["type"])
      let found = try finding(reader, defaultDate: nil, defaultRegion: nil)
      try SupervisionValidator.validate(found, regions: regions, today: today, name: name)
      return .finding(found, path: path)
    case "complaint":
      return try complaint(reader, regions: regions, today: today)
    case let other:
      throw Rejection(
        "import_record_type_unknown",
        "\(name("type")) \(Rejection.quote(other)) must be action, measure, finding or complaint")
    }
  }

  static let narratedKeys = [
    "type", "date", "region", "departments", "departmentCount", "figures", "text", "experience", "headline",
  ]
  static let actionKeys = [
    "title", "personVisits", "teams", "institutionsChecked", "problems", "refundsYuan", "finesYuan",
    "studentsRedistributed",
  ]
  static let findingKeys = [
    "date", "region", "institution", "operatorName", "operatorAddress", "category", "actions", "deadline",
    "fineYuan",
    "refundsYuan", "studentsRedistributed", "note",
  ]

  static func readNarrated<Record: NarratedRecordFields>(_ reader: Reader, into record: inout Record) throws {
    record.departments = try reader.terms("departments", Department.self)
    record.departmentCount = try reader.count("departmentCount")
    record.figures = try (reader.array("figures") ?? []).enumerated().map { index, value in
      let figure = try Reader(value, path: "\(reader.path).figures[\(index)]")
      try figure.refuseUnknown(["key", "value", "label"])
      return Figure(
        key: try figure.requiredString("key"), value: try figure.requiredCount("value"),
        label: try figure.requiredString("label"))
    }
    record.text = try reader.string("text")
    record.experience = try reader.bool("experience") ?? false
    record.headline = try reader.string("headline")
  }

  static func problem(_ reader: Reader) throws -> ProblemGroup {
    try reader.refuseUnknown(["category", "count", "actions", "followUp"])
    return ProblemGroup(
      category: try FindingCategory.parse(
        try reader.requiredString("category"), field: reader.field("category")),
      count: try reader.requiredCount("count"),
      actions: try reader.terms("actions", EnforcementAction.self),
      followUp: try reader.string("followUp").map { try FollowUp.parse($0, field: reader.field("followUp")) }
        ?? .open)
  }

  static func finding(_ reader: Reader, defaultDate: CalendarDate?, defaultRegion: String?) throws
    -> FindingRecord
  {
    if defaultDate != nil { try reader.refuseUnknown(findingKeys) }
    let date = try defaultDate.map { try reader.optionalDate("date") ?? $0 } ?? reader.date("date")
    let region = try reader.string("region") ?? defaultRegion ?? reader.requiredString("region")
    var found = FindingRecord(
      date: date, region: region,
      category: try FindingCategory.parse(
        try reader.requiredString("category"), field: reader.field("category")))
    found.institution = try reader.string("institution")
    found.operatorName = try reader.string("operatorName")
    found.operatorAddress = try reader.string("operatorAddress")
    found.actions = try reader.terms("actions", EnforcementAction.self)
    found.deadline = try reader.optionalDate("deadline")
    found.fineFen = try reader.yuan("fineYuan")
    found.refundsFen = try reader.yuan("refundsYuan")
    found.studentsRedistributed = try reader.count("studentsRedistributed")
    found.note = try reader.string("note")
    return found
  }

  static func complaint(_ reader: Reader, regions: RegionTable, today: CalendarDate) throws -> Record {
    try reader.refuseUnknown([
      "type", "date", "channel", "region", "institution", "operatorName", "category", "summary", "parent",
      "channelRef",
      "resolution",
    ])
    var complaint = ComplaintRecord(
      date: try reader.date("date"),
      channel: try ComplaintChannel.parse(
        try reader.requiredString("channel"), field: reader.field("channel")),
      region: try reader.requiredString("region"), summary: try reader.requiredString("summary"))
    complaint.institution = try reader.string("institution")
    complaint.operatorName = try reader.string("operatorName")
    complaint.category = try reader.string("category").map {
      try FindingCategory.parse($0, field: reader.field("category"))
    }
    complaint.parent = try reader.string("parent")
    complaint.channelRef = try reader.string("channelRef")
    try SupervisionValidator.validate(complaint, regions: regions, today: today, name: .file(reader.path))
    var resolution: ComplaintResolution?
    if let value = reader.members["resolution"] {
      let inner = try Reader(value, path: reader.field("resolution"))
      try inner.refuseUnknown(["date", "outcome", "note", "refundsYuan"])
      resolution = ComplaintResolution(
        date: try inner.date("date"),
        outcome: try ComplaintOutcome.parse(
          try inner.requiredString("outcome"), field: inner.field("outcome")),
        note: try inner.requiredString("note"), refundsFen: try inner.yuan("refundsYuan"))
      try SupervisionValidator.validate(
        resolution!, filed: complaint.date, today: today, name: .file(inner.path))
    }
    return .complaint(complaint, resolution: resolution, path: reader.path)
  }

  /// Refuses more detailed findings of a category than the action counts problems of it.
  static func checkFindingsWithinProblems(
    _ action: SupervisionAction, _ findings: [PlacedFinding], path: String
  ) throws {
    var counted: [FindingCategory: Int64] = [:]
    for group in action.problems { counted[group.category, default: 0] += group.count }
    var detailed: [FindingCategory: Int64] = [:]
    for placed in findings {
      detailed[placed.finding.category, default: 0] += 1
      if detailed[placed.finding.category]! > counted[placed.finding.category, default: 0] {
        throw Rejection(
          "findings_exceed_problems",
          "\(placed.path).category \(Rejection.quote(placed.finding.category.rawValue)) makes more findings of that category than \(path).problems counts (\(counted[placed.finding.category, default: 0]))"
        )
      }
    }
  }

  /// Typed access to one JSON object of the file, naming fields by their position.
  struct Reader {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws {
      guard case .object(let members) = value else {
        throw Rejection("import_not_an_object", "\(path) must be an object, not \(value.kindName)")
      }
      self.members = members
      self.path = path
    }

    func field(_ key: String) -> String { "\(path).\(key)" }

    func refuseUnknown(_ allowed: [String]) throws {
      for key in members.keys.sorted() where !allowed.contains(key) && !key.hasPrefix("_") {
        throw Rejection("import_key_unknown", "\(field(key)) is not a field of this record (a typo?)")
      }
    }

    func value(_ key: String) -> JSONValue? {
      if case .null? = members[key] { return nil }
      return members[key]
    }

    func string(_ key: String) throws -> String? {
      guard let value = value(key) else { return nil }
      guard case .string(let text) = value else {
        throw Rejection("import_not_a_string", "\(field(key)) must be a string, not \(value.kindName)")
      }
      return text
    }

    func requiredString(_ key: String) throws -> String {
      guard let text = try string(key) else {
        throw Rejection("import_field_missing", "\(field(key)) is missing")
      }
      return text
    }

    func bool(_ key: String) throws -> Bool? {
      guard let value = value(key) else { return nil }
      guard case .bool(let flag) = value else {
        throw Rejection("import_not_a_boolean", "\(field(key)) must be true or false, not \(value.brief)")
      }
      return flag
    }

    func count(_ key: String) throws -> Int64? {
      guard let value = value(key) else { return nil }
      guard case .number(let text) = value, let number = Int64(text) else {
        throw Rejection("import_not_a_count", "\(field(key)) \(value.brief) must be a whole number")
      }
      guard number >= 0 else {
        throw Rejection("count_negative", "\(field(key)) \(number) is negative; counts are 0 or more")
      }
      guard number <= SupervisionValidator.maxCount else {
        throw Rejection(
          "count_out_of_range",
          "\(field(key)) \(number) is above the maximum of \(SupervisionValidator.maxCount)")
      }
      return number
    }

    func requiredCount(_ key: String) throws -> Int64 {
      guard let number = try count(key) else {
        throw Rejection("import_field_missing", "\(field(key)) is missing")
      }
      return number
    }

    func yuan(_ key: String) throws -> Int64? {
      guard let text = try string(key) else { return nil }
      return try Money.parseYuan(text, field: field(key))
    }

    func date(_ key: String) throws -> CalendarDate {
      try CalendarDate.parse(try requiredString(key), field: field(key))
    }

    func optionalDate(_ key: String) throws -> CalendarDate? {
      try string(key).map { try CalendarDate.parse($0, field: field(key)) }
    }

    func array(_ key: String) throws -> [JSONValue]? {
      guard let value = value(key) else { return nil }
      guard case .array(let items) = value else {
        throw Rejection("import_not_an_array", "\(field(key)) must be an array, not \(value.kindName)")
      }
      return items
    }

    func terms<Term: SupervisionTerm>(_ key: String, _ type: Term.Type) throws -> [Term] {
      try (array(key) ?? []).enumerated().map { index, value in
        guard case .string(let text) = value else {
          throw Rejection(
            "import_not_a_string", "\(field(key))[\(index)] must be a string, not \(value.kindName)")
        }
        return try Term.parse(text, field: "\(field(key))[\(index)]")
      }
    }
  }
}

/// The fields `SupervisionFile` fills for actions and measures alike.
protocol NarratedRecordFields: NarratedRecord {
  var departments: [Department] { get set }
  var departmentCount: Int64? { get set }
  var figures: [Figure] { get set }
  var text: String? { get set }
  var experience: Bool { get set }
  var headline: String? { get set }
}

extension SupervisionAction: NarratedRecordFields {}
extension SupervisionMeasure: NarratedRecordFields {}

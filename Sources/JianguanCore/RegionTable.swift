/// The GB/T 2260 administrative divisions: the current list, and every code that ever existed
/// (an ID number keeps the region code of the year it was issued).
public struct RegionTable: Sendable {
  /// The largest CSV text accepted, per file.
  public static let maxCSVBytes = 8 << 20

  private let current: [String: Region]
  /// Every code of the history file, with its latest name.
  private let historicalNames: [String: String]
  private let childCodes: [String: [String]]

  /// Reads `Data/regions.csv` (code,name,level,parent_code) and `Data/regions_history.csv`
  /// (code,names_in_order,first_revision,last_revision,in_regions_csv); refuses malformed rows,
  /// duplicate codes and parents that are missing or not above their child.
  public init(currentCSV: String, historyCSV: String) throws {
    let code = "region_table_malformed"
    let currentRows = try CSVText(currentCSV, file: "regions.csv", code: code, maxBytes: Self.maxCSVBytes)
      .rows
    try Self.expectHeader(currentRows, "code,name,level,parent_code", file: "regions.csv")
    var current: [String: Region] = [:]
    current.reserveCapacity(currentRows.count)
    for row in currentRows.dropFirst() {
      let region = try Self.region(from: row)
      if current.updateValue(region, forKey: region.code) != nil {
        throw Rejection(code, "regions.csv line \(row.lineNumber) repeats code \(region.code)")
      }
    }
    var childCodes: [String: [String]] = [:]
    for region in current.values {
      guard let parentCode = region.parentCode else { continue }
      guard let parent = current[parentCode], parent.level != .county,
        region.level == .county || parent.level == .province
      else {
        throw Rejection(
          code, "regions.csv gives \(region.code) the parent \(parentCode), which is not a division above it")
      }
      childCodes[parentCode, default: []].append(region.code)
    }
    for key in childCodes.keys { childCodes[key]!.sort() }

    let historyRows = try CSVText(
      historyCSV, file: "regions_history.csv", code: code, maxBytes: Self.maxCSVBytes
    )
    .rows
    try Self.expectHeader(
      historyRows, "code,names_in_order,first_revision,last_revision,in_regions_csv",
      file: "regions_history.csv")
    var historicalNames: [String: String] = [:]
    historicalNames.reserveCapacity(historyRows.count)
    for row in historyRows.dropFirst() {
      let fields = row.fields
      guard fields.count == 5, CSVText.isSixDigits(fields[0]), !fields[1].isEmpty,
        fields[2].utf8.count == 6, fields[3].utf8.count == 6, fields[4] == "yes" || fields[4] == "no",
        let lastName = fields[1].split(separator: "|").last
      else {
        throw Rejection(
          code, "regions_history.csv line \(row.lineNumber) is not code,names,first,last,yes|no")
      }
      if historicalNames.updateValue(String(lastName), forKey: fields[0]) != nil {
        throw Rejection(code, "regions_history.csv line \(row.lineNumber) repeats code \(fields[0])")
      }
    }
    self.current = current
    self.historicalNames = historicalNames
    self.childCodes = childCodes
  }

  /// The number of divisions in the current list.
  public var count: Int { current.count }

  /// The division with this code in the current list, or nil.
  public func region(_ code: String) -> Region? { current[code] }

  /// Whether the code is in the current list or ever was in GB/T 2260 (1980 onwards).
  public func everExisted(_ code: String) -> Bool {
    current[code] != nil || historicalNames[code] != nil
  }

  /// Parses a region code that must be 6 ASCII digits and in the current list.
  public func validateCurrent(_ text: String, field: String) throws -> Region {
    var quoted: String { Rejection.quote(text) }  // only a refusal needs it
    guard CSVText.isSixDigits(text) else {
      throw Rejection(
        "region_code_not_six_digits", "\(field) \(quoted) is not a 6-digit GB/T 2260 region code")
    }
    if let region = current[text] { return region }
    if let oldName = historicalNames[text] {
      throw Rejection(
        "region_code_retired",
        "\(field) \(quoted) (\(oldName)) is a retired GB/T 2260 code; give the current code of the region")
    }
    throw Rejection("region_code_unknown", "\(field) \(quoted) is not a GB/T 2260 region code")
  }

  /// The province containing `code` (itself for a province). A code missing from the current
  /// list (a retired code) is placed by its first two digits.
  public func province(of code: String) -> Region? {
    if current[code] != nil { return ancestry(of: code).last }
    guard CSVText.isSixDigits(code) else { return nil }
    return current[String(code.prefix(2)) + "0000"]
  }

  /// The prefecture containing `code` (itself for a prefecture); nil for provinces and for
  /// counties directly under a province (municipal districts, 省直辖县). A retired code is placed
  /// by its first four digits.
  public func prefecture(of code: String) -> Region? {
    if current[code] != nil { return ancestry(of: code).first { $0.level == .prefecture } }
    guard CSVText.isSixDigits(code), !code.hasSuffix("00") else { return nil }
    let candidate = current[String(code.prefix(4)) + "00"]
    return candidate?.level == .prefecture ? candidate : nil
  }

  /// The division and those above it, from itself up to its province; empty if not current.
  public func ancestry(of code: String) -> [Region] {
    var chain: [Region] = []
    var next: String? = code
    while let nextCode = next, let region = current[nextCode], chain.count < 3 {
      chain.append(region)
      next = region.parentCode
    }
    return chain
  }

  /// Whether `child` is `ancestor` or lies within it (current list).
  public func contains(_ child: String, within ancestor: String) -> Bool {
    ancestry(of: child).contains { $0.code == ancestor }
  }

  /// The divisions directly below `code`, in code order.
  public func children(of code: String) -> [Region] {
    (childCodes[code] ?? []).compactMap { current[$0] }
  }

  /// The provinces in GB/T 2260 order (code order).
  public var provincesInOrder: [Region] {
    current.values.filter { $0.level == .province }.sorted { $0.code < $1.code }
  }

  /// The full name from the province down, e.g. "安徽省合肥市" or "北京市东城区"; a retired code
  /// gives its last name, an unknown code the code itself.
  public func displayName(_ code: String) -> String {
    let chain = ancestry(of: code)
    if !chain.isEmpty { return chain.reversed().map(\.name).joined() }
    return historicalNames[code] ?? code
  }

  private static func expectHeader(_ rows: [CSVText.Row], _ header: String, file: String) throws {
    guard let first = rows.first, first.fields.joined(separator: ",") == header else {
      throw Rejection("region_table_malformed", "\(file) does not start with the header \(header)")
    }
  }

  private static func region(from row: CSVText.Row) throws -> Region {
    let fields = row.fields
    guard fields.count == 4, CSVText.isSixDigits(fields[0]), !fields[1].isEmpty,
      let level = Region.Level(rawValue: fields[2]),
      (level == .province) == fields[3].isEmpty, fields[3].isEmpty || CSVText.isSixDigits(fields[3])
    else {
      throw Rejection(
        "region_table_malformed", "regions.csv line \(row.lineNumber) is not code,name,level,parent_code")
    }
    return Region(
      code: fields[0], name: fields[1], level: level, parentCode: fields[3].isEmpty ? nil : fields[3])
  }
}

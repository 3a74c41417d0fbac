/// The national default policy and the regional overrides of `Data/policy.json`.
///
/// File shape: `{"version": 1, "defaults": {every Policy field}, "regions": {"340100": {some
/// fields}}}`; keys beginning with "_" (such as "_sources", "_note") are notes and ignored, any
/// other unknown key is refused so that a typo cannot silently disable a rule. An override of
/// `guidedPrices` replaces the whole list.
public struct PolicyBook: Sendable {
  /// The largest policy file accepted.
  public static let maxBytes = 1 << 20

  /// One region's override: the fields it sets, carried in a Policy.
  struct Override: Sendable {
    let values: Policy
    let keys: Set<String>
  }

  /// The national defaults.
  public let defaults: Policy
  private let overrides: [String: Override]
  /// The file's text, when the book was parsed from one: what `init` loads into the ledger.
  public private(set) var document: String?

  /// A book with only defaults and no regional overrides.
  public init(defaults: Policy = Policy()) {
    self.defaults = defaults
    self.overrides = [:]
  }

  /// Parses the policy file's bytes; `file` is the name the refusals give it.
  public static func parse(json: [UInt8], file: String = "policy.json") throws -> PolicyBook {
    let root = try JSONValue.parse(json, file: file, code: "policy_json_invalid", maxBytes: maxBytes)
    guard case .object(let members) = root else {
      throw PolicyField.bad("file", "must be a JSON object")
    }
    for key in members.keys.sorted()
    where !key.hasPrefix("_") && !["version", "defaults", "regions"].contains(key) {
      throw Rejection(
        "policy_unknown_key", "policy file has the unknown top-level key \(Rejection.quote(key))")
    }
    if let version = members["version"], version.integer != 1 {
      throw PolicyField.bad("version", "must be 1")
    }
    guard case .object(let defaultMembers)? = members["defaults"] else {
      throw PolicyField.bad("defaults", "must be present and be an object")
    }
    let (defaults, keys) = try PolicyField.read(defaultMembers, over: Policy(), path: "defaults")
    if let missing = PolicyField.all().first(where: { !keys.contains($0.name) }) {
      throw Rejection(
        "policy_missing_key",
        "policy defaults lack \(Rejection.quote(missing.name)); the defaults must set every rule")
    }
    var overrides: [String: Override] = [:]
    if let regions = members["regions"] {
      guard case .object(let regionMembers) = regions else {
        throw PolicyField.bad("regions", "must be an object")
      }
      for code in regionMembers.keys.sorted() where !code.hasPrefix("_") {
        guard CSVText.isSixDigits(code) else {
          throw Rejection(
            "policy_bad_region_code",
            "policy regions key \(Rejection.quote(code)) is not a 6-digit region code")
        }
        guard case .object(let fields) = regionMembers[code]! else {
          throw PolicyField.bad("regions.\(code)", "must be an object")
        }
        let (values, setKeys) = try PolicyField.read(fields, over: defaults, path: "regions.\(code)")
        overrides[code] = Override(values: values, keys: setKeys)
      }
    }
    var book = PolicyBook(defaults: defaults, overrides: overrides)
    book.document = String(decoding: json, as: UTF8.self)
    return book
  }

  /// The policy of a region: the defaults, then its province's override, then its
  /// prefecture's, then its own, each setting only the fields it names. The chain comes from
  /// `regions` when the code is current there, otherwise from the code's digits
  /// (XX0000, XXYY00, code).
  public func policy(for regionCode: String, regions: RegionTable?) -> Policy {
    var policy = defaults
    let fields = PolicyField.all()
    for code in chain(of: regionCode, regions: regions) {
      guard let override = overrides[code] else { continue }
      for field in fields where override.keys.contains(field.name) {
        field.copy(from: override.values, to: &policy)
      }
    }
    return policy
  }

  /// The region codes that have an override, in code order.
  public var overriddenRegionCodes: [String] { overrides.keys.sorted() }

  /// The overridden codes that are not current GB/T 2260 codes (likely typos), in code order.
  public func unknownRegionCodes(in regions: RegionTable) -> [String] {
    overriddenRegionCodes.filter { regions.region($0) == nil }
  }

  private init(defaults: Policy, overrides: [String: Override]) {
    self.defaults = defaults
    self.overrides = overrides
  }

  /// Province first, the region itself last.
  private func chain(of code: String, regions: RegionTable?) -> [String] {
    if let regions, regions.region(code) != nil {
      return regions.ancestry(of: code).reversed().map(\.code)
    }
    guard CSVText.isSixDigits(code) else { return [] }
    var codes: [String] = []
    for candidate in [String(code.prefix(2)) + "0000", String(code.prefix(4)) + "00", code]
    where !codes.contains(candidate) {
      codes.append(candidate)
    }
    return codes
  }
}

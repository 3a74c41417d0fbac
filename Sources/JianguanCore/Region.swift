/// One administrative division of GB/T 2260: a province, a prefecture or a county.
public struct Region: Hashable, Sendable {
  /// The level of a division in the GB/T 2260 hierarchy.
  public enum Level: String, Hashable, Sendable, CaseIterable {
    /// 省级: province, autonomous region, municipality, SAR.
    case province
    /// 地级: prefecture-level city, prefecture, league, autonomous prefecture.
    case prefecture
    /// 县级: county, district, county-level city, banner.
    case county
  }

  /// The 6-digit code.
  public let code: String
  /// The name in Chinese, e.g. "合肥市".
  public let name: String
  /// The level in the hierarchy.
  public let level: Level
  /// The code of the division directly above; nil for provinces.
  public let parentCode: String?

  /// Makes a region record.
  public init(code: String, name: String, level: Level, parentCode: String?) {
    self.code = code
    self.name = name
    self.level = level
    self.parentCode = parentCode
  }
}

extension Region {
  /// The digits every code inside `code` starts with (GB/T 2260): a province `XX0000` gives
  /// `XX`, a prefecture `XXYY00` gives `XXYY`, a county itself.
  public static func codePrefix(_ code: String) -> String {
    if code.hasSuffix("0000") { return String(code.prefix(2)) }
    if code.hasSuffix("00") { return String(code.prefix(4)) }
    return code
  }

  /// Whether region `code` lies inside region `outer` (or is it).
  public static func code(_ code: String, isInside outer: String) -> Bool {
    code.hasPrefix(codePrefix(outer))
  }
}

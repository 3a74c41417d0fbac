/// A value a narrative placeholder renders.
public enum NarrativeValue: Equatable, Sendable {
  /// A whole count: "17267", or "十" with the `cn` style.
  case count(Int64)
  /// An amount in fen: yuan ("15000"), or ten-thousands of yuan ("1.5 万") with the `wan` style.
  case fen(Int64)
  /// A name, such as a document title "《…》".
  case text(String)
}

/// The clerk's narrative of a bulletin item: free text in which every figure is a placeholder
/// `{key}` or `{key:style}` naming a structured field, so that a figure printed in the bulletin is
/// always the one recorded. Styles: `cn` (Chinese numerals, 十), `wan` (fen as 万 yuan, "1.5 万").
///
/// Outside placeholders, digits may appear only in a year ("2023年", "2022 年以来") and inside
/// quotation marks or a title (“3+3”, 《…2023 年…》): anything else would be a figure that no
/// field records. Braces are reserved for placeholders.
public struct NarrativeTemplate: Equatable, Sendable {
  public enum Segment: Equatable, Sendable {
    case literal(String)
    case placeholder(key: String, style: String?)
  }

  public let segments: [Segment]

  /// The longest narrative accepted, in characters.
  public static let maxLength = 3000
  static let styles: Set<String> = ["cn", "wan"]

  /// Parses and checks `text`; `field` names it in refusals.
  public init(_ text: String, field: String) throws {
    var segments: [Segment] = []
    var literal = ""
    var rest = Substring(text)
    while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
      literal += rest[..<open]
      guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}") else {
        throw Rejection(
          "narrative_brace_unbalanced",
          "\(field) has a \(Rejection.quote(String(rest[open]))) that does not enclose a placeholder such as {personVisits}"
        )
      }
      let inner = rest[rest.index(after: open)..<close]
      let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
      guard (1...2).contains(parts.count), Self.isKey(parts[0]) else {
        throw Rejection(
          "narrative_placeholder_malformed",
          "\(field) has the placeholder \(Rejection.quote("{\(inner)}")); write {key} or {key:cn} or {key:wan}"
        )
      }
      let style = parts.count == 2 ? String(parts[1]) : nil
      if let style, !Self.styles.contains(style) {
        throw Rejection(
          "narrative_style_unknown",
          "\(field) has the placeholder \(Rejection.quote("{\(inner)}")) with an unknown style; styles are cn and wan"
        )
      }
      if !literal.isEmpty { segments.append(.literal(literal)) }
      literal = ""
      segments.append(.placeholder(key: String(parts[0]), style: style))
      rest = rest[rest.index(after: close)...]
    }
    literal += rest
    if !literal.isEmpty { segments.append(.literal(literal)) }
    self.segments = segments
    try checkDigits(field: field)
  }

  /// Whether `text` is a placeholder key: letters, digits, '.' and '-', starting with a letter.
  static func isKey(_ text: Substring) -> Bool {
    guard let first = text.unicodeScalars.first, text.utf8.count <= 60, first.isASCIILetter else {
      return false
    }
    return text.unicodeScalars.allSatisfy {
      $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "." || $0 == "-"
    }
  }

  /// The keys of the placeholders, in order.
  public var keys: [String] {
    segments.compactMap { if case .placeholder(let key, _) = $0 { key } else { nil } }
  }

  /// Refuses digits outside placeholders unless they form a year or stand inside quotes.
  func checkDigits(field: String) throws {
    let text = segments.map { if case .literal(let text) = $0 { text } else { "{}" } }.joined()
    let scalars = Array(text.unicodeScalars)
    var quoteDepth = 0
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if "“《\"".unicodeScalars.contains(scalar) && !(scalar == "\"" && quoteDepth > 0) {
        quoteDepth += 1
      } else if "”》".unicodeScalars.contains(scalar) || (scalar == "\"" && quoteDepth > 0) {
        quoteDepth = max(0, quoteDepth - 1)
      }
      if (0xFF10...0xFF19).contains(scalar.value) {
        throw Rejection(
          "narrative_full_width_digit",
          "\(field) contains the full-width digit \(scalar); figures go in fields and placeholders")
      }
      guard ("0"..."9").contains(scalar) else {
        index += 1
        continue
      }
      var end = index
      while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == "." { end += 1 }
      let run = String(String.UnicodeScalarView(scalars[index..<end]))
      var after = end
      while after < scalars.count, scalars[after] == " " { after += 1 }
      let isYear = end - index == 4 && after < scalars.count && scalars[after] == "年"
      if quoteDepth == 0 && !isYear {
        throw Rejection(
          "narrative_has_bare_figure",
          "\(field) writes the figure \(Rejection.quote(run)) as text; record it in a field and write a placeholder such as {personVisits}"
        )
      }
      index = end
    }
  }

  /// Refuses placeholders that name no value of the record.
  public func checkKeys(against values: [String: NarrativeValue], field: String) throws {
    for segment in segments {
      guard case .placeholder(let key, let style) = segment else { continue }
      guard let value = values[key] else {
        let known = values.keys.sorted().joined(separator: ", ")
        throw Rejection(
          "narrative_placeholder_unknown",
          "\(field) has the placeholder {\(key)}, but the record has no such figure (it has: \(known.isEmpty ? "none" : known))"
        )
      }
      switch (value, style) {
      case (.text, .some), (.count, "wan"), (.fen, "cn"):
        throw Rejection(
          "narrative_style_mismatch",
          "\(field) renders {\(key)} with the style \(style!), which does not fit its value")
      default: break
      }
    }
  }

  /// The text with every placeholder replaced by its value; with `marked`, each rendered figure is
  /// wrapped in ⟦ ⟧ so that a test can tell figures from the clerk's words.
  public func render(_ values: [String: NarrativeValue], marked: Bool = false) -> String {
    segments.map { segment in
      switch segment {
      case .literal(let text): return text
      case .placeholder(let key, let style):
        let text = values[key].map { Self.render($0, style: style) } ?? "{\(key)}"
        return marked ? "⟦\(text)⟧" : text
      }
    }.joined()
  }

  static func render(_ value: NarrativeValue, style: String?) -> String {
    switch value {
    case .text(let text): return text
    case .count(let count): return style == "cn" ? ChineseNumeral.format(count) : String(count)
    case .fen(let fen):
      return style == "wan" ? decimal(fen, scale: 1_000_000) + " 万" : decimal(fen, scale: 100)
    }
  }

  /// `value / scale` written exactly, without trailing zeros: decimal(1_500_000, 1_000_000) = "1.5".
  static func decimal(_ value: Int64, scale: Int64) -> String {
    let whole = value / scale
    var remainder = value % scale
    guard remainder != 0 else { return String(whole) }
    var digits = ""
    var unit = scale / 10
    while remainder != 0 && unit > 0 {
      digits += String(remainder / unit)
      remainder %= unit
      unit /= 10
    }
    return "\(whole).\(digits)"
  }
}

extension Unicode.Scalar {
  var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

/// Chinese numerals for counts in running text: 5 → 五, 10 → 十, 22 → 二十二, 108 → 一百零八.
public enum ChineseNumeral {
  static let digits = Array("零一二三四五六七八九")

  public static func format(_ value: Int64) -> String {
    guard value >= 0, value < 100_000_000 else { return String(value) }
    if value < 10 { return String(digits[Int(value)]) }
    if value < 20 { return "十" + (value == 10 ? "" : String(digits[Int(value - 10)])) }
    if value >= 10_000 {
      let high = format(value / 10_000) + "万"
      let low = value % 10_000
      return low == 0 ? high : high + (low < 1000 ? "零" : "") + belowTenThousand(low)
    }
    return belowTenThousand(value)
  }

  static func belowTenThousand(_ value: Int64) -> String {
    let units = ["千", "百", "十", ""]
    let places = [value / 1000, value / 100 % 10, value / 10 % 10, value % 10]
    var out = ""
    var pendingZero = false
    for (index, digit) in places.enumerated() {
      if digit == 0 {
        if !out.isEmpty { pendingZero = true }
        continue
      }
      if pendingZero { out += "零" }
      pendingZero = false
      out += String(digits[Int(digit)]) + units[index]
    }
    return out
  }
}

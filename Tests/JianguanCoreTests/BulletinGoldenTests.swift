import Foundation
import JianguanCore
import Testing

/// The bulletin of 2023-01-12 generated from Data/supervision/2023-01-12.json equals the seed
/// bulletin (page breaks joined), and every figure in it comes from a structured field.
@Suite struct BulletinGoldenTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func text(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  static func regions() throws -> RegionTable {
    try RegionTable(currentCSV: text("Data/regions.csv"), historyCSV: text("Data/regions_history.csv"))
  }

  static func bulletin() throws -> Bulletin {
    let regions = try regions()
    let date = CalendarDate(year: 2023, month: 1, day: 12)!
    let records = try SupervisionFile.parse(
      Array(text("Data/supervision/2023-01-12.json").utf8), file: "2023-01-12.json", regions: regions,
      today: date)
    var items: [BulletinItem] = []
    for (index, record) in records.enumerated() {
      switch record {
      case .action(let action, _, _):
        items.append(BulletinItem(id: "SA\(index + 1)", action: action, regions: regions))
      case .measure(let measure, _):
        items.append(BulletinItem(id: "SM\(index + 1)", measure: measure, regions: regions))
      default: Issue.record("the seed's file holds only actions and measures")
      }
    }
    var header = Bulletin.Header(date: date, issuer: "“双减”工作专门协调机制办公室")
    header.issue = 8
    header.serial = 346
    header.submittedTo = "部领导"
    header.copiedTo = "办公厅、秘书局"
    return Bulletin(header: header, items: items, regions: regions)
  }

  @Test func markdownEqualsTheSeedBulletin() throws {
    let generated = try Self.bulletin().markdown()
    let expected = try Self.text("Tests/Golden/bulletin-2023-01-12.md")
    let generatedLines = generated.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, line) in expectedLines.enumerated() {
      let actual = index < generatedLines.count ? generatedLines[index] : "<missing>"
      #expect(actual == line, "line \(index + 1) differs")
    }
    #expect(generatedLines.count == expectedLines.count)
  }

  @Test func provincesComeInGBT2260Order() throws {
    let codes = try Self.bulletin().news.map(\.province.code)
    #expect(codes == codes.sorted())
    #expect(codes.count == 14)
    #expect(codes.first == "150000")
    #expect(codes.contains("210000"))  // 营口市's item is under 辽宁省
  }

  /// Every digit in a paragraph is a rendered field (⟦…⟧ when marked), a year, or inside a quote
  /// or a title; and every marked figure is one of the item's values.
  @Test func everyFigureComesFromAStructuredField() throws {
    let bulletin = try Self.bulletin()
    for paragraph in bulletin.news + bulletin.experiences {
      for item in paragraph.items {
        let marked = item.render(marked: true)
        let renderedValues = Set(item.values.values.flatMap(Self.renderings))
        var figures = 0
        for figure in Self.captures(marked, open: "⟦", close: "⟧") {
          figures += 1
          #expect(renderedValues.contains(figure), "\(item.id): \(figure) is not a value of the record")
        }
        var rest = Self.removing(marked, open: "⟦", close: "⟧")
        rest = Self.removing(rest, open: "《", close: "》")
        rest = Self.removing(rest, open: "“", close: "”")
        for match in rest.matches(of: /([0-9]+)( ?年)?/) {
          #expect(
            match.output.1.count == 4 && match.output.2 != nil, "\(item.id): bare figure \(match.output.0)")
        }
        if item.id != "SM4" && item.id != "SM8" && item.id != "SM14" {
          #expect(figures > 0 || !item.values.isEmpty, "\(item.id) renders no figure")
        }
      }
    }
  }

  /// Every number of the seed appears in the generated paragraph of the same province.
  @Test func everyNumberOfTheSeedIsInItsProvincesParagraph() throws {
    let bulletin = try Self.bulletin()
    var generated: [String: String] = [:]
    for paragraph in bulletin.news + bulletin.experiences {
      generated[paragraph.province.name, default: ""] += paragraph.items.map { $0.render() }.joined()
    }
    let seed = try Self.text("Tests/Golden/bulletin-2023-01-12.md")
    var checked = 0
    for block in seed.components(separatedBy: "\n\n") {
      guard let colon = block.firstIndex(of: "："), block[..<colon].count <= 8,
        let province = generated.keys.first(where: { block.hasPrefix($0 + "：") })
      else { continue }
      for match in block.matches(of: /[0-9]+(\.[0-9]+)?/) {
        #expect(
          generated[province]!.contains(String(match.output.0)), "\(province): \(match.output.0) missing")
        checked += 1
      }
    }
    #expect(checked == 51)  // the digit runs of the seed's province paragraphs, years included
    #expect(generated["辽宁省"]!.contains("17267"))
    #expect(generated["江苏省"]!.contains("4270"))
    #expect(generated["安徽省"]!.contains("246") && generated["安徽省"]!.contains("355"))
    #expect(!generated["安徽省"]!.contains("17267"))
    #expect(generated["内蒙古自治区"]!.contains("打造十个"))
    #expect(generated["贵州省"]!.contains("等五部门"))
  }

  static func renderings(_ value: NarrativeValue) -> [String] {
    switch value {
    case .count(let count): [String(count), ChineseNumeral.format(count)]
    case .fen(let fen):
      [
        Money.formatYuan(fen), String(fen / 100),
        "\(Double(fen) / 1_000_000) 万".replacingOccurrences(of: ".0 万", with: " 万"),
      ]
    case .text(let text): [text]
    }
  }

  static func captures(_ text: String, open: Character, close: Character) -> [String] {
    var out: [String] = []
    var current: String?
    for character in text {
      if character == open {
        current = ""
      } else if character == close, let captured = current {
        out.append(captured)
        current = nil
      } else if current != nil {
        current!.append(character)
      }
    }
    return out
  }

  static func removing(_ text: String, open: Character, close: Character) -> String {
    var out = ""
    var depth = 0
    for character in text {
      if character == open {
        depth += 1
      } else if character == close {
        depth = max(0, depth - 1)
      } else if depth == 0 {
        out.append(character)
      }
    }
    return out
  }
}

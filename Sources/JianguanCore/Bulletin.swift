/// The daily bulletin (每日快报) in the shape of the Double Reduction office's: the heading block,
/// "一、今日动态" with one paragraph per province-level region in GB/T 2260 order, then
/// "二、有关经验做法" for the items marked as experience reports. Pure composition, no I/O.
public struct Bulletin: Sendable {
  /// What the heading and the closing block say.
  public struct Header: Sendable {
    public var date: CalendarDate
    /// 2023 年第 8 期.
    public var issue: Int?
    /// (总第 346 期).
    public var serial: Int?
    /// The issuing office: "“双减”工作专门协调机制办公室".
    public var issuer: String
    /// 报: whom it is submitted to.
    public var submittedTo: String?
    /// 送: whom it is copied to.
    public var copiedTo: String?
    public var title = "“双减”改革每日快报"

    public init(date: CalendarDate, issuer: String) {
      self.date = date
      self.issuer = issuer
    }
  }

  /// A province's paragraph of 今日动态.
  public struct Paragraph: Sendable, Equatable {
    public let province: Region
    public let items: [BulletinItem]
    /// "安徽省：合肥市教育局…"; `marked` wraps each figure in ⟦ ⟧.
    public func text(marked: Bool = false) -> String {
      "\(province.name)：" + items.map { $0.render(marked: marked) }.joined()
    }
  }

  public let header: Header
  public let news: [Paragraph]
  /// Experience reports, each under its province's name.
  public let experiences: [Paragraph]

  /// Groups `items` by province (a prefecture's or county's item goes under its province), in
  /// GB/T 2260 order; within a province by region code, then by the given order.
  public init(header: Header, items: [BulletinItem], regions: RegionTable) {
    self.header = header
    func paragraphs(_ chosen: [BulletinItem]) -> [Paragraph] {
      let ordered = chosen.enumerated().sorted {
        ($0.element.region, $0.offset) < ($1.element.region, $1.offset)
      }
      var byProvince: [String: [BulletinItem]] = [:]
      for (_, item) in ordered {
        byProvince[regions.province(of: item.region)?.code ?? item.region, default: []].append(item)
      }
      return byProvince.keys.sorted().map { code in
        Paragraph(
          province: regions.region(code) ?? Region(code: code, name: code, level: .province, parentCode: nil),
          items: byProvince[code]!)
      }
    }
    news = paragraphs(items.filter { !$0.experience })
    experiences = items.filter(\.experience).enumerated()
      .sorted { ($0.element.region, $0.offset) < ($1.element.region, $1.offset) }
      .map { _, item in
        Paragraph(
          province: regions.province(of: item.region)
            ?? Region(code: item.region, name: item.region, level: .province, parentCode: nil),
          items: [item])
      }
  }

  /// "2023 年 1 月 12 日".
  public static func chineseDate(_ date: CalendarDate) -> String {
    "\(date.year) 年 \(date.month) 月 \(date.day) 日"
  }

  /// The heading lines, in order.
  public var headingLines: [String] {
    var lines = [header.title]
    if let issue = header.issue { lines.append("\(header.date.year) 年第 \(issue) 期") }
    if let serial = header.serial { lines.append("(总第 \(serial) 期)") }
    lines += [header.issuer, Self.chineseDate(header.date)]
    return lines
  }

  /// The closing lines: 报, 送, the issuer and the date of issue.
  public var closingLines: [String] {
    var lines: [String] = []
    if let to = header.submittedTo { lines.append("报：\(to)") }
    if let copied = header.copiedTo { lines.append("送：\(copied)") }
    return lines + [header.issuer, Self.chineseDate(header.date) + "印发"]
  }

  public static let newsHeading = "一、今日动态"
  public static let experienceHeading = "二、有关经验做法"
  public static let nothingToday = "（本日无动态记录。）"

  /// The bulletin as Markdown: the seed's text, with `#` before the title and `##` before the
  /// two section headings, and one blank line between blocks.
  public func markdown() -> String {
    var blocks = headingLines.enumerated().map { $0.offset == 0 ? "# \($0.element)" : $0.element }
    blocks.append("## \(Self.newsHeading)")
    blocks += news.isEmpty ? [Self.nothingToday] : news.map { $0.text() }
    if !experiences.isEmpty {
      blocks.append("## \(Self.experienceHeading)")
      for paragraph in experiences {
        let item = paragraph.items[0]
        blocks.append("\(paragraph.province.name)：")
        if let headline = item.headline { blocks.append(headline) }
        blocks.append(item.render())
      }
    }
    blocks += closingLines
    return blocks.joined(separator: "\n\n") + "\n"
  }
}

import JianguanCore

/// Charts drawn on the server as inline SVG: no script, readable when printed, scaled to the
/// page's width by the browser. Every label is escaped; amounts are fen, shown in yuan.
public enum SVGChart {
  public struct Bar: Sendable {
    public let label: String
    public let valueFen: Int64
    public init(label: String, valueFen: Int64) {
      self.label = label
      self.valueFen = valueFen
    }
  }

  /// Horizontal bars, one row each, longest first as given; `title` is read by screen readers.
  public static func bars(_ bars: [Bar], title: String) -> String {
    let rowHeight = 28
    let labelWidth = 180
    let width = 640
    let height = max(rowHeight * bars.count + 8, 36)
    let top = max(bars.map(\.valueFen).max() ?? 0, 1)
    var svg = """
      <svg class="chart" role="img" viewBox="0 0 \(width) \(height)" xmlns="http://www.w3.org/2000/svg" \
      preserveAspectRatio="xMinYMin meet"><title>\(HTMLText.escape(title))</title>
      """
    if bars.isEmpty {
      svg += "<text x=\"0\" y=\"22\" class=\"muted\">（无数据）</text>"
    }
    for (index, bar) in bars.enumerated() {
      let y = index * rowHeight + 4
      let span = width - labelWidth - 110
      let length = bar.valueFen <= 0 ? 0 : max(Int(Double(bar.valueFen) / Double(top) * Double(span)), 2)
      svg += """
        <text x="0" y="\(y + 17)">\(HTMLText.escape(bar.label))</text>\
        <rect x="\(labelWidth)" y="\(y + 4)" width="\(length)" height="\(rowHeight - 10)" class="bar"/>\
        <text x="\(labelWidth + length + 6)" y="\(y + 17)" class="figure">\(Money.formatYuan(bar.valueFen))</text>
        """
    }
    return svg + "</svg>"
  }

  public struct Point: Sendable {
    public let label: String
    public let valueFen: Int64
    public init(label: String, valueFen: Int64) {
      self.label = label
      self.valueFen = valueFen
    }
  }

  /// A step line of a balance over time (each point holds until the next), with the first and
  /// last day and the highest value labelled.
  public static func steps(_ points: [Point], title: String) -> String {
    let width = 640
    let height = 220
    let (left, right, top, bottom) = (10, 10, 24, 36)
    var svg = """
      <svg class="chart" role="img" viewBox="0 0 \(width) \(height)" xmlns="http://www.w3.org/2000/svg" \
      preserveAspectRatio="xMinYMin meet"><title>\(HTMLText.escape(title))</title>
      """
    guard let first = points.first, let last = points.last else {
      return svg + "<text x=\"0\" y=\"22\" class=\"muted\">（无数据）</text></svg>"
    }
    let highest = max(points.map(\.valueFen).max() ?? 0, 1)
    let plotWidth = Double(width - left - right)
    let plotHeight = Double(height - top - bottom)
    func x(_ index: Int) -> Int {
      left + (points.count == 1 ? 0 : Int(Double(index) / Double(points.count - 1) * plotWidth))
    }
    func y(_ value: Int64) -> Int {
      top + Int(plotHeight - Double(max(value, 0)) / Double(highest) * plotHeight)
    }
    var path = "M\(x(0)),\(y(first.valueFen))"
    for index in points.indices.dropFirst() {
      path += " H\(x(index)) V\(y(points[index].valueFen))"
    }
    if points.count == 1 { path += " H\(width - right)" }
    svg += """
      <line x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)" class="axis"/>\
      <path d="\(path)" class="line"/>\
      <text x="\(left)" y="16" class="figure">最高 \(Money.formatYuan(highest)) 元</text>\
      <text x="\(left)" y="\(height - 12)">\(HTMLText.escape(first.label))</text>\
      <text x="\(width - right)" y="\(height - 12)" text-anchor="end">\(HTMLText.escape(last.label))：\
      \(Money.formatYuan(last.valueFen)) 元</text>
      """
    return svg + "</svg>"
  }
}

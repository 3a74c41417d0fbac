extension Bulletin {
  /// The bulletin as a standalone HTML page laid out like the printed bulletin (red masthead, A4),
  /// for a PDF tool; `fontFamily` must name a font with CJK glyphs.
  public func html(fontFamily: String = "WenQuanYi Zen Hei") -> String {
    var body: [String] = []
    let lines = headingLines
    body.append("<div class=\"masthead\">\(Self.escape(lines[0]))</div>")
    for line in lines.dropFirst().dropLast(2) {
      body.append("<div class=\"issue\">\(Self.escape(line))</div>")
    }
    body.append(
      "<div class=\"byline\"><span>\(Self.escape(header.issuer))</span><span>\(Self.escape(Self.chineseDate(header.date)))</span></div>"
    )
    body.append("<hr class=\"red\">")
    body.append("<h2>\(Self.escape(Self.newsHeading))</h2>")
    if news.isEmpty { body.append("<p>\(Self.escape(Self.nothingToday))</p>") }
    for paragraph in news {
      let text = paragraph.items.map { Self.inline($0.render()) }.joined()
      body.append("<p><span class=\"province\">\(Self.escape(paragraph.province.name))：</span>\(text)</p>")
    }
    if !experiences.isEmpty {
      body.append("<h2>\(Self.escape(Self.experienceHeading))</h2>")
      for paragraph in experiences {
        let item = paragraph.items[0]
        body.append(
          "<p class=\"province-line\"><span class=\"province\">\(Self.escape(paragraph.province.name))：</span></p>"
        )
        if let headline = item.headline { body.append("<h3>\(Self.escape(headline))</h3>") }
        body.append("<p>\(Self.inline(item.render()))</p>")
      }
    }
    body.append("<hr class=\"closing\">")
    let closing = closingLines
    for line in closing.dropLast(2) { body.append("<div class=\"distribution\">\(Self.escape(line))</div>") }
    body.append(
      "<div class=\"colophon\"><span>\(Self.escape(closing[closing.count - 2]))</span><span>\(Self.escape(closing[closing.count - 1]))</span></div>"
    )
    return """
      <!DOCTYPE html>
      <html lang="zh-CN"><head><meta charset="utf-8"><title>\(Self.escape(lines[0])) \(header.date)</title>
      <style>
      @page { size: A4; margin: 25mm 24mm 22mm 24mm;
        @bottom-center { content: "— " counter(page) " —"; font-family: "\(fontFamily)"; font-size: 10pt; } }
      body { font-family: "\(fontFamily)", sans-serif; font-size: 12pt; line-height: 1.75; color: #000; }
      .masthead { color: #c00000; font-size: 30pt; font-weight: bold; text-align: center; letter-spacing: 2pt;
        margin: 8mm 0 4mm 0; }
      .issue { text-align: center; font-size: 13pt; line-height: 1.5; }
      .byline { display: flex; justify-content: space-between; margin-top: 6mm; font-size: 13pt; }
      hr.red { border: none; border-top: 2pt solid #c00000; margin: 2mm 0 6mm 0; }
      h2 { font-size: 15pt; margin: 5mm 0 2mm 0; }
      h3 { font-size: 13pt; text-align: center; margin: 2mm 0; }
      p { text-indent: 2em; margin: 0 0 2mm 0; text-align: left; }
      p.province-line { margin-bottom: 0; }
      .province { font-weight: bold; }
      hr.closing { border: none; border-top: 1pt solid #000; margin: 8mm 0 2mm 0; }
      .distribution { font-size: 11pt; }
      .colophon { display: flex; justify-content: space-between; font-size: 11pt; border-top: 1pt solid #000;
        margin-top: 2mm; padding-top: 1mm; }
      </style></head>
      <body>
      \(body.joined(separator: "\n"))
      </body></html>

      """
  }

  /// Escapes text for HTML.
  static func escape(_ text: String) -> String { HTMLText.escape(text) }

  /// Escapes text and turns the narrative's `**bold**` spans into `<strong>`.
  static func inline(_ text: String) -> String {
    let parts = text.components(separatedByDoubleStar: ())
    return parts.enumerated().map { index, part in
      index % 2 == 1 && index < parts.count - 1 ? "<strong>\(escape(part))</strong>" : escape(part)
    }.joined()
  }
}

extension String {
  /// The text split at each "**" (no Foundation in the core).
  func components(separatedByDoubleStar _: Void) -> [String] {
    var parts: [String] = []
    var current = ""
    var previousStar = false
    for character in self {
      if character == "*" {
        if previousStar {
          parts.append(current)
          current = ""
          previousStar = false
        } else {
          previousStar = true
        }
        continue
      }
      if previousStar { current.append("*") }
      previousStar = false
      current.append(character)
    }
    if previousStar { current.append("*") }
    parts.append(current)
    return parts
  }
}

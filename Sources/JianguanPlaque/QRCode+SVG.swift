import JianguanCore

extension QRCode {
  /// The quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4).
  public static let quietZoneModules = 4

  /// The symbol as a standalone SVG: a white square with the quiet zone, and the dark modules as
  /// one path of unit squares (runs of a row joined), drawn with crisp edges. `modulePixels`
  /// sets the default width and height; CSS may scale it (the viewBox keeps it square).
  public func svg(modulePixels: Int = 8, title: String? = nil) -> String {
    let side = size + 2 * Self.quietZoneModules
    var path = ""
    for row in 0..<size {
      var column = 0
      while column < size {
        guard isDark(row: row, column: column) else {
          column += 1
          continue
        }
        let start = column
        while column < size && isDark(row: row, column: column) { column += 1 }
        let x = start + Self.quietZoneModules
        let y = row + Self.quietZoneModules
        path += "M\(x) \(y)h\(column - start)v1h-\(column - start)z"
      }
    }
    let titleElement = title.map { "<title>\(HTMLText.escape($0))</title>" } ?? ""
    return """
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" \
      width="\(side * modulePixels)" height="\(side * modulePixels)" shape-rendering="crispEdges" \
      role="img">\(titleElement)<rect width="\(side)" height="\(side)" fill="#fff"/>\
      <path fill="#000" d="\(path)"/></svg>
      """
  }
}

import JianguanCore
import JianguanLedger

/// The printable compliance plaque (合规码牌) of one institution: a standalone HTML page (no
/// JavaScript, the stylesheet inline) whose QR code carries the signed statement byte for byte.
/// `jianguan plaque issue --out X.html` writes it; the server serves it at `/plaque/USCC`.
public enum PlaquePage {
  /// The QR code of the signed note: exactly the note's bytes.
  public static func qrCode(_ plaque: SignedPlaque) throws -> QRCode {
    try QRCode.encode(Array(plaque.note.utf8))
  }

  /// The QR code alone, as a standalone SVG.
  public static func svg(_ plaque: SignedPlaque) throws -> String {
    try qrCode(plaque).svg(title: "合规码牌 \(plaque.statement.uscc)") + "\n"
  }

  /// The plaque page for `plaque` (the statement's fields shown, its signed note in the QR code).
  public static func html(_ plaque: SignedPlaque) throws -> String {
    let statement = plaque.statement
    let qr = try qrCode(plaque).svg(modulePixels: 4, title: "合规码牌二维码：\(statement.name)")
    let e = HTMLText.escape
    let uscc = statement.uscc + (statement.usccChecksumOverride ? "（校验位经登记核准）" : "")
    let fields: [(String, String, String?)] = [
      ("统一社会信用代码", uscc, "mono"),
      ("办学许可证", statement.licence, nil),
      ("资金监管银行", statement.escrowBank, nil),
      ("监管账户", statement.escrowAccount, "mono"),
      ("经营状态", statusText(statement.status), nil),
      ("核发日期", Bulletin.chineseDate(statement.date), nil),
    ]
    let rows = fields.map { label, value, style in
      "<dt>\(e(label))</dt><dd\(style.map { " class=\"\($0)\"" } ?? "")>\(e(value))</dd>"
    }.joined(separator: "\n")
    return """
      <!DOCTYPE html>
      <html lang="zh-CN">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>合规码牌 · \(e(statement.name))</title>
      <style>
      \(PageStyle.css)
      </style>
      </head>
      <body>
      <main class="plaque">
      <header><p class="kicker">校外培训机构资金监管</p><h1>合规码牌</h1></header>
      <p class="institution">\(e(statement.name))</p>
      <p class="status status-\(statement.status.rawValue)">\(e(statusText(statement.status)))</p>
      <dl>
      \(rows)
      </dl>
      <figure class="qr">
      \(qr)
      <figcaption>扫码核验：码中是监管部门以检查点密钥签名的状态声明，可离线验证</figcaption>
      </figure>
      <footer>
      <p>账本 <span class="mono">\(e(statement.origin))</span> · 第 \(statement.treeSize) 条记录时的状态</p>
      <p class="mono">root \(e(statement.rootHashBase64))</p>
      </footer>
      </main>
      </body>
      </html>

      """
  }

  /// The status as a parent reads it.
  public static func statusText(_ status: PlaqueStatement.Status) -> String {
    switch status {
    case .active: "正常经营"
    case .suspended: "停业整顿（暂停收费与消课）"
    case .revoked: "已取缔 / 注销（不得收费）"
    }
  }
}

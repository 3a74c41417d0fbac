import Foundation
import JianguanTestSupport
import Testing

/// `plaque issue` and `plaque verify` on the demo bureau, and the printed plaque read back by a
/// real browser and a real QR decoder.
@Suite(.serialized) struct PlaqueEndToEndTests {
  static let active = "52110101MJ4307919R"
  static let suspended = "52110102MJ4315838T"

  /// The demo bureau with its checkpoint key named in the log (`bureau.key`) and another key
  /// (`other.key`) under the same name.
  static func bureau(_ store: TestStore = .sqlite) throws -> CLI {
    var cli = try CLI(store: store)
    try cli.useDemoDatabase()
    for key in ["bureau", "other"] {
      _ = try cli.run(["key", "generate", "--name", "jianguan.110000.example/ledger", "--out", "\(key).key"])
    }
    return cli
  }

  @Test(arguments: TestStore.all) func issueRefusesWithOneSentenceAndWritesNothing(store: TestStore) throws {
    let cli = try Self.bureau(store)
    defer { cli.remove() }
    var digest = cli.databaseDigest()
    let refusals: [([String], String)] = [
      (
        ["plaque", "issue", Self.active, "--key", "bureau.key", "--out", "p.html"],
        "names no checkpoint key yet"
      )
    ]
    try Self.expectRefused(cli, refusals, digest: digest)
    #expect(try cli.run(["checkpoint", "sign", "--key", "bureau.key"]).status == 0)
    digest = cli.databaseDigest()
    try Self.expectRefused(
      cli,
      [
        (
          ["plaque", "issue", "52110101MJ4307919X", "--key", "bureau.key", "--out", "p.html"],
          "is not registered"
        ),
        (
          ["plaque", "issue", Self.active, "--key", "other.key", "--out", "p.html"],
          "is not the log's checkpoint key"
        ),
        (
          ["plaque", "issue", Self.active, "--key", "bureau.key.pub", "--out", "p.html"],
          "is not a private key"
        ),
        (
          ["plaque", "issue", Self.active, "--key", "bureau.key", "--out", "p.pdf"],
          "must end in .html, .svg or .txt"
        ),
      ], digest: digest)
    var earlier = cli
    earlier.environment["JIANGUAN_NOW"] = "2026-06-30T11:59"
    try Self.expectRefused(
      earlier,
      [
        (["plaque", "issue", Self.active, "--key", "bureau.key", "--out", "p.html"], "before the last entry")
      ],
      digest: digest)
    // Issuing succeeds without writing to the log: a plaque is a signed view.
    let issued = try cli.run(["plaque", "issue", Self.active, "--key", "bureau.key", "--out", "p.html"])
    #expect(
      issued.status == 0 && issued.stdout.contains("wrote p.html: the plaque of \(Self.active) (active"))
    #expect(cli.databaseDigest() == digest)
  }

  @Test(arguments: TestStore.all) func verifyPrintsTheFieldsAndRefusesAnyChange(store: TestStore) throws {
    let cli = try Self.bureau(store)
    defer { cli.remove() }
    _ = try cli.run(["checkpoint", "sign", "--key", "bureau.key"])
    let statement = try cli.run(["plaque", "issue", Self.suspended, "--key", "bureau.key"])
    #expect(
      statement.status == 0
        && statement.stdout.hasPrefix("jianguan plaque v1\norigin jianguan.110000.example/ledger\n"))
    #expect(
      statement.stdout.contains("\nstatus suspended\ndate 2026-06-30\n"),
      "the registry's status, the clock's date")
    try Data(statement.stdout.utf8).write(to: cli.folder.appendingPathComponent("plaque.txt"))
    let verified = try cli.run(["plaque", "verify", "plaque.txt", "--pub", "bureau.key.pub"])
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(verified.stdout.hasPrefix("plaque ok: signed by jianguan.110000.example/ledger+"))
    #expect(
      verified.stdout.contains("status   suspended") && verified.stdout.contains("uscc     \(Self.suspended)")
    )
    let changes: [(String, String)] = [
      (
        statement.stdout.replacingOccurrences(of: "status suspended", with: "status active"),
        "does not verify"
      ),
      (statement.stdout.replacingOccurrences(of: "\n", with: "\r\n"), "control character"),
      (statement.stdout + "\n", "remove the newline the QR decoder added"),
    ]
    for (text, sentence) in changes {
      try Data(text.utf8).write(to: cli.folder.appendingPathComponent("changed.txt"))
      let refused = try cli.run(["plaque", "verify", "changed.txt", "--pub", "bureau.key.pub"])
      #expect(refused.status == 1 && refused.stdout.isEmpty)
      #expect(
        refused.stderr.contains(sentence) && refused.stderr.split(separator: "\n").count == 1,
        "\(refused.stderr)")
    }
    let otherKey = try cli.run(["plaque", "verify", "plaque.txt", "--pub", "other.key.pub"])
    #expect(otherKey.status == 1 && otherKey.stderr.contains("signed by none of the known keys"))
  }

  /// The page printed by `plaque issue --out`, rendered by headless Chromium at desktop and phone
  /// widths: zbarimg reads the QR code from each screenshot, and the decoded text is the signed
  /// statement byte for byte, which `plaque verify` accepts. On SQLite only: what is rendered is
  /// the statement the tests above issue on both stores.
  @Test(
    .enabled(if: ExternalTool.chromium != nil, "chromium is not installed"),
    .enabled(if: ExternalTool.zbarimg != nil, "zbarimg (Debian zbar-tools) is not installed"))
  func theQRCodeOfTheRenderedPageDecodesToTheSignedStatement() throws {
    let cli = try Self.bureau()
    defer { cli.remove() }
    _ = try cli.run(["checkpoint", "sign", "--key", "bureau.key"])
    let statement = try cli.run(["plaque", "issue", Self.active, "--key", "bureau.key"]).stdout
    #expect(
      try cli.run(["plaque", "issue", Self.active, "--key", "bureau.key", "--out", "plaque.html"]).status == 0
    )
    let page = cli.folder.appendingPathComponent("plaque.html")
    let profile = cli.folder.appendingPathComponent("chromium-profile")
    for width in [900, 390] {
      let png = cli.folder.appendingPathComponent("plaque-\(width).png")
      #expect(try ExternalTool.screenshot(page, width: width, png: png, profile: profile))
      let decoded = try #require(try ExternalTool.decodeQR(png), "no QR code found at width \(width)")
      #expect(String(decoding: decoded, as: UTF8.self) == statement, "width \(width)")
      try Data(decoded).write(to: cli.folder.appendingPathComponent("decoded.txt"))
      let verified = try cli.run(["plaque", "verify", "decoded.txt", "--pub", "bureau.key.pub"])
      #expect(verified.status == 0 && verified.stdout.contains("name     北京市东城区启航体育培训学校"))
    }
    let dom = try ExternalTool.dumpDOM(page, profile: profile)
    #expect(dom.contains("<h1>合规码牌</h1>") && dom.contains("北京市东城区启航体育培训学校"))
    #expect(dom.contains("校外培训机构资金监管") && !dom.contains("<script"))
  }

  /// Printed (the print stylesheet), the plaque of the longest name and bank the registry takes
  /// is one A5 page, and its QR code, scanned from the page at 300 dpi, is the signed statement.
  /// On SQLite only, as the test above.
  @Test(
    .enabled(if: ExternalTool.chromium != nil, "chromium is not installed"),
    .enabled(if: ExternalTool.zbarimg != nil, "zbarimg (Debian zbar-tools) is not installed"),
    .enabled(
      if: ExternalTool.pdftoppm != nil, "pdfinfo and pdftoppm (Debian poppler-utils) are not installed"))
  func thePrintedPlaqueIsOneA5PageWhoseCodeReadsBack() throws {
    let cli = try Self.bureau()
    defer { cli.remove() }
    let uscc = "52110108MJ0009991C"
    let longest = String(repeating: "北京市海淀区青少年艺术体育科技综合培训学校", count: 5).prefix(100)
    let bank = String(repeating: "中国工商银行股份有限公司北京海淀支行营业部", count: 5).prefix(100)
    let registered = try cli.run([
      "institution", "register", "--uscc", uscc, "--name", String(longest), "--region", "110108",
      "--kind", "non-subject", "--category", "体育", "--license", "教民11010870009991234567号",
      "--license-expires", "2028-01-01", "--escrow-bank", String(bank),
      "--escrow-account", "62170000-0001-0000-9999-12345678",
    ])
    #expect(registered.status == 0, "\(registered.stderr)")
    _ = try cli.run(["checkpoint", "sign", "--key", "bureau.key"])
    let statement = try cli.run(["plaque", "issue", uscc, "--key", "bureau.key"]).stdout
    #expect(statement.utf8.count > 900, "the longest fields make a large code")
    #expect(
      try cli.run(["plaque", "issue", uscc, "--key", "bureau.key", "--out", "plaque.html"]).status == 0)
    let pdf = cli.folder.appendingPathComponent("plaque.pdf")
    let profile = cli.folder.appendingPathComponent("chromium-profile")
    #expect(
      try ExternalTool.printToPDF(
        cli.folder.appendingPathComponent("plaque.html"), pdf: pdf, profile: profile))
    let info = String(decoding: try ExternalTool.run(ExternalTool.pdfinfo!, [pdf.path]).stdout, as: UTF8.self)
    #expect(info.contains("Pages:           1") && info.contains("(A5)"), "\(info)")
    let scan = cli.folder.appendingPathComponent("scan")
    #expect(
      try ExternalTool.run(ExternalTool.pdftoppm!, ["-r", "300", "-png", pdf.path, scan.path]).status == 0)
    let decoded = try ExternalTool.decodeQR(cli.folder.appendingPathComponent("scan-1.png"))
    #expect(decoded.map { String(decoding: $0, as: UTF8.self) } == statement)
  }

  static func expectRefused(_ cli: CLI, _ cases: [([String], String)], digest: String) throws {
    for (arguments, sentence) in cases {
      let result = try cli.run(arguments)
      #expect(result.status == 1 && result.stdout.isEmpty, "\(arguments)")
      #expect(
        result.stderr.contains(sentence) && result.stderr.split(separator: "\n").count == 1,
        "\(result.stderr)")
      #expect(cli.databaseDigest() == digest)
      #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("p.html").path))
    }
  }
}

/// docs/PLAQUE-FORMAT.md's worked example verifies against the public key it prints.
@Suite struct PlaqueFormatDocumentTests {
  @Test func theWorkedExampleVerifies() throws {
    let document = try String(
      contentsOf: CLI.packageRoot.appendingPathComponent("docs/PLAQUE-FORMAT.md"), encoding: .utf8)
    let example = try #require(
      document.components(separatedBy: "```plaque\n").last?.components(separatedBy: "```").first)
    let publicKey = try #require(
      document.split(separator: "\n").first { $0.hasPrefix("jianguan.110000.example/ledger+") })
    let cli = try CLI()
    defer { cli.remove() }
    try Data(example.utf8).write(to: cli.folder.appendingPathComponent("plaque.txt"))
    try Data((publicKey + "\n").utf8).write(to: cli.folder.appendingPathComponent("bureau.key.pub"))
    let verified = try cli.run(["plaque", "verify", "plaque.txt", "--pub", "bureau.key.pub"])
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(
      verified.stdout.contains("uscc     52110101MJ4307919R") && verified.stdout.contains("size     201"))
    #expect(document.contains("signed note, \(example.utf8.count) bytes"))
  }
}

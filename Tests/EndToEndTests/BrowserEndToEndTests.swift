import Foundation
import JianguanTestSupport
import Testing

/// The pages in a real browser: `jianguan serve` on the demo bureau, Debian's Chromium driven
/// headless through the DevTools protocol (Playwright's client, `Tools/browser/drive.py`) through
/// each role's main path — log in, look, act — at desktop and phone widths. The pages must show
/// the CLI's figures and sentences, and no page may log a console error or overflow the window.
/// SQLite only: the pages are the browser's business; `serve` on both stores is
/// RegistryServiceEndToEndTests'.
/// Playwright's Python client in the test venv (`.ci/run` installs it), driving Debian's Chromium.
enum Playwright {
  /// The venv's python when it has Playwright's client.
  static let python: String? = {
    let python = CLI.packageRoot.appendingPathComponent(".venv/bin/python").path
    guard FileManager.default.isExecutableFile(atPath: python),
      let result = try? ExternalTool.run(python, ["-c", "import playwright"]), result.status == 0
    else { return nil }
    return python
  }()
}

@Suite(
  .serialized,
  .enabled(if: ExternalTool.chromium != nil, "chromium is not installed"),
  .enabled(if: Playwright.python != nil, "the test venv has no playwright (run .ci/run)"))
struct BrowserEndToEndTests {
  static func token(_ cli: CLI, _ arguments: [String]) throws -> String {
    let issued = try cli.run(["credential", "issue", "--format", "json"] + arguments)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])
    return try #require(object["token"] as? String)
  }

  /// Starts `serve` on a free port; returns the process and its base URL.
  static func serve(_ cli: CLI) throws -> (ChildProcess, String) {
    try ServedProcess.start(
      cli.executable, ["serve", "--port", "0", "--key", "bureau.key"], environment: cli.environment,
      in: cli.folder)
  }

  @Test func eachRolesMainPathInChromium() throws {
    var cli = try CLI()
    defer { cli.remove() }
    try cli.useDemoDatabase()
    // The demo ends on 2026-04-21; Saturday 25 April, noon, is "now" for everything below.
    cli.environment["JIANGUAN_NOW"] = "2026-04-25T12:00"
    #expect(
      try cli.run(["key", "generate", "--name", "jianguan.110000.example/ledger", "--out", "bureau.key"])
        .status == 0)
    #expect(try cli.run(["checkpoint", "sign", "--key", "bureau.key"]).status == 0)
    let classB1 = try cli.run(["class", "show", "B1", "--format", "json"]).stdout
    let uscc = String(try #require(classB1.firstMatch(of: /"institution":"([0-9A-Z]{18})"/)?.1))
    let institutions = try cli.run(["institution", "list", "--format", "json"]).stdout
    let listed = try JSONSerialization.jsonObject(with: Data(institutions.utf8))
    let rows =
      (listed as? [[String: Any]]) ?? ((listed as? [String: Any])?["institutions"] as? [[String: Any]]) ?? []
    let name = try #require(rows.first { $0["uscc"] as? String == uscc }?["name"] as? String)
    let escrow = try cli.run(["balance", "--all", "--format", "json"]).stdout
    let escrowFen = Int64(try #require(escrow.firstMatch(of: /"escrowFen":(\d+)/)?.1)) ?? -1
    let yuan = String(format: "%lld.%02lld", escrowFen / 100, escrowFen % 100)
    let tokens = [
      "regulator": try Self.token(cli, ["--role", "regulator"]),
      "institution": try Self.token(cli, ["--role", "institution", "--institution", uscc]),
      "parent": try Self.token(cli, ["--role", "parent", "--parent", "P1"]),
      "auditor": try Self.token(cli, ["--role", "auditor"]),
    ]
    let (server, base) = try Self.serve(cli)
    defer {
      server.terminate()
      server.waitUntilExit()
    }
    let plan: [String: Any] = [
      "public": [
        "/", "/?q=\(name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)", "/plaque/\(uscc)",
      ],
      "roles": [
        [
          "name": "regulator", "token": tokens["regulator"]!,
          "visit": ["/regulator", "/regulator/ledger?seq=5", "/regulator/bulletin?date=2023-01-12"],
          "downloads": ["/regulator/bulletin.pdf?date=2023-01-12"],
          "forms": [
            [
              "page": "/regulator", "form": "form[action='/regulator/institution-status']",
              "fill": ["uscc": uscc, "reason": "电话13800138000"],
            ]
          ],
        ],
        [
          "name": "institution", "token": tokens["institution"]!, "visit": ["/institution"],
          "forms": [
            [
              "page": "/institution", "form": "form[action='/institution/sessions']",
              "fill": ["taughtAt": "2026-04-25T09:00", "hours": "1"], "select": ["class": "B1"],
            ]
          ],
        ],
        [
          "name": "parent", "token": tokens["parent"]!, "visit": ["/parent", "/parent/contract/E1"],
          "forms": [["page": "/parent", "form": "form[action='/parent/lessons/confirm']"]],
        ],
        ["name": "auditor", "token": tokens["auditor"]!, "visit": ["/regulator", "/institution"]],
      ],
    ]
    let planFile = cli.folder.appendingPathComponent("plan.json")
    try JSONSerialization.data(withJSONObject: plan).write(to: planFile)
    let shots = ProcessInfo.processInfo.environment["JIANGUAN_SCREENSHOTS"] ?? cli.folder.path
    let driven = try ExternalTool.run(
      try #require(Playwright.python),
      [
        CLI.packageRoot.appendingPathComponent("Tools/browser/drive.py").path, base, planFile.path,
        "--screenshots", shots,
      ])
    #expect(driven.status == 0, "drive.py failed")
    let result = try #require(try JSONSerialization.jsonObject(with: driven.stdout) as? [String: Any])
    let pages = try #require(result["pages"] as? [[String: Any]])
    func text(_ role: String, _ path: String, _ width: String = "desktop") -> String {
      pages.first {
        $0["role"] as? String == role && $0["path"] as? String == path && $0["width"] as? String == width
      }?[
        "text"] as? String ?? ""
    }
    for page in pages where page["path"] as? String != "login" {
      let expected =
        (page["role"] as? String == "auditor" && page["path"] as? String == "/institution") ? 404 : 200
      #expect(page["status"] as? Int == expected, "\(page["role"]!) \(page["path"]!) \(page["width"]!)")
    }
    #expect(text("public", "/").contains("白名单：证照齐全、正常经营") && text("public", "/").contains(name))
    #expect(text("public", "/plaque/\(uscc)").contains("合规码牌"))
    #expect(text("regulator", "/regulator").contains(yuan), "the escrow the CLI's balance reports")
    #expect(text("regulator", "/regulator", "phone").contains("监管资金余额（元）"))
    #expect(text("regulator", "/regulator/ledger?seq=5").contains("包含证明"))
    #expect(text("regulator", "/regulator/bulletin?date=2023-01-12").contains("双减"))
    #expect(text("institution", "/institution").contains(name))
    #expect(text("parent", "/parent/contract/E1").contains("中小学生校外培训服务合同"))
    #expect(!text("auditor", "/regulator").contains("暂停、恢复或吊销"), "an auditor sees no forms")
    #expect(text("auditor", "/institution").contains("没有找到"))

    // The bulletin's PDF, with the regulator's session (WeasyPrint, which .ci/run installs).
    let pdf = try #require((result["downloads"] as? [[String: Any]])?.first)
    #expect(pdf["status"] as? Int == 200 && pdf["type"] as? String == "application/pdf", "\(pdf)")
    #expect((pdf["head"] as? String)?.hasPrefix("%PDF-") == true && (pdf["bytes"] as? Int ?? 0) > 10_000)

    let forms = try #require(result["forms"] as? [[String: Any]])
    func flash(_ role: String) -> String {
      forms.first { $0["role"] as? String == role }?["flash"] as? String ?? ""
    }
    #expect(
      flash("regulator").contains("may be a phone or ID number"), "the CLI's sentence: \(flash("regulator"))")
    #expect(forms.first { $0["role"] as? String == "regulator" }?["kind"] as? String == "flash error")
    #expect(flash("institution").hasPrefix("已记录 B1 的一次课"), "\(flash("institution"))")
    #expect(flash("parent").hasPrefix("已确认 L"), "\(flash("parent"))")
    // The one 404 asked for (an auditor on an institution's page) logs its status; nothing else may.
    let console = (result["console"] as? [[String: Any]] ?? []).filter {
      $0["path"] as? String != "/institution" || !($0["page"] as? String ?? "").hasPrefix("auditor")
    }
    #expect(console.isEmpty, "console errors: \(console)")
    #expect(
      (result["overflow"] as? [Any])?.isEmpty == true, "pages wider than the window: \(result["overflow"]!)")

    // The served plaque's QR code, read back from Chromium's screenshot, verifies with the key.
    if ExternalTool.zbarimg != nil {
      let png = URL(fileURLWithPath: shots).appendingPathComponent("public_plaque_\(uscc)-desktop.png")
      let decoded = try #require(try ExternalTool.decodeQR(png), "no QR code read from \(png.path)")
      try Data(decoded).write(to: cli.folder.appendingPathComponent("decoded.txt"))
      let verified = try cli.run(["plaque", "verify", "decoded.txt", "--pub", "bureau.key.pub"])
      #expect(verified.status == 0 && verified.stdout.contains(uscc), "\(verified.stderr)")
    }

    // The pages wrote through the same ledger: the audit passes.
    server.terminate()
    server.waitUntilExit()
    #expect(try cli.run(["audit"]).status == 0)
  }
}

import Foundation
import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

@testable import JianguanWeb

/// The pages render the demo bureau's data: the figures the CLI reports, in Chinese, escaped.
@Suite(.serialized) struct WebPagesTests {
  static let binary = BuiltBinary.jianguan(packageRoot: BuiltBinary.packageRoot(#filePath))

  static let reference = ReferenceData(
    regions: try! RegionTable(
      currentCSV: EmbeddedReferenceData.files["regions.csv"]!,
      historyCSV: EmbeddedReferenceData.files["regions_history.csv"]!),
    policies: try! PolicyBook.parse(json: Array(EmbeddedReferenceData.files["policy.json"]!.utf8)),
    calendar: try! WorkingDayCalendar(csv: EmbeddedReferenceData.files["calendar.csv"]!))

  /// The demo's database in a new folder, opened with the clock the demo ends at.
  static func demo() throws -> (AppDatabase, URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-web-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let process = ChildProcess()
    process.executableURL = binary
    process.arguments = ["demo"]
    process.currentDirectoryURL = folder
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let path = folder.appendingPathComponent("jianguan-demo.sqlite").path
    let database = try AppDatabase.open(
      path: path, keyPath: path + ".key", reference: reference,
      clock: { try! LocalDateTime.parse("2026-04-25T12:00", field: "now") })
    return (database, folder)
  }

  @Test func everyPageShowsTheDemosFigures() throws {
    let (database, folder) = try Self.demo()
    defer { try? FileManager.default.removeItem(at: folder) }
    let pages = WebPages(database: database)
    let holdings = try database.institutionHoldings()
    let active = holdings.filter { $0.institution.status == "active" }
    let revoked = holdings.filter { $0.institution.status == "revoked" }

    let publicPage = try pages.publicLists(search: nil, district: nil, frame: PageFrame())
    #expect(publicPage.contains("白名单：证照齐全、正常经营（\(active.count) 家）"))
    #expect(publicPage.contains("黑名单：已吊销（\(revoked.count) 家）"))
    for holding in active { #expect(publicPage.contains(holding.institution.name)) }
    for holding in revoked {
      #expect(publicPage.contains(holding.institution.statusReason ?? "?"))
      #expect(publicPage.contains(holding.statusSince) && !holding.statusSince.isEmpty)
    }
    let searched = try pages.publicLists(
      search: active[0].institution.name, district: nil, frame: PageFrame())
    #expect(searched.contains("（1 家）") && searched.contains(active[0].institution.name))
    #expect(!searched.contains(active[1].institution.name))

    let regulator = try pages.regulator(
      region: nil, frame: PageFrame(principal: Principal(credential: "C1", role: .regulator), csrf: "tok"))
    let total = holdings.reduce(Int64(0)) { $0 + $1.escrowFen }
    #expect(total == (try database.balance(.all)).escrowFen)
    #expect(
      regulator.contains("<b>\(Money.formatYuan(total))</b>"), "the escrow held, as `balance` reports it")
    #expect(regulator.contains("<svg class=\"chart\"") && regulator.contains("value=\"tok\""))
    #expect(regulator.contains("退出（监管部门 C1）"))

    let uscc = active[0].institution.uscc
    let institution = try pages.institution(
      uscc, frame: PageFrame(principal: Principal(credential: "C2", role: .institution, institution: uscc)))
    #expect(institution.contains(active[0].institution.name))
    #expect(institution.contains(Money.formatYuan(try database.balance(.institution(uscc)).escrowFen)))
    let parent = try pages.parent(
      "P1", frame: PageFrame(principal: Principal(credential: "C3", role: .parent, parent: "P1")))
    #expect(parent.contains("我的孩子的课程") && parent.contains("电子合同"))
    let ledger = try pages.ledgerEntry(seq: 1, frame: PageFrame())
    #expect(ledger.contains("genesis") && ledger.contains("包含证明"))

    // Everything a user typed is escaped.
    let hostile = try pages.publicLists(search: "<script>x</script>", district: nil, frame: PageFrame())
    #expect(!hostile.contains("<script>x") && hostile.contains("&lt;script&gt;"))
    // Save them for a look (Tools/screenshots.sh does the same through the server).
    if let out = ProcessInfo.processInfo.environment["JIANGUAN_WEB_OUT"] {
      for (name, html) in [
        ("public", publicPage), ("regulator", regulator), ("institution", institution), ("parent", parent),
        ("ledger", ledger),
      ] {
        try Data(html.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("\(name).html"))
      }
      try Data(WebStyle.css.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("site.css"))
    }
  }

  @Test func aDistrictOrRegionOutsideTheBureauIsRefused() throws {
    let (database, folder) = try Self.demo()
    defer { try? FileManager.default.removeItem(at: folder) }
    let pages = WebPages(database: database)
    #expect(throws: Rejection.self) {
      try pages.publicLists(search: nil, district: "340104", frame: PageFrame())
    }
    #expect(throws: Rejection.self) { try pages.regulator(region: "310000", frame: PageFrame()) }
    #expect(throws: Rejection.self) { try pages.ledgerEntry(seq: 999_999, frame: PageFrame()) }
  }
}

/// The pages' forms: each runs the store operation of the CLI for its principal only; a form for
/// someone else's record is answered as not found and writes nothing.
@Suite(.serialized) struct WebActionsTests {
  @Test func formsActWithinTheirScopeOnly() throws {
    let (database, folder) = try WebPagesTests.demo()
    defer { try? FileManager.default.removeItem(at: folder) }
    let actions = WebActions(database: database)
    // The institution of class B1 records Saturday's session from its page.
    let b1 = try database.show(.classes, "B1")
    let recorded = try actions.perform(
      "/institution/sessions",
      form: ["class": "B1", "hours": "1", "taughtAt": "2026-04-25T09:00", "absent": ""],
      principal: Principal(
        credential: "C9", role: .institution, institution: try #require(b1.text("institution"))))
    #expect(recorded.hasPrefix("已记录 B1 的一次课："))
    var filter = ViewFilter()
    filter.status = "pending"
    let pending = try database.list(.lessons, filter: filter, limit: 1000, after: nil).records
    let lesson = try #require(pending.first)
    let enrollment = try database.show(.enrollments, try #require(lesson.text("enrollment")))
    let owner = try #require(enrollment.text("parent"))
    let stranger = owner == "P1" ? "P2" : "P1"
    let size = try database.size()

    // Another parent, an auditor, an institution: nothing, and not a byte written.
    #expect(throws: WebNotFound.self) {
      try actions.perform(
        "/parent/lessons/confirm", form: ["lesson": lesson.id],
        principal: Principal(credential: "C1", role: .parent, parent: stranger))
    }
    #expect(throws: WebNotFound.self) {
      try actions.perform(
        "/parent/lessons/confirm", form: ["lesson": lesson.id],
        principal: Principal(credential: "C2", role: .auditor))
    }
    #expect(throws: WebNotFound.self) {
      try actions.perform(
        "/parent/lessons/confirm", form: ["lesson": "L99999"],
        principal: Principal(credential: "C1", role: .parent, parent: owner))
    }
    let institution = try #require(enrollment.text("institution"))
    let otherClass = try database.list(.classes, filter: ViewFilter(), limit: 1000, after: nil).records.first
    {
      $0.text("institution") != institution
    }
    #expect(throws: WebNotFound.self) {
      try actions.perform(
        "/institution/sessions",
        form: ["class": try #require(otherClass).id, "hours": "1", "taughtAt": "2026-07-01T09:00"],
        principal: Principal(credential: "C3", role: .institution, institution: institution))
    }
    // A rule refused: the CLI's sentence, nothing written.
    let regulator = Principal(credential: "C4", role: .regulator)
    #expect(throws: Rejection.self) {
      try actions.perform(
        "/regulator/institution-status",
        form: ["uscc": institution, "action": "suspend", "reason": "13800138000"], principal: regulator)
    }
    do {
      _ = try actions.perform(
        "/regulator/institution-status", form: ["uscc": institution, "action": "explode", "reason": "x"],
        principal: regulator)
      Issue.record("an unknown action was accepted")
    } catch let rejection as Rejection {
      #expect(rejection.message.contains("\"explode\" must be suspend, reinstate or revoke"))
    }
    #expect(try database.size() == size)

    // The owner confirms: the lesson is released, and the audit passes.
    let done = try actions.perform(
      "/parent/lessons/confirm", form: ["lesson": lesson.id],
      principal: Principal(credential: "C1", role: .parent, parent: owner))
    #expect(done.contains("已确认 \(lesson.id)"))
    #expect(try database.show(.lessons, lesson.id).text("status") == "released")
    #expect(try database.audit().ok)
  }

  @Test func sessionsExpireAndCloseAndTheirTokensAreRandom() async {
    let sessions = WebSessions()
    let now = Date()
    let (id, csrf) = await sessions.open(token: "jg_x", now: now)
    #expect(id.count == 64 && csrf.count == 64 && id != csrf)
    #expect(await sessions.session(id, now: now)?.csrf == csrf)
    #expect(await sessions.session(id, now: now.addingTimeInterval(WebSessions.lifetime + 1)) == nil)
    await sessions.close(id)
    #expect(await sessions.session(id, now: now) == nil)
  }
}

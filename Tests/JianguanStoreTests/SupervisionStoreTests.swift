import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore
import Testing

/// The store's supervision operations on a real (temporary, on-disk) database: every write one
/// entry, refusals leave nothing behind, the audit's replay agrees with the tables.
@Suite struct SupervisionStoreTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let day = CalendarDate(year: 2023, month: 1, day: 12)!

  static func data(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent("Data/\(path)"), encoding: .utf8)
  }

  static func reference() throws -> ReferenceData {
    ReferenceData(
      regions: try RegionTable(currentCSV: data("regions.csv"), historyCSV: data("regions_history.csv")),
      policies: try PolicyBook.parse(json: Array(data("policy.json").utf8)),
      calendar: try WorkingDayCalendar(csv: data("calendar.csv")))
  }

  static func database() throws -> AppDatabase {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-sup-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("test.sqlite").path
    return try AppDatabase.create(
      path: path, keyPath: path + ".key", authority: "测试教育局", region: "340100", reference: reference()
    ).0
  }

  static func seedFile() throws -> [UInt8] { Array(try data("supervision/2023-01-12.json").utf8) }

  /// Registers a licensed institution in `region` and returns its USCC.
  static func register(
    _ database: AppDatabase, region: String = "340104", serial: Int = 1, expires: String = "2029-12-31"
  )
    throws -> String
  {
    let first17 = "52\(region)MJ\(String(format: "%07d", 1_000_000 + serial))"
    var form = InstitutionForm()
    form.uscc = first17 + String(USCC.checkCharacter(forFirst17: first17)!)
    form.name = "测试培训中心\(serial)"
    form.region = region
    form.kind = "non-subject"
    form.category = "体育"
    form.licence = "教民\(region)7\(String(format: "%06d", serial))号"
    form.licenceExpires = expires
    form.escrowBank = "中国银行"
    form.escrowAccount = "6217000010000\(serial)"
    return try database.registerInstitution(form, today: day).id
  }

  static func expectRefusal(_ code: String, _ body: () throws -> Any) {
    do {
      _ = try body()
      Issue.record("expected the refusal \(code)")
    } catch let rejection as Rejection {
      #expect(rejection.code == code, "\(rejection.message)")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func importingTheSeedFileRecordsOneEntryPerRecordAndSumsItsFigures() throws {
    let database = try Self.database()
    let recorded = try database.importSupervision(Self.seedFile(), file: "seed.json", today: Self.day)
      .recorded
    #expect(recorded.count == 18)
    let first = 2 + StoreFixture.calendarEntries
    #expect(recorded.map(\.seq) == Array(first...(first + 17)))
    #expect(try database.audit().ok)
    let summary = try database.supervisionSummary(
      from: "2023-01-01", to: "2023-01-31", region: nil, today: Self.day)
    #expect(summary.actions == 9 && summary.measures == 9)
    #expect(summary.personVisits == 128 + 246 + 420 + 10 + 520)
    #expect(summary.institutionsChecked == 13 + 355 + 427 + 173 + 20)
    #expect(summary.problems == 1 + 5 + 24 + 15 + 3 + 2 + 25 + 22)
    #expect(summary.teams == 12 + 2 + 50)
    #expect(summary.refundsFen == 1_500_000)
    #expect(summary.problemsRectified == 5 + 15)
    let disguised = summary.problemsByCategory.first(where: { $0.name == "disguised" })
    #expect(disguised?.count == 16)  // 合肥 11, 洛阳 3, 娄底 2
    let anhui = try database.supervisionSummary(
      from: "2023-01-12", to: "2023-01-12", region: "340000", today: Self.day)
    #expect(anhui.personVisits == 246 && anhui.institutionsChecked == 355 && anhui.problems == 24)
    let rectify = anhui.problemsByAction.first(where: { $0.name == "rectify" })
    #expect(rectify?.count == 13)
    let empty = try database.supervisionSummary(
      from: "2023-01-13", to: "2023-02-01", region: nil, today: Self.day)
    #expect(empty.actions == 0 && empty.personVisits == 0)
  }

  /// Issue 14.9: the same file imported twice adds nothing the second time; the bulletin and the
  /// summary are those of one import.
  @Test func importingTheSameFileTwiceAddsNothingTheSecondTime() throws {
    let database = try Self.database()
    _ = try database.importSupervision(Self.seedFile(), file: "seed.json", today: Self.day)
    let size = try database.size()
    var header = Bulletin.Header(date: Self.day, issuer: "“双减”工作专门协调机制办公室")
    header.issue = 8
    header.serial = 346
    let bulletin = try database.bulletin(header).markdown()
    let again = try database.importSupervision(Self.seedFile(), file: "seed.json", today: Self.day)
    #expect(again.recorded.isEmpty && again.alreadyRecorded == 18)
    #expect(try database.size() == size)
    #expect(try database.bulletin(header).markdown() == bulletin)
    let summary = try database.supervisionSummary(
      from: "2023-01-01", to: "2023-01-31", region: nil, today: Self.day)
    #expect(summary.actions == 9 && summary.personVisits == 128 + 246 + 420 + 10 + 520)
    #expect(try database.audit().ok)
  }

  /// Identity is the content: two equal records in one file are two records (added, then skipped);
  /// a record that differs in any field is a new one; a record typed by hand counts too.
  @Test func equalRecordsCountAndADifferentRecordIsAdded() throws {
    let database = try Self.database()
    func file(_ summaries: [String]) -> [UInt8] {
      let records = summaries.map {
        #"{"type": "complaint", "date": "2023-01-10", "channel": "hotline", "region": "340104", "operatorName": "某培训点", "summary": "\#($0)"}"#
      }
      return Array(
        #"{"format": "jianguan-supervision/1", "records": [\#(records.joined(separator: ","))]}"#.utf8)
    }
    let first = try database.importSupervision(file(["无证办学", "无证办学"]), file: "a.json", today: Self.day)
    #expect(first.recorded.map(\.id) == ["K1", "K2"] && first.alreadyRecorded == 0)
    let second = try database.importSupervision(
      file(["无证办学", "无证办学", "无证办学", "夜间授课"]), file: "b.json", today: Self.day)
    #expect(second.recorded.map(\.id) == ["K3", "K4"] && second.alreadyRecorded == 2)
    var form = ComplaintForm()
    form.date = "2023-01-10"
    form.channel = "hotline"
    form.region = "340104"
    form.operatorName = "某培训点"
    form.summary = "收费过高"
    _ = try database.fileComplaint(form, today: Self.day)
    let third = try database.importSupervision(file(["收费过高"]), file: "c.json", today: Self.day)
    #expect(third.recorded.isEmpty && third.alreadyRecorded == 1)
    #expect(try database.audit().ok)
  }

  @Test func theBulletinFromTheDatabaseEqualsTheGoldenFile() throws {
    let database = try Self.database()
    _ = try database.importSupervision(Self.seedFile(), file: "seed.json", today: Self.day)
    var header = Bulletin.Header(date: Self.day, issuer: "“双减”工作专门协调机制办公室")
    header.issue = 8
    header.serial = 346
    header.submittedTo = "部领导"
    header.copiedTo = "办公厅、秘书局"
    let expected = try String(
      contentsOf: Self.root.appendingPathComponent("Tests/Golden/bulletin-2023-01-12.md"), encoding: .utf8)
    #expect(try database.bulletin(header).markdown() == expected)
    header.date = CalendarDate(year: 2023, month: 1, day: 13)!
    #expect(try database.bulletin(header).news.isEmpty)
  }

  @Test func aBadRecordLateInABatchLeavesNothingWritten() throws {
    let database = try Self.database()
    let before = try database.size()
    let file = """
      {"format": "jianguan-supervision/1", "records": [
        {"type": "measure", "date": "2023-01-12", "region": "340100", "kind": "hotline"},
        {"type": "action", "date": "2023-01-12", "region": "340100",
         "problems": [{"category": "unlicensed", "count": 2, "actions": ["ban"]}],
         "findings": [{"operatorName": "某培训点", "category": "unlicensed", "actions": ["ban"]},
                      {"institution": "52340104MJ000000XX", "category": "unlicensed", "actions": ["ban"]}]}]}
      """
    Self.expectRefusal("institution_unknown") {
      try database.importSupervision(Array(file.utf8), file: "bad.json", today: Self.day)
    }
    do {
      _ = try database.importSupervision(Array(file.utf8), file: "bad.json", today: Self.day)
    } catch let rejection as Rejection {
      #expect(rejection.message.hasPrefix("records[1].findings[1].institution"))
    }
    #expect(try database.size() == before)
    #expect(try database.audit().ok)
  }

  @Test func aFindingIsRectifiedThenVerifiedInOrder() throws {
    let database = try Self.database()
    let uscc = try Self.register(database)
    var form = FindingForm()
    form.date = "2023-01-05"
    form.institution = uscc
    form.category = "fire-safety"
    form.actions = "rectify"
    form.deadline = "2023-01-10"
    let finding = try database.addFinding(form, today: Self.day)
    #expect(finding.id == "F1")
    Self.expectRefusal("finding_open_cannot_be_verified") {
      try database.verifyFinding("F1", date: "2023-01-11", note: "复查", today: Self.day)
    }
    Self.expectRefusal("follow_up_before_finding") {
      try database.rectifyFinding("F1", date: "2023-01-04", note: "已整改", today: Self.day)
    }
    #expect(
      try database.riskAlerts(asOf: Self.day).contains { $0.reason == "findings_overdue" && $0.uscc == uscc })
    _ = try database.rectifyFinding("F1", date: "2023-01-11", note: "更换灭火器", today: Self.day)
    #expect(try !database.riskAlerts(asOf: Self.day).contains { $0.reason == "findings_overdue" })
    let verified = try database.verifyFinding("F1", date: "2023-01-12", note: "复查合格", today: Self.day)
    #expect(verified.seq == finding.seq + 2)
    Self.expectRefusal("finding_verified_cannot_be_rectified") {
      try database.rectifyFinding("F1", date: "2023-01-12", note: "再次整改", today: Self.day)
    }
    let summary = try database.supervisionSummary(
      from: "2023-01-01", to: "2023-01-31", region: "340000", today: Self.day)
    #expect(summary.findings == 1 && summary.findingsVerified == 1 && summary.findingsOverdue == 0)
    #expect(try database.audit().ok)
  }

  @Test func badFindingsAreRefusedAndWriteNothing() throws {
    let database = try Self.database()
    let uscc = try Self.register(database)
    let before = try database.size()
    var form = FindingForm()
    form.date = "2023-01-12"
    form.institution = uscc
    form.category = "unlicensed"
    form.actions = "rectify"
    form.deadline = "2023-01-11"
    Self.expectRefusal("deadline_before_finding") { try database.addFinding(form, today: Self.day) }
    form.deadline = nil
    Self.expectRefusal("rectify_figure_missing") { try database.addFinding(form, today: Self.day) }
    form.institution = "52340104MJ000000XX"
    form.actions = "ban"
    Self.expectRefusal("institution_unknown") { try database.addFinding(form, today: Self.day) }
    form.institution = uscc
    form.operatorName = "某培训点"
    Self.expectRefusal("finding_target_ambiguous") { try database.addFinding(form, today: Self.day) }
    form.institution = nil
    form.region = "999999"
    Self.expectRefusal("region_code_unknown") { try database.addFinding(form, today: Self.day) }
    form.region = "340104"
    form.date = "2023-02-01"
    Self.expectRefusal("date_in_future") { try database.addFinding(form, today: Self.day) }
    #expect(try database.size() == before)
  }

  @Test func complaintsKeepNoPersonalDataAndResolveOnce() throws {
    let database = try Self.database()
    let uscc = try Self.register(database, expires: "2023-02-01")
    var form = ComplaintForm()
    form.date = "2023-01-10"
    form.channel = "hotline"
    form.institution = uscc
    form.summary = "家长来电 13912345678 反映退费难"
    Self.expectRefusal("personal_data_in_text") { try database.fileComplaint(form, today: Self.day) }
    form.summary = "家长反映退费难"
    form.parent = "张三"
    Self.expectRefusal("parent_id_malformed") { try database.fileComplaint(form, today: Self.day) }
    form.parent = "P9"
    Self.expectRefusal("parent_unknown") { try database.fileComplaint(form, today: Self.day) }
    form.parent = nil
    form.channelRef = "HX-20230110-017"
    let filed = try database.fileComplaint(form, today: Self.day)
    // K (投诉), not C: a course is C1 too.
    #expect(filed.id == "K1")
    let alerts = try database.riskAlerts(asOf: Self.day)
    #expect(alerts.contains { $0.reason == "complaints" && $0.detail.hasPrefix("1 complaints") })
    #expect(alerts.contains { $0.reason == "licence_expiring" && $0.detail.contains("2023-02-01") })
    Self.expectRefusal("resolution_before_complaint") {
      try database.resolveComplaint(
        "K1", date: "2023-01-09", outcome: "mediated", note: "调解", refundsYuan: nil, today: Self.day)
    }
    _ = try database.resolveComplaint(
      "K1", date: "2023-01-12", outcome: "mediated", note: "机构同意退费", refundsYuan: "800", today: Self.day)
    Self.expectRefusal("complaint_already_resolved") {
      try database.resolveComplaint(
        "K1", date: "2023-01-12", outcome: "upheld", note: "再次", refundsYuan: nil, today: Self.day)
    }
    let summary = try database.supervisionSummary(
      from: "2023-01-01", to: "2023-01-31", region: nil, today: Self.day)
    #expect(summary.complaints == 1 && summary.complaintsResolved == 1 && summary.refundsFen == 80_000)
    var ledgerText = ""
    try database.entries(fromSeq: 1, limit: nil) {
      ledgerText += String(decoding: $0.entryBytes, as: UTF8.self) + ($0.entryJSON?.canonicalText ?? "")
    }
    #expect(!ledgerText.contains("13912345678"))
    #expect(ledgerText.contains("\"kind\":\"complaint.resolved\""))
    #expect(try database.audit().ok)
  }

  @Test func coverageNamesWhatEachInstitutionLacks() throws {
    let database = try Self.database()
    let bare = try Self.register(database, region: "340104", serial: 1)
    _ = try Self.register(database, region: "340102", serial: 2)
    _ = try database.addVenue(institution: bare, address: "合肥市蜀山区长江西路1号", areaM2: "300")
    let (rows, gaps) = try database.coverage(region: "340100", asOf: Self.day)
    #expect(rows.map(\.region) == ["340000", "340100", "340102", "340104"])
    let hefei = try #require(rows.first(where: { $0.region == "340100" }))
    #expect(hefei.active == 2)
    #expect(hefei.venues == 1)
    #expect(hefei.fullyOnboarded == 0)
    let lacks = gaps.first { $0.uscc == bare }?.lacks ?? []
    #expect(lacks == ["course", "class", "payment through escrow in 30 days"])
    #expect(gaps.count == 2)
  }
}

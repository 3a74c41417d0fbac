import ArgumentParser
import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanWeb

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "The daily bulletin, supervision figures, platform coverage and risk alerts.",
    subcommands: [BulletinReport.self, Summary.self, Coverage.self, Risk.self, RatingsReportCommand.self])

  enum BulletinFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown, html, pdf
  }

  struct BulletinReport: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bulletin",
      abstract: "The daily bulletin (每日快报) of a day, from that day's actions and measures.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The day, YYYY-MM-DD.") var date: String
    @Option(help: "The issue number of the year (第 N 期).") var issue: Int?
    @Option(help: "The serial number (总第 N 期).") var serial: Int?
    @Option(help: "The issuing office (default: the database's authority).") var issuer: String?
    @Option(help: "报: whom it is submitted to.") var submittedTo: String?
    @Option(help: "送: whom it is copied to.") var copiedTo: String?
    @Option(help: "markdown, html or pdf (pdf needs --out).") var to: BulletinFormat = .markdown
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func run() throws {
      let day = try CalendarDate.parse(date, field: "date")
      for (field, value) in [("issue", issue), ("serial", serial)] {
        if let value, !(1...100_000).contains(value) {
          throw Rejection("\(field)_out_of_range", "\(field) \(value) must be between 1 and 100000")
        }
      }
      if to == .pdf && out == nil {
        throw Rejection("pdf_needs_out", "--to pdf writes a file: give --out FILE.pdf")
      }
      let database = try Environment.open(global)
      var header = Bulletin.Header(date: day, issuer: try issuer ?? database.identity().authority)
      header.issue = issue
      header.serial = serial
      header.submittedTo = try submittedTo.map {
        try TextField.validate($0, field: "submitted-to", maxLength: 100)
      }
      header.copiedTo = try copiedTo.map { try TextField.validate($0, field: "copied-to", maxLength: 100) }
      header.issuer = try TextField.validate(header.issuer, field: "issuer", maxLength: 100)
      let bulletin = try database.bulletin(header)
      let items = bulletin.news.reduce(0) { $0 + $1.items.count } + bulletin.experiences.count
      switch (to, out) {
      case (.pdf, let path?):
        let pages: Int?
        do { pages = try BulletinPDF.write(bulletin, to: path) } catch let failure as PDFToolFailure {
          throw EnvironmentFailure(failure.code, failure.message)
        }
        report(bulletin, items: items, path: path, pages: pages)
      case (_, let path?):
        let text = to == .html ? bulletin.html() : bulletin.markdown()
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
          throw EnvironmentFailure("output_unwritable", "cannot write \(Rejection.quote(path))")
        }
        report(bulletin, items: items, path: path, pages: nil)
      case (_, nil):
        let text = to == .html ? bulletin.html() : bulletin.markdown()
        Output(global).emit(
          .object([
            "date": .string(day.description), "format": .string(to.rawValue), "text": .string(text),
            "provinces": .array(bulletin.news.map { .string($0.province.code) }),
            "items": .integer(Int64(items)),
          ]), text: text.hasSuffix("\n") ? String(text.dropLast()) : text)
      }
    }

    func report(_ bulletin: Bulletin, items: Int, path: String, pages: Int?) {
      Output(global).emit(
        .object([
          "date": .string(bulletin.header.date.description), "file": .string(path),
          "format": .string(to.rawValue),
          "items": .integer(Int64(items)), "provinces": .integer(Int64(bulletin.news.count)),
        ]),
        text:
          "bulletin of \(bulletin.header.date) (\(bulletin.news.count) provinces, \(items) items) written to \(path)"
          + (pages.map { " (\($0) pages)" } ?? ""))
    }
  }

  struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "summary", abstract: "The supervision figures of a period, summed.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "First day, YYYY-MM-DD.") var from: String
    @Option(help: "Last day, YYYY-MM-DD.") var to: String
    @Option(help: "Only this region (province, prefecture or county code).") var region: String?
    @Flag(help: "CSV (figure,value) instead of a table.") var csv = false

    func run() throws {
      let summary = try Environment.open(global).supervisionSummary(
        from: from, to: to, region: region, today: Environment.today())
      let rows = Self.rows(summary)
      if csv && global.format == .table {
        print((["figure,value"] + rows.map { "\($0[0]),\($0[1])" }).joined(separator: "\n"))
        return
      }
      Output(global).emit(JSONValue.from(summary), text: Output.table(["FIGURE", "VALUE"], rows))
    }

    static func rows(_ summary: SupervisionSummary) -> [[String]] {
      var rows: [[String]] = [
        ["period", "\(summary.from)..\(summary.to)"], ["region", summary.region ?? "all"],
        ["actions", String(summary.actions)], ["measures", String(summary.measures)],
        ["person_visits", String(summary.personVisits)], ["teams", String(summary.teams)],
        ["institutions_checked", String(summary.institutionsChecked)],
        ["problems", String(summary.problems)],
      ]
      rows += summary.problemsByCategory.map { ["problems.category.\($0.name)", String($0.count)] }
      rows += summary.problemsByAction.map { ["problems.action.\($0.name)", String($0.count)] }
      rows += [
        ["problems_rectified", String(summary.problemsRectified)],
        ["refunds_yuan", Money.formatYuan(summary.refundsFen)],
        ["fines_yuan", Money.formatYuan(summary.finesFen)],
        ["students_redistributed", String(summary.studentsRedistributed)],
        ["findings", String(summary.findings)],
      ]
      rows += summary.findingsByCategory.map { ["findings.category.\($0.name)", String($0.count)] }
      rows += [
        ["findings_open", String(summary.findingsOpen)],
        ["findings_rectified", String(summary.findingsRectified)],
        ["findings_verified", String(summary.findingsVerified)],
        ["findings_overdue", String(summary.findingsOverdue)],
        ["complaints", String(summary.complaints)],
      ]
      rows += summary.complaintsByChannel.map { ["complaints.channel.\($0.name)", String($0.count)] }
      rows.append(["complaints_resolved", String(summary.complaintsResolved)])
      return rows
    }
  }

  struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "coverage",
      abstract: "Full-process supervision coverage (全流程监管) per county, prefecture and province.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this region.") var region: String?
    @Option(help: "YYYY-MM-DD; payments count in the 30 days up to it (default today).") var asOf: String?

    func run() throws {
      let day = try asOf.map { try CalendarDate.parse($0, field: "as-of") } ?? Environment.today()
      let (rows, gaps) = try Environment.open(global).coverage(region: region, asOf: day)
      func share(_ part: Int64, _ whole: Int64) -> String {
        whole == 0 ? "-" : "\(part) (\(part * 100 / whole)%)"
      }
      let table = Output.table(
        ["REGION", "NAME", "LEVEL", "ACTIVE", "ESCROW", "VENUES", "COURSES", "CLASSES", "PAID 30D", "FULL"],
        rows.map {
          [
            $0.region, $0.name, $0.level, String($0.active), share($0.escrowAccount, $0.active),
            share($0.venues, $0.active),
            share($0.courses, $0.active), share($0.classes, $0.active),
            share($0.paidThroughEscrow, $0.active),
            share($0.fullyOnboarded, $0.active),
          ]
        })
      let gapText =
        gaps.isEmpty
        ? "every active institution is fully onboarded"
        : "not yet fully onboarded:\n"
          + Output.table(
            ["USCC", "NAME", "REGION", "LACKS"],
            gaps.map { [$0.uscc, $0.name, $0.region, $0.lacks.joined(separator: ", ")] })
      Output(global).emit(
        .object([
          "asOf": .string(day.description), "rows": .array(rows.map(JSONValue.from)),
          "notFullyOnboarded": .array(gaps.map(JSONValue.from)),
        ]), text: (rows.isEmpty ? "no active institutions" : table) + "\n\n" + gapText)
    }
  }

  struct Risk: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "risk",
      abstract:
        "Institutions to look at first, each with its reason and figures (thresholds: Data/policy.json).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "YYYY-MM-DD (default today).") var asOf: String?

    func run() throws {
      let day = try asOf.map { try CalendarDate.parse($0, field: "as-of") } ?? Environment.today()
      let alerts = try Environment.open(global).riskAlerts(asOf: day)
      Output(global).emit(
        .object(["asOf": .string(day.description), "alerts": .array(alerts.map(JSONValue.from))]),
        text: alerts.isEmpty
          ? "no risk alerts as of \(day)"
          : Output.table(
            ["USCC", "NAME", "REGION", "REASON", "DETAIL"],
            alerts.map { [$0.uscc, $0.name, $0.region, $0.reason, $0.detail] }))
    }
  }
}

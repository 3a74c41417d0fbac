import ArgumentParser
import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore

/// The options that actions and measures share: their place, figures and narrative.
struct NarrativeOptions: ParsableArguments {
  @Option(help: "The day it happened (or, for cumulative figures, was reported), YYYY-MM-DD; default today.")
  var date: String?
  @Option(help: "GB/T 2260 code of the province, prefecture or county.") var region: String
  @Option(
    help:
      "Comma-separated: education, science, culture-tourism, sports, market-regulation, public-security, fire-rescue, civil-affairs, local-government, other."
  )
  var departments: String?
  @Option(parsing: .unconditional, help: "The number of departments, when more took part than are named.")
  var departmentCount: String?
  @Option(
    name: .customLong("figure"), help: "KEY=VALUE:LABEL, a figure without a field of its own (repeatable).")
  var figures: [String] = []
  @Option(
    help:
      "The narrative for the bulletin; figures as placeholders such as {personVisits} (see docs/SUPERVISION.md)."
  )
  var text: String?
  @Flag(help: "An experience report (有关经验做法) rather than a news item.") var experience = false
  @Option(help: "The headline of an experience report.") var headline: String?
}

struct ActionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "action", abstract: "Record supervision actions (专项行动、检查).", subcommands: [Record.self])

  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "record", abstract: "Record a supervision action with its figures.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var narrative: NarrativeOptions
    @Option(parsing: .unconditional, help: "The action's name.") var title: String?
    @Option(parsing: .unconditional, help: "Inspectors sent, in person-visits (人次).") var personVisits:
      String?
    @Option(parsing: .unconditional, help: "Teams formed (组).") var teams: String?
    @Option(parsing: .unconditional, help: "Institutions checked (家次).") var institutionsChecked: String?
    @Option(
      name: .customLong("problem"),
      help: "CATEGORY=COUNT[:ACTION+ACTION[:FOLLOW-UP]], e.g. safety-hazard=6:rectify (repeatable).")
    var problems: [String] = []
    @Option(parsing: .unconditional, help: "Refunds coordinated for parents, in yuan.") var refundsYuan:
      String?
    @Option(parsing: .unconditional, help: "Fines imposed, in yuan.") var finesYuan: String?
    @Option(parsing: .unconditional, help: "Students redistributed (分流).") var studentsRedistributed: String?

    func run() throws {
      var form = ActionForm()
      form.date = try narrative.date ?? Environment.today().description
      form.region = narrative.region
      form.title = title
      form.departments = narrative.departments
      form.departmentCount = narrative.departmentCount
      form.personVisits = personVisits
      form.teams = teams
      form.institutionsChecked = institutionsChecked
      form.problems = problems
      form.refundsYuan = refundsYuan
      form.finesYuan = finesYuan
      form.studentsRedistributed = studentsRedistributed
      form.figures = narrative.figures
      form.text = narrative.text
      form.experience = narrative.experience
      form.headline = narrative.headline
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.recordAction(form, global)
        : try Environment.open(global).recordAction(form, today: Environment.today())
      Output(global).emit(recorded, what: "action")
    }
  }
}

struct MeasureCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "measure", abstract: "Record policy documents (印发通知) and other measures of a region.",
    subcommands: [Add.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record a document issued, pledges signed, a hotline, …")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var narrative: NarrativeOptions
    @Option(help: "document, pledge, hotline, supervisors, campaign or other.") var kind: String
    @Option(help: "The document's title without 《》, or the measure's name.") var title: String?

    func run() throws {
      var form = MeasureForm()
      form.date = try narrative.date ?? Environment.today().description
      form.region = narrative.region
      form.kind = kind
      form.title = title
      form.departments = narrative.departments
      form.departmentCount = narrative.departmentCount
      form.figures = narrative.figures
      form.text = narrative.text
      form.experience = narrative.experience
      form.headline = narrative.headline
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.addMeasure(form, global)
        : try Environment.open(global).addMeasure(form, today: Environment.today())
      Output(global).emit(recorded, what: "measure")
    }
  }
}

struct FindingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "finding", abstract: "Record findings and follow their rectification.",
    subcommands: [Add.self, Rectify.self, Verify.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record a problem at a registered institution (--institution) or an unregistered operator.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "YYYY-MM-DD; default today.") var date: String?
    @Option(help: "The USCC of a registered institution.") var institution: String?
    @Option(help: "The name of an unregistered operator, as found.") var operatorName: String?
    @Option(help: "Where the operator was found.") var operatorAddress: String?
    @Option(help: "GB/T 2260 code; required for an operator, else the institution's.") var region: String?
    @Option(
      help:
        "disguised, disguised-online, disguised-flat, …, unlicensed, safety-hazard, fire-safety, illegal-advertising, in-service-teacher, over-charging, other."
    )
    var category: String
    @Option(
      help:
        "Comma-separated: rectify, stop-business, ban, deregister, fine, refund, redistribute, interview, handle."
    )
    var actions: String
    @Option(parsing: .unconditional, help: "Rectification deadline (with rectify), YYYY-MM-DD.") var deadline:
      String?
    @Option(parsing: .unconditional, help: "Fine in yuan (with fine).") var fineYuan: String?
    @Option(parsing: .unconditional, help: "Refunds coordinated in yuan (with refund).") var refundsYuan:
      String?
    @Option(parsing: .unconditional, help: "Students redistributed (with redistribute).")
    var studentsRedistributed: String?
    @Option(help: "The supervision action it was found in (SA3).") var inspection: String?
    @Option var note: String?

    func run() throws {
      var form = FindingForm()
      form.date = try date ?? Environment.today().description
      form.institution = institution
      form.operatorName = operatorName
      form.operatorAddress = operatorAddress
      form.region = region
      form.category = category
      form.actions = actions
      form.deadline = deadline
      form.fineYuan = fineYuan
      form.refundsYuan = refundsYuan
      form.studentsRedistributed = studentsRedistributed
      form.inspection = inspection
      form.note = note
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.addFinding(form, global)
        : try Environment.open(global).addFinding(form, today: Environment.today())
      Output(global).emit(recorded, what: "finding")
    }
  }

  struct Rectify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rectify", abstract: "Mark an open finding rectified (整改完成).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The finding's id (F1).") var id: String
    @Option(help: "YYYY-MM-DD; default today.") var date: String?
    @Option(help: "The evidence.") var note: String
    func run() throws {
      if global.namesPostgres {
        let recorded = try PostgresCommands.followUpFinding(
          id, date: date, note: note, to: "rectified", global)
        return Output(global).emit(recorded, what: "rectification of finding")
      }
      let today = try Environment.today()
      let recorded = try Environment.open(global).rectifyFinding(
        id, date: date ?? today.description, note: note, today: today)
      Output(global).emit(recorded, what: "rectification of finding")
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify", abstract: "Mark a rectified finding verified (复查).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The finding's id (F1).") var id: String
    @Option(help: "YYYY-MM-DD; default today.") var date: String?
    @Option(help: "What the second visit found.") var note: String
    func run() throws {
      if global.namesPostgres {
        let recorded = try PostgresCommands.followUpFinding(
          id, date: date, note: note, to: "verified", global)
        return Output(global).emit(recorded, what: "verification of finding")
      }
      let today = try Environment.today()
      let recorded = try Environment.open(global).verifyFinding(
        id, date: date ?? today.description, note: note, today: today)
      Output(global).emit(recorded, what: "verification of finding")
    }
  }
}

struct ComplaintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "complaint", abstract: "File and resolve complaints and tips (投诉、举报); no personal data.",
    subcommands: [File.self, Resolve.self])

  struct File: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "file", abstract: "File a complaint or tip.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "YYYY-MM-DD; default today.") var date: String?
    @Option(help: "hotline, app, letter, email, visit or other.") var channel: String
    @Option(help: "The USCC of the registered institution it is about.") var institution: String?
    @Option(help: "Whom it is about, when not a registered institution.") var operatorName: String?
    @Option(help: "GB/T 2260 code; required unless --institution.") var region: String?
    @Option(help: "A finding category, if it names one.") var category: String?
    @Option(help: "What it is about, without names, phone or ID numbers.") var summary: String
    @Option(help: "The registered parent who complained (P3).") var parent: String?
    @Option(help: "The channel's own reference, e.g. the hotline ticket.") var channelRef: String?

    func run() throws {
      var form = ComplaintForm()
      form.date = try date ?? Environment.today().description
      form.channel = channel
      form.institution = institution
      form.operatorName = operatorName
      form.region = region
      form.category = category
      form.summary = summary
      form.parent = parent
      form.channelRef = channelRef
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.fileComplaint(form, global)
        : try Environment.open(global).fileComplaint(form, today: Environment.today())
      Output(global).emit(recorded, what: "complaint")
    }
  }

  struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "resolve", abstract: "Close a complaint with its outcome.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The complaint's id (C1).") var id: String
    @Option(help: "YYYY-MM-DD; default today.") var date: String?
    @Option(help: "upheld, rejected, mediated or referred.") var outcome: String
    @Option var note: String
    @Option(parsing: .unconditional, help: "Refunds obtained for the parent, in yuan.") var refundsYuan:
      String?
    func run() throws {
      if global.namesPostgres {
        let recorded = try PostgresCommands.resolveComplaint(
          id, date: date, outcome: outcome, note: note, refundsYuan: refundsYuan, global)
        return Output(global).emit(recorded, what: "resolution of complaint")
      }
      let today = try Environment.today()
      let recorded = try Environment.open(global).resolveComplaint(
        id, date: date ?? today.description, outcome: outcome, note: note, refundsYuan: refundsYuan,
        today: today)
      Output(global).emit(recorded, what: "resolution of complaint")
    }
  }
}

/// `jianguan import supervision FILE.json` (registered under `ImportCommand`).
extension ImportCommand {
  struct Supervision: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "supervision",
      abstract:
        "Import supervision records (format: docs/SUPERVISION.md); one entry per record, all or nothing; records already recorded are not added again."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The JSON file.") var file: String

    func run() throws {
      guard let data = FileManager.default.contents(atPath: file) else {
        throw Rejection("import_file_unreadable", "file \(Rejection.quote(file)) cannot be read")
      }
      let name = URL(fileURLWithPath: file).lastPathComponent
      let imported = try Environment.open(global).importSupervision(
        Array(data), file: name, today: Environment.today())
      let recorded = imported.recorded
      let already =
        imported.alreadyRecorded > 0 ? "; \(imported.alreadyRecorded) already recorded, not added again" : ""
      Output(global).emit(
        .object([
          "file": .string(file), "entries": .array(recorded.map(Output.json)),
          "alreadyRecorded": .integer(Int64(imported.alreadyRecorded)),
        ]),
        text: recorded.isEmpty
          ? "imported nothing from \(file): its \(imported.alreadyRecorded) records are already recorded"
          : "imported \(recorded.count) records from \(file) at seq \(recorded.first!.seq)…\(recorded.last!.seq)\(already): "
            + recorded.map(\.id).joined(separator: ", "))
    }
  }
}

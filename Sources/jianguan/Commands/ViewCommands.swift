import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

/// What a list is narrowed to and which page of it is shown; a filter a kind has not (a venue's
/// status) is refused with one sentence.
struct ListOptions: ParsableArguments {
  @Option(help: "Only those of this institution (USCC).") var institution: String?
  @Option(help: "Only classes of this course (C1).") var course: String?
  @Option(name: .customLong("class"), help: "Only those of this class (B1).") var classID: String?
  @Option(help: "Only those of this parent's children (P1).") var parent: String?
  @Option(help: "Only those of this student (S1).") var student: String?
  @Option(help: "Only those of this enrollment (E1).") var enrollment: String?
  @Option(
    help: "Lessons: pending, released, disputed, voided; refund requests: open, agreed, refused, escalated.")
  var status: String?
  @Option(help: "At most this many (1 to 1000).") var limit = 50
  @Option(help: "Start after this id (the `next` of the previous page).") var after: String?

  var filter: ViewFilter {
    var filter = ViewFilter()
    filter.institution = institution
    filter.course = course
    filter.classID = classID
    filter.parent = parent
    filter.student = student
    filter.enrollment = enrollment
    filter.status = status
    return filter
  }
}

/// A kind of record as a type, so that one generic `list` and `show` serve every kind.
protocol ViewKindTag { static var kind: ViewKind { get } }

enum VenueViews: ViewKindTag { static let kind = ViewKind.venues }
enum TeacherViews: ViewKindTag { static let kind = ViewKind.teachers }
enum CourseViews: ViewKindTag { static let kind = ViewKind.courses }
enum ClassViews: ViewKindTag { static let kind = ViewKind.classes }
enum EnrollmentViews: ViewKindTag { static let kind = ViewKind.enrollments }
enum LessonViews: ViewKindTag { static let kind = ViewKind.lessons }
enum RefundViews: ViewKindTag { static let kind = ViewKind.refunds }
enum RefundRequestViews: ViewKindTag { static let kind = ViewKind.refundRequests }

/// `list`: the records of one kind, a page at a time.
struct ViewList<Tag: ViewKindTag>: ParsableCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "list",
      abstract:
        "List \(ViewText.listed(Tag.kind)) in the order they were recorded; --limit and --after page through them."
    )
  }
  @OptionGroup var global: GlobalOptions
  @OptionGroup var options: ListOptions

  func run() throws {
    // On a postgres URL the kinds the replay lists are read from the log, the others from the cache.
    let page =
      PostgresCommands.replays(Tag.kind, global)
      ? try PostgresCommands.list(
        Tag.kind, filter: options.filter, limit: options.limit, after: options.after, global)
      : try Environment.open(global).list(
        Tag.kind, filter: options.filter, limit: options.limit, after: options.after)
    var json: [String: JSONValue] = ["items": .array(page.records.map(\.json)), "more": .bool(page.more)]
    if let next = page.next { json["next"] = .string(next) }
    Output(global).emit(.object(json), text: ViewText.page(page, kind: Tag.kind))
  }
}

/// `show`: one record by its id.
struct ViewShow<Tag: ViewKindTag>: ParsableCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(commandName: "show", abstract: "Show one of the \(Tag.kind.rawValue) by its id.")
  }
  @OptionGroup var global: GlobalOptions
  @Argument(help: "The id, e.g. the `id` a list or the command that created it printed.") var id: String

  func run() throws {
    let record =
      PostgresCommands.replays(Tag.kind, global)
      ? try PostgresCommands.show(Tag.kind, id, global) : try Environment.open(global).show(Tag.kind, id)
    Output(global).emit(record.json, text: ViewText.fields(record))
  }
}

/// Views as text: money in yuan, fields without a value blank.
enum ViewText {
  /// What `list` lists, for its help.
  static func listed(_ kind: ViewKind) -> String {
    switch kind {
    case .lessons: "lessons (--status pending: those waiting for confirmation)"
    case .refundRequests: "refund applications"
    default: kind.rawValue
    }
  }

  static func page(_ page: ViewPage, kind: ViewKind) -> String {
    guard let first = page.records.first else {
      return "no \(kind == .refundRequests ? "refund requests" : kind.rawValue) match"
    }
    var text = Output.table(first.fields.map { header($0.name) }, page.records.map { $0.fields.map(cell) })
    if let next = page.next { text += "\nmore remain: run again with --after \(next)" }
    return text
  }

  static func fields(_ record: ViewRecord) -> String {
    Output.fields(record.fields.map { (header($0.name), cell($0)) })
  }

  /// `amountFen` → `amountYuan`: the column shows yuan.
  static func header(_ name: String) -> String { name.hasSuffix("Fen") ? name.dropLast(3) + "Yuan" : name }

  static func cell(_ field: (name: String, value: JSONValue?)) -> String {
    switch field.value {
    case .integer(let value)?: field.name.hasSuffix("Fen") ? Money.formatYuan(value) : String(value)
    case .string(let text)?: text
    case .bool(let flag)?: flag ? "yes" : "no"
    default: ""
    }
  }
}

extension ClassCommand {
  /// A class with its roster, which a session is recorded for (`lesson record --class`).
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show a class and its roster: each student holding hours, and the hours left.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The class id (B1).") var id: String
    func run() throws {
      let (record, roster) =
        global.namesPostgres
        ? try PostgresCommands.classWithRoster(id, global) : try Environment.open(global).classWithRoster(id)
      guard case .object(var json) = record.json else { return }
      json["roster"] = .array(roster.map(\.json))
      let table =
        roster.isEmpty
        ? "roster: no student holds hours"
        : "roster:\n"
          + Output.table(roster[0].fields.map(\.name), roster.map { $0.fields.map(ViewText.cell) })
      Output(global).emit(.object(json), text: ViewText.fields(record) + "\n" + table)
    }
  }
}

/// Enrollments: a student's paid hours in a class, and what became of them.
struct EnrollmentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "enrollment", abstract: "Enrollments (one payment each): hours and money.",
    subcommands: [ViewList<EnrollmentViews>.self, ViewShow<EnrollmentViews>.self])
}

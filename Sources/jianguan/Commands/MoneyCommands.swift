import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

struct PayCommand: ParsableCommand {
  // `pay` is parsed on its own when its arguments parse (`Jianguan.parsedAlone`). As the root of
  // that parse the parser would first try two pseudo-commands that ask for a completion script
  // (about 0.5 ms of a `pay` process, in the Swift runtime's scans of this binary's conformance
  // records); naming its super-command skips that check, which only a root command makes. In
  // the whole tree the name is not read: the root is `Jianguan`, and every message is the same.
  static let configuration = CommandConfiguration(
    commandName: "pay", _superCommandName: "jianguan",
    abstract: "Record a parent's payment into escrow; creates an enrollment.")
  @OptionGroup var global: GlobalOptions
  @Option var student: String
  @Option(name: .customLong("class")) var classID: String
  @Option(parsing: .unconditional) var hours: String
  @Option(parsing: .unconditional, help: "Amount in yuan, e.g. 1200 or 1200.50.") var amount: String
  @Option(help: "The bank's transaction reference.") var bankRef: String
  @Option(help: "When it was paid (YYYY-MM-DDTHH:MM, China time); default now.") var at: String?

  func run() throws {
    var form = PaymentForm()
    form.student = student
    form.classID = classID
    form.hours = hours
    form.amountYuan = amount
    form.bankRef = bankRef
    form.paidAt = at
    let recorded =
      global.namesPostgres
      ? try PostgresCommands.pay(form, global)
      : try Environment.open(global).pay(form, now: Environment.now())
    Output(global).emit(recorded, what: "enrollment")
  }
}

struct LessonCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lesson", abstract: "Lessons taught (消课): record, confirm, dispute, resolve.",
    subcommands: [
      Record.self, Confirm.self, Dispute.self, Resolve.self, ViewList<LessonViews>.self,
      ViewShow<LessonViews>.self,
    ])

  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "record",
      abstract:
        "Record a lesson taught, of one enrollment or of a whole class session; it waits for confirmation.",
      discussion: """
        With --class, every student holding hours in the class gets the lesson, except those \
        --absent, in one transaction: one refused lesson refuses the whole session.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The enrollment taught (E1).") var enrollment: String?
    @Option(name: .customLong("class"), help: "The class whose session was taught (B1).") var classID: String?
    @Option(help: "With --class: students absent, comma-separated (S7,S9); they are not charged.")
    var absent: String?
    @Option(parsing: .unconditional) var hours: String
    @Option(help: "When it was taught: the start of one of the class's slots (YYYY-MM-DDTHH:MM, China time).")
    var taughtAt: String

    func validate() throws {
      guard (enrollment == nil) != (classID == nil) else {
        throw ValidationError("give exactly one of --enrollment E1 or --class B1")
      }
      guard absent == nil || classID != nil else { throw ValidationError("--absent goes with --class") }
    }

    func run() throws {
      if global.namesPostgres, classID == nil {
        let recorded = try PostgresCommands.recordLesson(
          enrollment: enrollment ?? "", hours: hours, taughtAt: taughtAt, global)
        return Output(global).emit(recorded, what: "lesson", sameAs: "same enrollment, time and hours")
      }
      let database = try Environment.open(global)
      guard let classID else {
        let recorded = try database.recordLesson(
          enrollment: enrollment ?? "", hours: hours, taughtAt: taughtAt, now: Environment.now())
        return Output(global).emit(recorded, what: "lesson", sameAs: "same enrollment, time and hours")
      }
      let absentStudents = absent.map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
      let session = try database.recordClassSession(
        classID: classID, hours: hours, taughtAt: taughtAt, absent: absentStudents ?? [],
        now: Environment.now())
      Output(global).emit(LessonCommand.json(session), text: LessonCommand.text(session))
    }
  }

  static func json(_ session: ClassSession) -> JSONValue {
    .object([
      "class": .string(session.classID), "absent": .array(session.absent.map { .string($0) }),
      "lessons": .array(
        zip(session.lessons, session.enrollments).map { recorded, enrollment in
          guard case .object(var object) = Output.json(recorded) else { return Output.json(recorded) }
          object["enrollment"] = .string(enrollment)
          return .object(object)
        }),
    ])
  }

  static func text(_ session: ClassSession) -> String {
    let added = session.lessons.filter { !$0.repeated }
    var lines = [
      added.isEmpty
        ? "class \(session.classID): this session was already recorded (\(session.lessons.count) lessons; nothing new written)"
        : "class \(session.classID): \(added.count) lesson\(added.count == 1 ? "" : "s") recorded at seq "
          + (added.count == 1 ? "\(added[0].seq)" : "\(added.first!.seq)…\(added.last!.seq)")
          + ", pending confirmation"
    ]
    lines += zip(session.lessons, session.enrollments).map { recorded, enrollment in
      "  \(recorded.id)  \(enrollment)\(recorded.repeated ? "  (already recorded)" : "")"
    }
    if !session.absent.isEmpty {
      lines.append("absent, not charged: " + session.absent.joined(separator: ", "))
    }
    return lines.joined(separator: "\n")
  }

  struct Confirm: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "confirm",
      abstract: "The parent confirms a lesson; its share is released.")
    @OptionGroup var global: GlobalOptions
    @Argument var lesson: String
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.confirmLesson(lesson, global)
        : try Environment.open(global).confirmLesson(lesson)
      Output(global).emit(recorded, what: "release of lesson")
    }
  }

  struct Dispute: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "dispute",
      abstract: "The parent disputes a lesson; nothing is released.")
    @OptionGroup var global: GlobalOptions
    @Argument var lesson: String
    @Option var reason: String
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.disputeLesson(lesson, reason: reason, global)
        : try Environment.open(global).disputeLesson(lesson, reason: reason)
      Output(global).emit(recorded, what: "dispute of lesson")
    }
  }

  struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "resolve",
      abstract: "Resolve a disputed lesson: release or void it.")
    @OptionGroup var global: GlobalOptions
    @Argument var lesson: String
    @Flag(help: "The lesson was taught: release its share.") var release = false
    @Flag(name: .customLong("void"), help: "The lesson was not taught: void it; its hours return.")
    var voidLesson = false
    @Option var reason = "dispute resolved by the regulator"
    func validate() throws {
      guard release != voidLesson else { throw ValidationError("give exactly one of --release or --void") }
    }
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.resolveLesson(lesson, release: release, reason: reason, global)
        : try Environment.open(global).resolveLesson(lesson, release: release, reason: reason)
      Output(global).emit(recorded, what: release ? "release of lesson" : "voiding of lesson")
    }
  }
}

struct SettleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "settle",
    abstract: "Release every pending lesson whose confirmation window (working days) has passed.")
  @OptionGroup var global: GlobalOptions
  @Option(help: "The day to settle as of, YYYY-MM-DD (default today; never after today).") var asOf: String?

  func run() throws {
    let day = try asOf.map { try CalendarDate.parse($0, field: "as-of") } ?? Environment.today()
    let settlement =
      global.namesPostgres
      ? try PostgresCommands.settle(asOf: day, global) : try Environment.open(global).settle(asOf: day)
    let released = settlement.released
    let deemed = settlement.refundRequestsDeemedAgreed
    let lessonsText =
      released.isEmpty
      ? "no lesson is past its confirmation window as of \(day)"
      : "deemed confirmed as of \(day): "
        + released.map { "\($0.id) (seq \($0.seq))" }.joined(separator: ", ")
    Output(global).emit(
      settlement.json(asOf: day, recorded: Output.json),
      text: ([lessonsText]
        + deemed.map { RefundRequestCommand.text($0, what: "deemed agreed (not answered in time)") })
        .joined(separator: "\n"))
  }
}

struct RefundCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "refund",
    abstract:
      "Refund unconsumed hours of an enrollment to the parent; `refund list` and `refund show` read them.",
    subcommands: [Record.self, ViewList<RefundViews>.self, ViewShow<RefundViews>.self],
    defaultSubcommand: Record.self)

  /// `refund --enrollment E1 …` (the default) or `refund record --enrollment E1 …`.
  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "record", abstract: "Refund unconsumed hours of an enrollment to the parent.")
    @OptionGroup var global: GlobalOptions
    @Option var enrollment: String
    @Option(parsing: .unconditional) var hours: String?
    @Flag(help: "Refund all remaining hours (exactly the remaining escrow when no lesson is pending).")
    var all = false
    @Option var reason: String
    @Option var bankRef: String

    func validate() throws {
      guard (hours == nil) == all else { throw ValidationError("give exactly one of --hours N or --all") }
    }

    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.refund(
          enrollment: enrollment, hours: all ? nil : hours, reason: reason, bankRef: bankRef, global)
        : try Environment.open(global).refund(
          enrollment: enrollment, hours: all ? nil : hours, reason: reason, bankRef: bankRef)
      Output(global).emit(recorded, what: "refund")
    }
  }
}

struct BalanceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "balance", abstract: "Money paid, released, refunded and held in escrow, and hours.")
  @OptionGroup var global: GlobalOptions
  @Option var institution: String?
  @Option var enrollment: String?
  @Option var region: String?
  @Flag var all = false
  @OptionGroup var replica: ReplicaOptions

  func validate() throws {
    let given = [institution != nil, enrollment != nil, region != nil, all].filter { $0 }.count
    guard given == 1 else {
      throw ValidationError("give exactly one of --institution, --enrollment, --region or --all")
    }
  }

  func run() throws {
    let scope: BalanceScope =
      if let institution { .institution(institution) } else if let enrollment {
        .enrollment(enrollment)
      } else if let region {
        .region(region)
      } else { .all }
    try replica.check(global)
    let summary =
      global.namesPostgres
      ? try PostgresCommands.balance(scope, global, replica)
      : try Environment.open(global).balance(scope)
    Output(global).emit(JSONValue.from(summary), text: BalanceCommand.text(summary))
  }

  static func text(_ s: BalanceSummary) -> String {
    Output.fields([
      ("enrollments", String(s.enrollments)), ("paid", Money.formatYuan(s.paidFen) + " yuan"),
      ("released", Money.formatYuan(s.releasedFen) + " yuan"),
      ("refunded", Money.formatYuan(s.refundedFen) + " yuan"),
      ("in escrow", Money.formatYuan(s.escrowFen) + " yuan"),
      (
        "hours",
        "\(s.hoursPaid) paid, \(s.hoursConsumed) consumed, \(s.hoursRefunded) refunded, \(s.hoursPending) pending, \(s.hoursRemaining) remaining"
      ),
    ])
  }
}

import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

struct RefundRequestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "refund-request",
    abstract: "Refund applications: the parent applies, the institution answers, the regulator decides.",
    discussion: """
      The hours applied for are reserved at once: no lesson or other refund can take them until the \
      application is answered. Unanswered after 5 working days (the days after the day of the \
      request), an application is deemed agreed by `jianguan settle`. An agreed application is \
      refunded from escrow to the parent, by the route of the original payment, in the same transaction.
      """,
    subcommands: [
      Create.self, Answer.self, Escalate.self, Decide.self, Show.self, ViewList<RefundRequestViews>.self,
    ])

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "create", abstract: "The parent applies for a refund.")
    @OptionGroup var global: GlobalOptions
    @Option var enrollment: String
    @Option(parsing: .unconditional) var hours: String?
    @Flag(help: "Apply for all remaining hours.") var all = false
    @Option var reason: String
    func validate() throws {
      guard (hours == nil) == all else { throw ValidationError("give exactly one of --hours N or --all") }
    }
    func run() throws {
      let (recorded, reserved, answerDue): (Recorded, Int64, String)
      if global.namesPostgres {
        let opened = try PostgresCommands.createRefundRequest(
          enrollment: enrollment, hours: all ? nil : hours, reason: reason, global)
        (recorded, reserved, answerDue) = (Recorded(opened.appended), opened.hours, opened.answerDue)
      } else {
        let database = try Environment.open(global)
        recorded = try database.createRefundRequest(
          enrollment: enrollment, hours: all ? nil : hours, reason: reason, now: Environment.now())
        let request = try database.refundRequest(recorded.id)
        (reserved, answerDue) = (request.hours, request.answerDue)
      }
      Output(global).emit(
        .object([
          "id": .string(recorded.id), "seq": .integer(recorded.seq), "hours": .integer(reserved),
          "answerDue": .string(answerDue),
        ]),
        text:
          "refund request \(recorded.id) for \(reserved) hours recorded at seq \(recorded.seq); the hours are reserved; the institution must answer by \(answerDue)"
      )
    }
  }

  struct Answer: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "answer",
      abstract: "The institution agrees (the refund is executed) or refuses, by the due day.")
    @OptionGroup var global: GlobalOptions
    @Argument var request: String
    @Flag var agree = false
    @Flag var refuse = false
    @Option var reason: String
    func validate() throws {
      guard agree != refuse else { throw ValidationError("give exactly one of --agree or --refuse") }
    }
    func run() throws {
      let outcome =
        global.namesPostgres
        ? try PostgresCommands.answerRefundRequest(request, agree: agree, reason: reason, global)
        : try Environment.open(global).answerRefundRequest(
          request, agree: agree, reason: reason, today: Environment.today())
      Output(global).emit(
        RefundRequestCommand.json(outcome),
        text: RefundRequestCommand.text(
          outcome, what: agree ? "agreed by the institution" : "refused by the institution"))
    }
  }

  struct Escalate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "escalate",
      abstract: "The parent takes a refused application to the regulator as a complaint.")
    @OptionGroup var global: GlobalOptions
    @Argument var request: String
    @Option var reason: String
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.escalateRefundRequest(request, reason: reason, global)
        : try Environment.open(global).escalateRefundRequest(
          request, reason: reason, today: Environment.today())
      Output(global).emit(recorded, what: "escalation to the regulator of refund request")
    }
  }

  struct Decide: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "decide",
      abstract: "The regulator decides an escalated application (agreeing executes the refund).")
    @OptionGroup var global: GlobalOptions
    @Argument var request: String
    @Flag var agree = false
    @Flag var refuse = false
    @Option var reason = "decided by the regulator on the complaint"
    func validate() throws {
      guard agree != refuse else { throw ValidationError("give exactly one of --agree or --refuse") }
    }
    func run() throws {
      let outcome =
        global.namesPostgres
        ? try PostgresCommands.decideRefundRequest(request, agree: agree, reason: reason, global)
        : try Environment.open(global).decideRefundRequest(
          request, agree: agree, reason: reason, today: Environment.today())
      Output(global).emit(
        RefundRequestCommand.json(outcome),
        text: RefundRequestCommand.text(
          outcome, what: agree ? "agreed by the regulator" : "refused by the regulator"))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "One application and its state.")
    @OptionGroup var global: GlobalOptions
    @Argument var request: String
    func run() throws {
      let view = try Environment.open(global).refundRequest(request)
      // Once the regulator (or a closure) answers, the institution's refusal is shown beside it.
      let refusal = view.basis == "institution" ? nil : view.refusedOn.map { ($0, view.refusedReason ?? "") }
      Output(global).emit(
        JSONValue.from(view),
        text: Output.fields(
          [
            ("request", view.id), ("enrollment", view.enrollment),
            ("hours", view.allRemaining ? "\(view.hours) (all remaining)" : String(view.hours)),
            ("reason", view.reason), ("requested at", view.requestedAt), ("answer due", view.answerDue),
            ("status", view.status + (view.basis.map { " (\($0))" } ?? "")),
          ]
            + [
              refusal.map { ("refused by the institution on", $0.0) }, refusal.map { ("refusal", $0.1) },
              view.escalationReason.map { ("escalated", $0) },
              view.answeredOn.map { ("answered on", $0) }, view.answerReason.map { ("answer", $0) },
              view.refund.map { ("refund", $0) },
            ].compactMap { $0 }
            + [("payment route", view.paymentBankRef), ("seq", String(view.seq))]))
    }
  }

  static func json(_ outcome: RefundRequestOutcome) -> JSONValue { outcome.json }

  static func text(_ outcome: RefundRequestOutcome, what: String) -> String {
    var line = "refund request \(outcome.answer.id) \(what) at seq \(outcome.answer.seq)"
    if let refund = outcome.refund {
      line +=
        "; refund \(refund.id) of \(Money.formatYuan(outcome.refundedFen)) yuan executed at seq \(refund.seq), from escrow to the parent by the original payment route (payment \(outcome.paymentBankRef))"
    }
    return line
  }
}

import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

struct RatingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rating", abstract: "Satisfaction ratings (满意度测评) by parents.", subcommands: [Add.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Rate an enrollment's class, once, after at least one confirmed lesson.")
    @OptionGroup var global: GlobalOptions
    @Option var enrollment: String
    @Option(parsing: .unconditional, help: "1 (very dissatisfied) to 5 (very satisfied).") var score: String
    @Option(help: "Kept in the ledger for good: write no names or numbers of people.") var comment: String?
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.addRating(enrollment: enrollment, score: score, comment: comment, global)
        : try Environment.open(global).addRating(
          enrollment: enrollment, score: score, comment: comment, today: Environment.today())
      Output(global).emit(recorded, what: "rating of enrollment")
    }
  }
}

struct ContractCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "contract", abstract: "E-contracts (GF-2021-2604) issued with each payment.",
    subcommands: [Show.self])

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Print the e-contract of an enrollment.")
    @OptionGroup var global: GlobalOptions
    @Argument var enrollment: String
    func run() throws {
      let document = try Environment.open(global).contract(enrollment: enrollment)
      var json = JSONValueCoder.encode(document.terms)
      if case .object(var object) = json {
        object["seq"] = .integer(document.seq)
        object["parentMaskedID"] = .string(document.parentMaskedID)
        object["studentMaskedID"] = .string(document.studentMaskedID)
        object["studentGrade"] = .integer(document.studentGrade)
        if let name = document.parentName { object["parentName"] = .string(name) }
        if let name = document.studentMaskedName { object["studentMaskedName"] = .string(name) }
        json = .object(object)
      }
      Output(global).emit(json, text: ContractText.render(document))
    }
  }
}

extension StudentCommand {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "A student's enrollments (hours bought, taught, pending, refunded) and refund applications.")
    @OptionGroup var global: GlobalOptions
    @Argument var student: String
    func run() throws {
      let history = try Environment.open(global).studentHistory(student)
      Output(global).emit(JSONValue.from(history), text: Self.text(history))
    }

    static func text(_ h: StudentHistory) -> String {
      var out = Output.fields([
        ("student", h.student), ("ID number", h.maskedID), ("grade", String(h.grade)), ("parent", h.parent),
      ])
      out += "\n\nenrollments\n"
      out += Output.table(
        [
          "enrollment", "class", "course", "paid", "bought", "taught", "pending", "refunded", "applied",
          "remaining", "escrow", "rating",
        ],
        h.enrollments.map { e in
          [
            e.enrollment, e.classID, e.courseName, Money.formatYuan(e.amountFen), String(e.hoursBought),
            String(e.hoursTaught), String(e.hoursPending), String(e.hoursRefunded), String(e.hoursReserved),
            String(e.hoursRemaining), Money.formatYuan(e.escrowFen), e.rating.map(String.init) ?? "-",
          ]
        })
      let open = h.refundRequests.filter { $0.status == "open" || $0.status == "escalated" }
      out +=
        open.isEmpty
        ? "\n\nopen refund applications: none" : "\n\nopen refund applications\n" + Self.requestTable(open)
      let closed = h.refundRequests.filter { $0.status == "agreed" || $0.status == "refused" }
      if !closed.isEmpty { out += "\n\nanswered refund applications\n" + Self.requestTable(closed) }
      return out
    }

    static func requestTable(_ requests: [RefundRequestView]) -> String {
      Output.table(
        ["request", "enrollment", "hours", "requested", "due", "status", "refund"],
        requests.map { r in
          [
            r.id, r.enrollment, String(r.hours), String(r.requestedAt.prefix(10)), r.answerDue,
            r.status + (r.status == "escalated" ? "" : r.basis.map { " (\($0))" } ?? ""), r.refund ?? "-",
          ]
        })
    }
  }
}

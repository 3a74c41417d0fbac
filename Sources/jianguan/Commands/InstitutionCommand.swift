import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

struct InstitutionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "institution",
    abstract: "Register, list, show, suspend, reinstate, revoke and close institutions.",
    subcommands: [Register.self, List.self, Show.self, Suspend.self, Reinstate.self, Revoke.self, Close.self])

  struct Register: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "register",
      abstract: "Register a licensed institution (its USCC is its id).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Unified social credit code (GB 32100-2015).") var uscc: String
    @Option var name: String
    @Option(help: "GB/T 2260 code of its county or prefecture.") var region: String
    @Option(help: "subject or non-subject.") var kind: String
    @Option(help: "For non-subject institutions: 体育, 文化艺术, 科技 or 其他.") var category: String?
    @Flag(help: "Non-profit (required of subject-type institutions).") var nonprofit = false
    @Option(help: "School-operation licence number (办学许可证).") var license: String
    @Option(help: "Licence expiry date, YYYY-MM-DD.") var licenseExpires: String
    @Option var escrowBank: String
    @Option var escrowAccount: String
    @Option(help: "escrow or reserve (default: the region's policy).") var mode: String?
    @Option(help: "Accept a USCC whose check character is wrong, recording this reason.")
    var acceptBadChecksum: String?

    func run() throws {
      var form = InstitutionForm()
      form.uscc = uscc
      form.name = name
      form.region = region
      form.kind = kind
      form.category = category
      form.nonprofit = nonprofit
      form.licence = license
      form.licenceExpires = licenseExpires
      form.escrowBank = escrowBank
      form.escrowAccount = escrowAccount
      form.mode = mode
      form.acceptBadChecksum = acceptBadChecksum
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.write(global) {
          try AppDatabase.registerInstitution(
            form, today: try Environment.today(), regions: try Environment.reference().regions, in: $0)
        }
        : try Environment.open(global).registerInstitution(form, today: Environment.today())
      Output(global).emit(recorded, what: "institution")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List institutions.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only those within this region (province, prefecture or county code).") var region: String?
    @Option(help: "active, suspended or revoked.") var status: String?

    func run() throws {
      let found = try Environment.open(global).institutions(region: region, status: status)
      Output(global).emit(
        .object(["institutions": .array(found.map(JSONValue.from))]),
        text: found.isEmpty
          ? "no institutions"
          : Output.table(
            ["USCC", "NAME", "REGION", "KIND", "STATUS"],
            found.map { [$0.uscc, $0.name, $0.region, $0.kind, $0.status] }))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show one institution and its escrow balance.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The institution's USCC.") var uscc: String

    func run() throws {
      let database = try Environment.open(global)
      let found = try database.institution(uscc)
      let balance = try database.balance(.institution(uscc))
      var json = JSONValue.from(found).objectValue!
      json["balance"] = JSONValue.from(balance)
      Output(global).emit(
        .object(json),
        text: Output.fields([
          ("uscc", found.uscc), ("name", found.name), ("region", found.region), ("kind", found.kind),
          ("category", found.category ?? "-"), ("nonprofit", found.nonprofit ? "yes" : "no"),
          ("licence", found.licence), ("licence expires", found.licenceExpires),
          ("escrow", "\(found.escrowBank) \(found.escrowAccount) (\(found.mode))"),
          ("status", found.status + (found.statusReason.map { " (\($0))" } ?? "")),
          ("checksum override", found.checksumOverrideReason ?? "-"),
          (
            "escrow held", "\(Money.formatYuan(balance.escrowFen)) yuan in \(balance.enrollments) enrollments"
          ),
          ("registered at seq", String(found.seq)),
        ]))
    }
  }

  /// Suspends, reinstates or revokes, on a file or on a postgres URL.
  static func changeStatus(
    _ uscc: String, to status: InstitutionStatus, reason: String, _ global: GlobalOptions
  )
    throws -> Recorded
  {
    global.namesPostgres
      ? try PostgresCommands.write(global) {
        try AppDatabase.changeInstitutionStatus(uscc: uscc, to: status, reason: reason, in: $0)
      }
      : try Environment.open(global).changeInstitutionStatus(uscc: uscc, to: status, reason: reason)
  }

  struct Suspend: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "suspend",
      abstract: "Suspend (停业整顿): no payments, no lessons; refunds go on.")
    @OptionGroup var global: GlobalOptions
    @Argument var uscc: String
    @Option var reason: String
    func run() throws {
      let recorded = try InstitutionCommand.changeStatus(uscc, to: .suspended, reason: reason, global)
      Output(global).emit(recorded, what: "suspension of")
    }
  }

  struct Reinstate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reinstate", abstract: "Reinstate a suspended institution.")
    @OptionGroup var global: GlobalOptions
    @Argument var uscc: String
    @Option var reason: String
    func run() throws {
      let recorded = try InstitutionCommand.changeStatus(uscc, to: .reinstated, reason: reason, global)
      Output(global).emit(recorded, what: "reinstatement of")
    }
  }

  struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "revoke",
      abstract: "Revoke (取缔/注销); refused while any enrollment holds escrow.")
    @OptionGroup var global: GlobalOptions
    @Argument var uscc: String
    @Option var reason: String
    func run() throws {
      let recorded = try InstitutionCommand.changeStatus(uscc, to: .revoked, reason: reason, global)
      Output(global).emit(recorded, what: "revocation of")
    }
  }

  struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "close",
      abstract: "Refund every enrollment's remaining escrow and revoke, in one transaction.")
    @OptionGroup var global: GlobalOptions
    @Argument var uscc: String
    @Option var reason: String
    @Option(help: "Refund bank references are PREFIX-ENROLLMENT.") var bankRefPrefix: String
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.closeInstitution(
          uscc: uscc, reason: reason, bankRefPrefix: bankRefPrefix, global)
        : try Environment.open(global).closeInstitution(
          uscc: uscc, reason: reason, bankRefPrefix: bankRefPrefix)
      let last = recorded.last!
      Output(global).emit(
        .object([
          "id": .string(uscc), "seq": .integer(last.seq), "entries": .array(recorded.map(Output.json)),
        ]),
        text: (recorded.dropLast().map { "  \($0.id) at seq \($0.seq)" }
          + ["institution \(uscc) closed and revoked at seq \(last.seq)"]).joined(separator: "\n"))
    }
  }
}

import ArgumentParser
import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore

/// Credentials of the platform service (`jianguan serve`): issued and revoked by the bureau, each
/// an entry of the log. A token is shown once, when issued; the database keeps only its hash.
struct CredentialCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "credential",
    abstract: "Issue, list and revoke the credentials the platform service admits.",
    subcommands: [Issue.self, List.self, Revoke.self])

  struct Issue: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "issue",
      abstract: "Issue a credential; its token is printed once and stored nowhere.",
      discussion: """
        Roles: regulator (everything in the bureau), institution (--institution USCC: its own records),
        parent (--parent P1: their children's enrollments), bank (--bank NAME: payments and refunds of
        the escrow accounts it holds), auditor (read-only: the log, proofs, checkpoints, reports).
        Requests carry the token as `Authorization: Bearer TOKEN`.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "regulator, institution, parent, bank or auditor.") var role: String
    @Option(help: "The institution's USCC (role institution).") var institution: String?
    @Option(help: "The parent's id, P1 (role parent).") var parent: String?
    @Option(help: "The escrow bank's name, as the institutions name it (role bank).") var bank: String?

    func run() throws {
      let role = try CredentialRole.parse(role)
      let issued =
        global.namesPostgres
        ? try PostgresCommands.issueCredential(
          role: role, institution: institution, parent: parent, bank: bank, global)
        : try Environment.open(global).issueCredential(
          role: role, institution: institution, parent: parent, bank: bank)
      let principal = issued.principal
      Output(global).emit(
        .object(
          [
            "id": .string(principal.credential), "seq": .integer(issued.seq), "role": .string(role.rawValue),
            "token": .string(issued.token),
          ].merging(CredentialCommand.scope(principal)) { first, _ in first }),
        text: """
          credential \(principal.credential) issued at seq \(issued.seq): \(CredentialCommand.describe(principal))
          token (shown once; keep it secret, it is stored only as a hash):
          \(issued.token)
          """)
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "Every credential issued, its scope and whether it is revoked (never a token).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let records =
        global.namesPostgres
        ? try PostgresCommands.credentials(global) : try Environment.open(global).credentials()
      Output(global).emit(
        .object([
          "credentials": .array(
            records.map { record in
              var object: [String: JSONValue] = [
                "id": .string(record.principal.credential), "role": .string(record.principal.role.rawValue),
                "seq": .integer(record.seq),
              ].merging(CredentialCommand.scope(record.principal)) { first, _ in first }
              if let revoked = record.revokedSeq {
                object["revokedSeq"] = .integer(revoked)
                object["revokedReason"] = .string(record.revokedReason ?? "")
              }
              return .object(object)
            })
        ]),
        text: Output.table(
          ["ID", "ROLE", "SCOPE", "ISSUED", "STATE"],
          records.map { record in
            [
              record.principal.credential, record.principal.role.rawValue,
              CredentialCommand.scopeText(record.principal), "seq \(record.seq)",
              record.revokedSeq.map { "revoked at seq \($0): \(record.revokedReason ?? "")" } ?? "active",
            ]
          }))
    }
  }

  struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "revoke", abstract: "Revoke a credential: its token admits nothing from now on.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The credential's id, C1.") var id: String
    @Option(help: "Why (recorded in the log; no personal data).") var reason: String

    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.revokeCredential(id, reason: reason, global)
        : try Environment.open(global).revokeCredential(id, reason: reason)
      Output(global).emit(
        Output.json(recorded), text: "credential \(recorded.id) revoked at seq \(recorded.seq)")
    }
  }

  static func scope(_ principal: Principal) -> [String: JSONValue] {
    var object: [String: JSONValue] = [:]
    if let value = principal.institution { object["institution"] = .string(value) }
    if let value = principal.parent { object["parent"] = .string(value) }
    if let value = principal.bank { object["bank"] = .string(value) }
    return object
  }

  static func scopeText(_ principal: Principal) -> String {
    principal.institution ?? principal.parent ?? principal.bank ?? "(the bureau)"
  }

  static func describe(_ principal: Principal) -> String {
    switch principal.role {
    case .regulator: "regulator of the bureau"
    case .auditor: "auditor (read-only)"
    case .institution: "institution \(principal.institution ?? "")"
    case .parent: "parent \(principal.parent ?? "")"
    case .bank: "bank \(Rejection.quote(principal.bank ?? ""))"
    }
  }
}

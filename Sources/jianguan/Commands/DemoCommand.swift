import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore

/// Builds a bureau's registry and runs a term of money in `jianguan-demo.sqlite`, through the same
/// operations the other commands use, then audits it.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract:
      "Build a demo registry and a term of payments, lessons and refunds in jianguan-demo.sqlite, then audit."
  )

  @Option(help: "The demo database (replaced on each run; never your own database).")
  var db = "jianguan-demo.sqlite"

  func run() throws {
    guard db.hasSuffix("-demo.sqlite") else {
      throw ValidationError(
        "the demo only writes a file whose name ends in -demo.sqlite, so it never replaces a real database")
    }
    for suffix in ["", ".key", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
    let reference = try Environment.reference()
    let clock = SettableClock("2026-02-10T09:00")
    let (database, genesis) = try AppDatabase.create(
      path: db, keyPath: db + ".key", authority: "“双减”工作专门协调机制办公室（演示）", region: "110000",
      reference: reference, clock: clock.reading)
    var script = DemoScript(database: database, reference: reference, clock: clock)
    say("created \(db) (genesis at seq \(genesis.seq)) and its key file \(db).key")
    try script.buildRegistry()
    try script.runTerm()
    try script.superviseScene()
    try script.runParentFlows()
    let report = try database.audit()
    say("")
    say(
      "audit \(report.ok ? "ok" : "FAILED"): \(report.entries) entries, Merkle root \(Hex.encode(report.rootHash))"
    )
    for fault in report.faults { say("  FAULT \(fault)") }
    say("")
    say("balances per institution (yuan):")
    var rows: [[String]] = []
    for institution in try database.institutions(region: nil, status: nil) {
      let balance = try database.balance(.institution(institution.uscc))
      rows.append([
        institution.name, institution.status, Money.formatYuan(balance.paidFen),
        Money.formatYuan(balance.releasedFen),
        Money.formatYuan(balance.refundedFen), Money.formatYuan(balance.escrowFen),
      ])
    }
    say(Output.table(["INSTITUTION", "STATUS", "PAID", "RELEASED", "REFUNDED", "ESCROW"], rows))
    let total = try database.balance(.all)
    say("")
    say(BalanceCommand.text(total))
    say("")
    let command = "\(Self.invocation(CommandLine.arguments[0])) --db \(Self.shellQuoted(db))"
    say("try next, on the demo database:")
    for hint in [
      "institution list", "balance --all --format json", "ledger list --from 1 --limit 20", "class show B1",
      "lesson list --status pending", "enrollment show E1", "contract show E1", "student show S1",
      "report ratings --institution \(script.institutions[0])", "audit",
      "report bulletin --date 2023-01-12 --issue 8 --serial 346", "report risk --as-of 2026-04-10",
    ] {
      say("  \(command) \(hint)")
    }
    if !report.ok { throw AuditFailed() }
  }

  func say(_ line: String) { print(line) }

  /// The command as it was run: `swift run jianguan` when `swift run` started it (it starts
  /// `.build/<target triple>/<configuration>/jianguan`), else the path as typed.
  static func invocation(_ argumentZero: String) -> String {
    let parts = argumentZero.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count >= 4, parts[parts.count - 4] == ".build", parts[parts.count - 3].contains("-"),
      ["debug", "release"].contains(parts[parts.count - 2])
    {
      return "swift run jianguan"
    }
    return shellQuoted(argumentZero)
  }

  /// `text` as one shell word.
  static func shellQuoted(_ text: String) -> String {
    let plain = text.unicodeScalars.allSatisfy {
      CharacterSet.alphanumerics.contains($0) || "/._-+:@%=,".unicodeScalars.contains($0)
    }
    return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

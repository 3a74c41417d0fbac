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
    say(
      """
      try next, on the demo database:
        swift run jianguan --db \(db) institution list
        swift run jianguan --db \(db) balance --all --format json
        swift run jianguan --db \(db) ledger list --from 1 --limit 20
        swift run jianguan --db \(db) contract show E1
        swift run jianguan --db \(db) student show S1
        swift run jianguan --db \(db) report ratings --institution \(script.institutions[0])
        swift run jianguan --db \(db) audit
        swift run jianguan report bulletin --db \(db) --date 2023-01-12 --issue 8 --serial 346
        swift run jianguan report risk --db \(db) --as-of 2026-04-10
      """)
    if !report.ok { throw AuditFailed() }
  }

  func say(_ line: String) { print(line) }
}

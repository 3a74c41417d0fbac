import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new database and its personal-data key file; never touches an existing one.")

  @OptionGroup var global: GlobalOptions
  @Option(help: "The supervising authority (e.g. 合肥市教育局).") var authority = "教育局"
  @Option(help: "The authority's GB/T 2260 region code (required: a bureau's ledger is for its region).")
  var region: String
  @Option(help: "The log's origin line in checkpoints (default jianguan.<region>.example/ledger).")
  var origin: String?
  @Option(
    help: "With a postgres:// --db: where to write the personal-data key (default: jianguan-REGION.key here)."
  )
  var key: String?

  func run() throws {
    if global.namesPostgres { return try PostgresCommands.initialize(self) }
    try PostgresCommands.refuseKeyOption(key, global)
    let (database, recorded) = try AppDatabase.create(
      path: global.databasePath, keyPath: global.keyPath, authority: authority, region: region,
      origin: origin, reference: Environment.reference(), clock: Environment.clock())
    let logOrigin = try database.identity().origin
    Output(global).emit(
      .object([
        "id": .string(recorded.id), "seq": .integer(recorded.seq), "database": .string(global.databasePath),
        "keyFile": .string(global.keyPath), "origin": .string(logOrigin),
      ]),
      text: """
        created \(global.databasePath) for \(authority) (region \(recorded.id)); genesis entry at seq \(recorded.seq)
        checkpoint origin: \(logOrigin)
        personal-data key: \(global.keyPath) (mode 0600; keep it apart from the database and back it up)
        """)
  }
}

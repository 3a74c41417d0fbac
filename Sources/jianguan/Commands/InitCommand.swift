import ArgumentParser
import JianguanLedger
import JianguanStore

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new database and its personal-data key file; never touches an existing one.")

  @OptionGroup var global: GlobalOptions
  @Option(help: "The supervising authority (e.g. 合肥市教育局).") var authority = "教育局"
  @Option(help: "The authority's GB/T 2260 region code.") var region = "340100"

  func run() throws {
    let (_, recorded) = try AppDatabase.create(
      path: global.databasePath, keyPath: global.keyPath, authority: authority, region: region,
      reference: Environment.reference(), clock: Environment.clock())
    Output(global).emit(
      .object([
        "id": .string(recorded.id), "seq": .integer(recorded.seq), "database": .string(global.databasePath),
        "keyFile": .string(global.keyPath),
      ]),
      text: """
        created \(global.databasePath) for \(authority) (region \(recorded.id)); genesis entry at seq \(recorded.seq)
        personal-data key: \(global.keyPath) (mode 0600; keep it apart from the database and back it up)
        """)
  }
}

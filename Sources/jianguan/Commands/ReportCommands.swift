import ArgumentParser
import JianguanCore
import JianguanStore

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Reports drawn from the ledger.",
    subcommands: [RatingsReportCommand.self])
}

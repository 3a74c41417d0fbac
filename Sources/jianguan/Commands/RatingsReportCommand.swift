import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

/// `report ratings`: an institution's satisfaction ratings (满意度测评).
struct RatingsReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ratings", abstract: "Count, average, distribution and comments of an institution's ratings."
  )
  @OptionGroup var global: GlobalOptions
  @Option var institution: String

  func run() throws {
    let report =
      global.namesPostgres
      ? try PostgresCommands.ratingsReport(institution: institution, global)
      : try Environment.open(global).ratingsReport(institution: institution)
    var json = JSONValue.from(report)
    if case .object(var object) = json {
      object["average"] = .string(report.averageText)
      json = .object(object)
    }
    Output(global).emit(json, text: Self.text(report))
  }

  static func text(_ r: RatingsReport) -> String {
    let average = r.count == 0 ? "-" : "\(r.averageText) (\(r.scoreSum)/\(r.count))"
    var out = Output.fields([
      ("institution", "\(r.name) (\(r.institution))"), ("ratings", String(r.count)), ("average", average),
      (
        "distribution",
        (1...5).map { "\($0)★ \(r.distribution[$0 - 1])" }.joined(separator: "  ")
      ),
    ])
    let comments = r.ratings.filter { $0.comment != nil }
    if !comments.isEmpty {
      out += "\n\ncomments\n"
      out += Output.table(
        ["enrollment", "score", "on", "comment"],
        comments.map { [$0.enrollment, String($0.score), $0.on, $0.comment ?? ""] })
    }
    return out
  }
}

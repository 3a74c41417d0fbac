import ArgumentParser
import Foundation
import JianguanCore
import JianguanStore

/// The working-day calendar the ledger holds: every rule that counts working days uses it.
struct CalendarCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calendar",
    abstract:
      "The working-day calendar in the ledger: import a year of the State Council's arrangement, list the years.",
    subcommands: [Import.self, List.self])

  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract:
        "Load years of holidays and adjusted working days (format of Data/calendar.csv) into the ledger, one entry per year."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(
      help: "The CSV file: '# covered-years: YYYY-YYYY', then date,kind,name rows (kind holiday or workday).")
    var file: String

    func run() throws {
      guard let data = FileManager.default.contents(atPath: file),
        data.count <= WorkingDayCalendar.maxCSVBytes,
        let text = String(data: data, encoding: .utf8)
      else {
        throw Rejection(
          "calendar_file_unreadable",
          "file \(Rejection.quote(file)) cannot be read as UTF-8 text of at most \(WorkingDayCalendar.maxCSVBytes) bytes"
        )
      }
      let recorded = try Environment.open(global).importCalendar(csv: text, file: file)
      Output(global).emit(
        .object(["file": .string(file), "years": .array(recorded.map(Output.json))]),
        text: recorded.map { year in
          year.repeated
            ? "calendar year \(year.id) was already loaded at seq \(year.seq) (same days; nothing new written)"
            : "calendar year \(year.id) loaded at seq \(year.seq)"
        }.joined(separator: "\n"))
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "The calendar years the ledger holds, with their entries.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let years = try Environment.open(global).calendarYears()
      Output(global).emit(
        .object([
          "years": .array(
            years.map { year in
              .object([
                "year": .integer(Int64(year.year)), "seq": .integer(year.seq),
                "weekdaysOff": .integer(Int64(year.weekdaysOff)),
                "weekendsWorked": .integer(Int64(year.weekendsWorked)),
              ])
            })
        ]),
        text: Output.table(
          ["YEAR", "SEQ", "WEEKDAYS OFF", "WEEKENDS WORKED"],
          years.map { ["\($0.year)", "\($0.seq)", "\($0.weekdaysOff)", "\($0.weekendsWorked)"] }))
    }
  }
}

import ArgumentParser
import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore

/// The policy book the ledger holds: every rule applies the values of the last one loaded.
struct PolicyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy",
    abstract:
      "The policy values in the ledger: import a new policy book, show the one in force, list them all.",
    subcommands: [Import.self, Show.self, List.self])

  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract:
        "Load a policy book (a file shaped like Data/policy.json) into the ledger; the rules apply it from then on."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The JSON file: {\"version\": 1, \"defaults\": {…}, \"regions\": {…}}.") var file: String

    func run() throws {
      guard let data = FileManager.default.contents(atPath: file), data.count <= PolicyBook.maxBytes,
        let text = String(data: data, encoding: .utf8)
      else {
        throw Rejection(
          "policy_file_unreadable",
          "file \(Rejection.quote(file)) cannot be read as UTF-8 text of at most \(PolicyBook.maxBytes) bytes"
        )
      }
      let recorded = try Environment.open(global).importPolicy(document: text, file: file)
      Output(global).emit(
        Output.json(recorded),
        text: recorded.repeated
          ? "the policy book in force since seq \(recorded.seq) has the same text; nothing new written"
          : "policy book loaded at seq \(recorded.seq); the rules apply it from now on")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Print the policy book in force, as it was loaded.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      guard let book = try Environment.open(global).policyBooks().last else {
        throw LedgerPolicy.notLoaded
      }
      Output(global).emit(
        .object(["seq": .integer(book.seq), "document": .string(book.document)]),
        text: "policy book in force since seq \(book.seq):\n\(book.document)")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "The policy books the ledger has held, with their entries.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let books = try Environment.open(global).policyBooks()
      Output(global).emit(
        .object([
          "books": .array(
            books.map {
              .object(["seq": .integer($0.seq), "bytes": .integer(Int64($0.document.utf8.count))])
            })
        ]),
        text: Output.table(["SEQ", "BYTES"], books.map { ["\($0.seq)", "\($0.document.utf8.count)"] }))
    }
  }
}

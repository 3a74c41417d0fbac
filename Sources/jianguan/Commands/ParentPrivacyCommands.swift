import ArgumentParser
import JianguanCore
import JianguanLedger
import JianguanStore

extension ParentCommand {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show a parent and their children: ID numbers and phone masked; (erased) after an erasure.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The parent id (P1).") var parent: String
    func run() throws {
      let view = try Environment.open(global).parentView(parent)
      let sealedText = "(key file missing)"
      let children: [JSONValue] = view.children.map { child in
        .object([
          "id": .string(child.id), "maskedID": .string(child.maskedID),
          "name": .string(child.name ?? sealedText),
          "grade": .integer(child.grade),
        ])
      }
      var json: [String: JSONValue] = [
        "id": .string(view.id), "seq": .integer(view.seq), "maskedID": .string(view.maskedID),
        "name": .string(view.name ?? sealedText), "phone": .string(view.maskedPhone ?? sealedText),
        "children": .array(children),
      ]
      if let erased = view.erasedSeq { json["erasedSeq"] = .integer(erased) }
      var pairs: [(String, String)] = [
        ("parent", view.id), ("registered at seq", "\(view.seq)"), ("name", view.name ?? sealedText),
        ("id number", view.maskedID), ("phone", view.maskedPhone ?? sealedText),
      ]
      if let erased = view.erasedSeq { pairs.append(("erased at seq", "\(erased)")) }
      for child in view.children {
        pairs.append(
          ("child \(child.id)", "\(child.name ?? sealedText)  \(child.maskedID)  grade \(child.grade)"))
      }
      Output(global).emit(.object(json), text: Output.fields(pairs))
    }
  }

  struct Erase: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "erase",
      abstract:
        "Erase a parent's and their children's personal data (right to erasure); the ledger keeps verifying.",
      discussion: """
        Removes the sealed names, ID numbers and phone numbers from the database and appends a \
        parent.erased entry naming only the parent and the reason. The commitments, the money and \
        the chain stay; the same ID number can then be registered again (a new commitment). \
        Backups made before the erasure still hold the sealed data: they are protected by the key file.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The parent id (P1).") var parent: String
    @Option(help: "Why the data is erased (recorded in the ledger; no names or numbers).") var reason: String?
    @Flag(name: .customLong("yes-erase"), help: "Confirm: the erasure cannot be undone.") var yesErase = false
    func run() throws {
      let recorded =
        global.namesPostgres
        ? try PostgresCommands.eraseParent(parent, reason: reason, confirmed: yesErase, global)
        : try Environment.open(global).eraseParent(parent, reason: reason, confirmed: yesErase)
      Output(global).emit(
        Output.json(recorded),
        text:
          "personal data of parent \(recorded.id) and their children erased; parent.erased recorded at seq \(recorded.seq)"
      )
    }
  }
}

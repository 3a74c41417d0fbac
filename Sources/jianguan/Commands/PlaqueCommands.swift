import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanPlaque
import JianguanStore

/// The compliance plaque (合规码牌): an institution's status signed with the log's checkpoint key,
/// printed as a page with its QR code, and checked offline from the decoded QR text.
struct PlaqueCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plaque", abstract: "Compliance plaques (合规码牌): signed status statements in a QR code.",
    subcommands: [Issue.self, Verify.self])

  struct Issue: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "issue",
      abstract:
        "Sign an institution's plaque statement; print it, or write the printable page or its QR code.",
      discussion: """
        Writes nothing to the log: a plaque is a signed view of the registry at the log's current \
        size. --out FILE.html writes the printable page (A5), FILE.svg the QR code alone, FILE.txt \
        the signed statement; without --out the statement is printed.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The institution's credit code (USCC).") var uscc: String
    @Option(help: "The log's checkpoint private key file (the key `checkpoint sign` uses).") var key: String
    @Option(help: "Write the plaque to FILE.html, FILE.svg or FILE.txt instead of printing the statement.")
    var out: String?

    enum Kind: String { case html, svg, txt }

    func run() throws {
      let kind = try out.map(Self.kind)
      let signer = try TextFile.signer(key)
      let plaque = try Environment.open(global).plaque(uscc: uscc, signer: signer)
      guard let out, let kind else {
        switch global.format {
        case .table: try StandardOutput.write(Data(plaque.note.utf8))
        case .json: print(PlaqueCommand.json(plaque).canonicalText)
        }
        return
      }
      let text: String
      switch kind {
      case .html: text = try PlaquePage.html(plaque)
      case .svg: text = try PlaquePage.svg(plaque)
      case .txt: text = plaque.note
      }
      guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else {
        throw EnvironmentFailure("output_unwritable", "out \(Rejection.quote(out)) cannot be written")
      }
      let statement = plaque.statement
      Output(global).emit(
        .object(["file": .string(out), "plaque": PlaqueCommand.json(plaque)]),
        text:
          "wrote \(out): the plaque of \(statement.uscc) (\(statement.status.rawValue) on \(statement.date), tree size \(statement.treeSize))"
      )
    }

    static func kind(_ path: String) throws -> Kind {
      let suffix = URL(fileURLWithPath: path).pathExtension.lowercased()
      guard let kind = Kind(rawValue: suffix) else {
        throw Rejection(
          "plaque_out_extension", "out \(Rejection.quote(path)) must end in .html, .svg or .txt")
      }
      return kind
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify",
      abstract: "Check a decoded plaque (the QR code's text) offline against the log's public key.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A file holding the QR code's text, exactly as decoded.") var file: String
    @Option(help: "The log's public (verifier) key file.") var pub: String

    func run() throws {
      let verifier = try TextFile.verifier(pub)
      let note = try TextFile.read(file, field: "plaque", maxBytes: PlaqueStatement.maxTextBytes * 2)
      let plaque = try SignedPlaque.open(note, verifier: verifier)
      let statement = plaque.statement
      Output(global).emit(
        .object([
          "ok": .bool(true), "signedBy": .string(verifier.keyID), "plaque": PlaqueCommand.json(plaque),
        ]),
        text: "plaque ok: signed by \(verifier.keyID)\n"
          + Output.fields(
            [
              ("origin", statement.origin), ("name", statement.name),
              ("uscc", statement.uscc + (statement.usccChecksumOverride ? " (checksum override)" : "")),
              ("licence", statement.licence), ("bank", statement.escrowBank),
              ("account", statement.escrowAccount), ("status", statement.status.rawValue),
              ("date", statement.date.description), ("size", String(statement.treeSize)),
              ("root", Hex.encode(statement.rootHash)),
            ]))
    }
  }

  static func json(_ plaque: SignedPlaque) -> JSONValue {
    let statement = plaque.statement
    return .object([
      "origin": .string(statement.origin), "name": .string(statement.name), "uscc": .string(statement.uscc),
      "usccChecksumOverride": .bool(statement.usccChecksumOverride), "licence": .string(statement.licence),
      "escrowBank": .string(statement.escrowBank), "escrowAccount": .string(statement.escrowAccount),
      "status": .string(statement.status.rawValue), "date": .string(statement.date.description),
      "size": .integer(statement.treeSize), "rootHash": .string(Hex.encode(statement.rootHash)),
      "note": .string(plaque.note),
    ])
  }
}

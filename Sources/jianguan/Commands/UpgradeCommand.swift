import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanStore

struct UpgradeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "upgrade",
    abstract: "Convert a version 1 database (JSON entries) into a new version 2 database (CBOR entries).",
    discussion: """
      Never changes --from and never overwrites a file. Audits the version 1 ledger first (refused \
      if the audit fails), writes every entry again as version 2 with the same seq, kind, time and \
      payload under a genesis that records the old log's size, Merkle root and head hash, rebuilds \
      every table, carries the sealed personal data and copies the key file (FROM.key to TO.key), \
      audits the new ledger, and only then renames it into place.
      """)
  @OptionGroup var global: GlobalOptions
  @Option(help: "The version 1 database to convert (read only).") var from: String
  @Option(help: "The new database to write; it must not exist.") var to: String

  func run() throws {
    let report = try AppDatabase.upgrade(
      from: from, oldKeyPath: from + ".key", to: to, newKeyPath: to + ".key",
      reference: try Environment.reference())
    let (v1Root, v2Root, v1Head) = (
      Hex.encode(report.v1Root), Hex.encode(report.v2Root), Hex.encode(report.v1Head)
    )
    Output(global).emit(
      .object([
        "path": .string(report.path), "entries": .integer(report.entries), "v1Root": .string(v1Root),
        "v1Head": .string(v1Head), "v2Root": .string(v2Root), "audit": .string("ok"),
      ]),
      text: """
        upgraded \(from) to \(report.path): \(report.entries) entries, its audit passed
        version 1 Merkle root \(v1Root) (recorded in the new genesis with head hash \(v1Head))
        version 2 Merkle root \(v2Root)
        """)
  }
}

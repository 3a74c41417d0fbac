import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore

struct BackupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Copy the database online (SQLite backup API) while writers run, and audit the copy.",
    discussion: """
      Never overwrites a file. The copy gets its name only after a full audit of it passes \
      (exit 3 otherwise, and no file is left). The personal-data key file is NOT copied: it is a \
      secret, kept and backed up apart, so that a lost backup holds no readable personal data.
      """)
  @OptionGroup var global: GlobalOptions
  @Option(help: "The new file to write.") var to: String

  func run() throws {
    let report: BackupReport
    do {
      report = try Environment.open(global).backup(to: to)
    } catch let failure as BackupVerificationFailed {
      printFaults(failure.audit, verdict: "backup refused: the copy did not pass its audit; no file written")
      throw AuditFailed()
    }
    let root = Hex.encode(report.audit.rootHash)
    Output(global).emit(
      .object([
        "path": .string(report.path), "bytes": .integer(report.bytes),
        "entries": .integer(report.audit.entries),
        "rootHash": .string(root), "audit": .string("ok"), "keyFileCopied": .bool(false),
      ]),
      text: """
        backup \(report.path): \(report.bytes) bytes, \(report.audit.entries) entries, Merkle root \(root); its audit passed
        the key file \(global.keyPath) was not copied: back it up apart (without it the copy's personal data cannot be read)
        """)
  }
}

struct RestoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Put a backup in place as --db, only if a full audit of it passes.",
    discussion: """
      Refuses a copy whose audit finds any fault (exit 3; nothing changed), a file that is not a \
      Jianguan database (exit 1), and an existing database unless --replace is given. Stop the \
      writers of --db before replacing it. The key file is not touched.
      """)
  @OptionGroup var global: GlobalOptions
  @Option(help: "The backup file to restore.") var from: String
  @Flag(help: "Replace an existing database at --db.") var replace = false

  func run() throws {
    let report: RestoreReport
    do {
      report = try AppDatabase.restore(
        from: from, to: global.databasePath, keyPath: global.keyPath, replace: replace,
        reference: Environment.reference())
    } catch let failure as BackupVerificationFailed {
      printFaults(failure.audit, verdict: "restore refused: the copy did not pass its audit; nothing changed")
      throw AuditFailed()
    }
    let root = Hex.encode(report.audit.rootHash)
    let keyLine =
      switch report.keyOpensPersonalData {
      case true: "the key file \(global.keyPath) opens its personal data"
      case false:
        "WARNING: the key file \(global.keyPath) does not open its personal data (missing or another key)"
      case nil: "it holds no sealed personal data"
      }
    Output(global).emit(
      .object([
        "path": .string(report.path), "entries": .integer(report.audit.entries), "rootHash": .string(root),
        "audit": .string("ok"),
        "keyOpensPersonalData": report.keyOpensPersonalData.map(JSONValue.bool)
          ?? .string("no personal data"),
      ]),
      text: """
        restored \(report.path) from \(from): \(report.audit.entries) entries, Merkle root \(root); its audit passed
        \(keyLine)
        """)
  }
}

/// Prints an audit's faults on stderr, after a one-line verdict.
func printFaults(_ audit: AuditReport, verdict: String) {
  let lines = [verdict] + audit.faults.prefix(50).map { "FAULT \($0)" }
  FileHandle.standardError.write(
    Data(("jianguan: " + lines.map(Output.safe).joined(separator: "\n") + "\n").utf8))
}

import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanPostgres
import JianguanStore

/// `jianguan`: the registry of licensed off-campus training institutions and the hash-chained,
/// Merkle-provable ledger of the parents' money they hold in escrow.
@main
struct Jianguan: ParsableCommand {
  /// The tool's release; `--version` prints it with the ledger format it writes.
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "jianguan",
    abstract: "Supervise off-campus training institutions and the escrow of parents' prepaid fees.",
    discussion: """
      Exit status: 0 done; 1 request refused (bad input or a rule; nothing written); \
      2 database or environment failure (nothing written); 3 audit found faults; 64 usage error.
      """,
    version: "jianguan \(version) (ledger format version \(Entry.formatVersion))",
    subcommands: [
      InitCommand.self, InstitutionCommand.self, VenueCommand.self, TeacherCommand.self, CourseCommand.self,
      ClassCommand.self, ParentCommand.self, StudentCommand.self, PayCommand.self, EnrollmentCommand.self,
      LessonCommand.self, SettleCommand.self, CalendarCommand.self, PolicyCommand.self, RefundCommand.self,
      RefundRequestCommand.self, RatingCommand.self,
      ContractCommand.self, BackupCommand.self, RestoreCommand.self, UpgradeCommand.self,
      BalanceCommand.self, LedgerCommand.self, AuditCommand.self, ImportCommand.self, KeyCommand.self,
      CheckpointCommand.self, CredentialCommand.self, ProofCommand.self, ReceiptCommand.self,
      PlaqueCommand.self, ActionCommand.self, MeasureCommand.self, BenchmarkCommand.self,
      FindingCommand.self, ComplaintCommand.self, ReportCommand.self, DemoCommand.self, ServeCommand.self,
      CopyCommand.self,
    ])

  /// Exit statuses, documented in the README.
  enum Status: Int32 {
    case refused = 1
    case failure = 2
    case auditFaults = 3
  }

  static func main() {
    // One behaviour whichever store a command opens (PostgresNIO ignores SIGPIPE when it starts):
    // a write to a pipe whose reader has gone fails with EPIPE, and `StandardOutput` ends quietly.
    signal(SIGPIPE, SIG_IGN)
    let arguments = movingLeadingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
    var format = OutputFormat.table
    if let index = arguments.firstIndex(of: "--format"), index + 1 < arguments.count,
      let value = OutputFormat(rawValue: arguments[index + 1])
    {
      format = value
    } else if let option = arguments.first(where: { $0.hasPrefix("--format=") }),
      let value = OutputFormat(rawValue: String(option.dropFirst("--format=".count)))
    {
      format = value
    }
    do {
      var command = try parse(arguments)
      try PostgresCommands.refuseFileOnly(command)
      try command.run()
    } catch let rejection as Rejection {
      fail(code: rejection.code, message: rejection.message, status: .refused, format: format)
    } catch let error as StoreError {
      fail(code: error.code, message: error.message, status: .failure, format: format)
    } catch let error as MerkleError {
      fail(code: error.code.rawValue, message: error.message, status: .refused, format: format)
    } catch let error as NoteError {
      fail(code: error.code.rawValue, message: error.message, status: .refused, format: format)
    } catch let error as CheckpointError {
      fail(code: error.code.rawValue, message: error.message, status: .refused, format: format)
    } catch let error as Receipt.Failure {
      fail(code: error.code, message: error.message, status: .refused, format: format)
    } catch let error as CryptoError {
      fail(code: error.code.rawValue, message: error.message, status: .refused, format: format)
    } catch let error as any StoreFailure {
      // StoreError, PostgresStoreError, a cache that no longer matches its bureau's log.
      fail(code: error.code, message: error.message, status: .failure, format: format)
    } catch let error as EnvironmentFailure {
      fail(code: error.code, message: error.message, status: .failure, format: format)
    } catch let exit as AuditFailed {
      Foundation.exit(exit.status)
    } catch {
      // A usage error (64): with --format json it is one JSON object on stdout too.
      let status = exitCode(for: error).rawValue
      if format == .json, status != 0 {
        print(
          JSONValue.object([
            "error": .object([
              "code": .string(status == 64 ? "usage" : "failure"), "message": .string(message(for: error)),
            ])
          ]).canonicalText)
      }
      self.exit(withError: error)
    }
  }

  /// Top-level commands parsed on their own when their arguments parse: the whole parser first
  /// builds the tree of all commands, and the Swift runtime's scans of this large binary's
  /// conformance records for their types cost a short command about a millisecond. Arguments such
  /// a command does not accept (help, a usage error) go through the whole parser, as before, so
  /// every message is the same.
  static let parsedAlone: [String: any ParsableCommand.Type] = ["pay": PayCommand.self]

  static func parse(_ arguments: [String]) throws -> any ParsableCommand {
    // A request for help parses too, as the parser's own help command: only the command itself
    // is taken.
    if let name = arguments.first, let type = parsedAlone[name],
      let command = try? type.parseAsRoot(Array(arguments.dropFirst())),
      ObjectIdentifier(Swift.type(of: command)) == ObjectIdentifier(type)
    {
      return command
    }
    return try parseAsRoot(arguments)
  }

  /// `jianguan --db X --format json institution list` reads as it is written: global options
  /// given before the subcommand are moved after it, where the subcommand parses them.
  static func movingLeadingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument.hasPrefix("--db=") || argument.hasPrefix("--format=") {
        leading.append(argument)
        index += 1
      } else if (argument == "--db" || argument == "--format") && index + 1 < arguments.count {
        leading += [argument, arguments[index + 1]]
        index += 2
      } else {
        break
      }
    }
    return Array(arguments[index...]) + leading
  }

  static func fail(code: String, message: String, status: Status, format: OutputFormat) -> Never {
    if format == .json {
      print(
        JSONValue.object(["error": .object(["code": .string(code), "message": .string(message)])])
          .canonicalText)
    }
    FileHandle.standardError.write(Data("jianguan: \(Output.safe(message))\n".utf8))
    Foundation.exit(status.rawValue)
  }
}

/// Thrown after an audit that found faults has printed them: ends with status 3.
struct AuditFailed: Error {
  let status: Int32 = Jianguan.Status.auditFaults.rawValue
}

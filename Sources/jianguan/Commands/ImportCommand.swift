import ArgumentParser
import Foundation
import JianguanCore
import JianguanLedger
import JianguanStore

/// The records of a CSV file or stdin, read in chunks so that a file of millions of rows streams.
struct CSVFileRecords: Sequence, IteratorProtocol {
  let handle: FileHandle
  var reader = CSVRecordReader()
  var pending: [CSVRecordReader.Record] = []
  var pendingIndex = 0
  var finished = false
  /// A malformed file stops the import: the error is kept and rethrown by `check()`.
  var failure: Rejection?
  /// Set for a file that is not UTF-8 (`--encoding gb18030`).
  let decoder: GB18030Decoder?

  init(path: String, encoding: FileEncoding = .utf8) throws {
    decoder = encoding == .gb18030 ? try GB18030Decoder() : nil
    if path == "-" {
      handle = FileHandle.standardInput
    } else {
      guard let handle = FileHandle(forReadingAtPath: path) else {
        throw Rejection(
          "import_file_unreadable", "file \(Rejection.quote(path)) cannot be read (missing or not permitted)")
      }
      self.handle = handle
    }
  }

  mutating func next() -> CSVRecordReader.Record? {
    while pendingIndex >= pending.count {
      if finished || failure != nil { return nil }
      pending.removeAll(keepingCapacity: true)
      pendingIndex = 0
      do {
        let chunk = handle.readData(ofLength: 1 << 20)
        if chunk.isEmpty {
          finished = true
          try decoder?.finish()
          pending = try reader.finish()
        } else if let decoder {
          pending = try reader.feed(try decoder.decode(chunk))
        } else {
          pending = try reader.feed(chunk)
        }
      } catch let rejection as Rejection {
        failure = rejection
        return nil
      } catch {
        failure = Rejection("import_file_unreadable", "the file cannot be read: \(error)")
        return nil
      }
    }
    defer { pendingIndex += 1 }
    return pending[pendingIndex]
  }
}

/// How a bank file's text is encoded.
enum FileEncoding: String, ExpressibleByArgument, CaseIterable {
  /// UTF-8, with or without a byte-order mark.
  case utf8 = "utf-8"
  /// GB18030, as Excel saves a CSV file on Chinese Windows.
  case gb18030
}

/// A `Sequence` wrapper so the reader's failure can be checked after the store consumed it.
final class RecordSource: Sequence {
  var records: CSVFileRecords
  init(_ records: CSVFileRecords) { self.records = records }
  func makeIterator() -> AnyIterator<CSVRecordReader.Record> { AnyIterator { self.records.next() } }
}

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract:
      "Import a batch: bank files of payments, lessons, class sessions or refunds (CSV), or supervision records (JSON).",
    subcommands: [Payments.self, Lessons.self, Sessions.self, Refunds.self, Registry.self, Supervision.self])

  struct Registry: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "registry",
      abstract:
        "Import registry rows: institutions, venues, teachers, courses, classes, parents or students.",
      discussion: """
        Columns: institutions uscc,name,region,kind,category,nonprofit (yes|no),license,license_expires,\
        escrow_bank,escrow_account,mode; venues institution,address,area_m2; teachers institution,name,certificate; \
        courses institution,name,subject,category,delivery,lesson_minutes,hours,price_per_hour,class_size; \
        classes course,venue,teacher,capacity,starts,ends,schedule; parents name,id_number,phone; \
        students parent,name,id_number,grade. Ids are assigned in file order (V1, T1, C1, B1, P1, S1, …).
        """)
    @Argument(help: "institutions, venues, teachers, courses, classes, parents or students.") var kind: String
    @OptionGroup var options: BankFileImport
    func run() throws {
      let kinds: [ImportKind] = [.institutions, .venues, .teachers, .courses, .classes, .parents, .students]
      guard let importKind = ImportKind(rawValue: kind), kinds.contains(importKind) else {
        throw Rejection(
          "import_kind_unknown",
          "kind \(Rejection.quote(kind)) must be one of \(kinds.map(\.rawValue).joined(separator: ", "))")
      }
      try options.run(importKind)
    }
  }

  struct Payments: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "payments",
      abstract: "Import payments: bank_ref,student,class,hours,amount_yuan,paid_at (with a header line).")
    @OptionGroup var options: BankFileImport
    func run() throws { try options.run(.payments) }
  }

  struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "lessons",
      abstract: "Import lessons: enrollment,hours,taught_at,confirmed (yes|no), with a header line.")
    @OptionGroup var options: BankFileImport
    func run() throws { try options.run(.lessons) }
  }

  struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sessions",
      abstract:
        "Import class sessions: class,hours,taught_at,absent (absent: students, comma-separated and quoted, or empty), with a header line.",
      discussion:
        "Each row is `lesson record --class`: a lesson for every student of the class holding hours.")
    @OptionGroup var options: BankFileImport
    func run() throws { try options.run(.sessions) }
  }

  struct Refunds: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "refunds",
      abstract:
        "Import refunds: bank_ref,enrollment,hours,reason (hours = a number or all), with a header line.")
    @OptionGroup var options: BankFileImport
    func run() throws { try options.run(.refunds) }
  }
}

/// A bank file import: one transaction, all or nothing unless --skip-invalid. Rows already
/// recorded (same bank reference and content; lessons: same enrollment, time and hours) are
/// counted, not added again, so a file cut off by a crash can simply be imported again.
struct BankFileImport: ParsableArguments {
  @OptionGroup var global: GlobalOptions
  @Argument(help: "The CSV file (UTF-8, RFC 4180; a byte-order mark is skipped), or - for stdin.")
  var file: String
  @Option(help: "The file's encoding: utf-8, or gb18030 for a file saved by Excel on Chinese Windows.")
  var encoding: FileEncoding = .utf8
  @Option(
    help:
      "Import the good rows and write the refused ones to this CSV file as they were, with a refusal column; fixed, it imports as is."
  )
  var skipInvalid: String?
  @Option(help: "Report at most this many refused rows.") var errorLimit = 50

  func run(_ importKind: ImportKind) throws {
    if let skipInvalid, FileManager.default.fileExists(atPath: skipInvalid) {
      throw Rejection(
        "skip_invalid_file_exists",
        "skip-invalid \(Rejection.quote(skipInvalid)) already exists; choose a new file")
    }
    // Payments on a URL are imported by the bulk path; every other file through the bureau's cache.
    let database = global.namesPostgres && importKind == .payments ? nil : try Environment.open(global)
    let source = RecordSource(try CSVFileRecords(path: file, encoding: encoding))
    let terminal = isatty(STDERR_FILENO) == 1
    let started = Date()
    let fileBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
    var summary: ImportSummary
    do {
      let progress: ((Int) -> Void)? =
        terminal
        ? { rows in BankFileImport.progress(rows, started: started, fileBytes: fileBytes, source: source) }
        : nil
      if let database {
        summary = try database.importFile(
          importKind, records: source, skipInvalid: skipInvalid != nil, errorLimit: max(1, errorLimit),
          now: Environment.now(), progress: progress)
      } else {
        summary = try PostgresCommands.importFile(
          importKind, records: source, skipInvalid: skipInvalid != nil, errorLimit: max(1, errorLimit),
          progress: progress, global)
      }
    } catch let rejection as Rejection {
      // A file the reader refused looks empty to the import: the reader's reason is the true one.
      throw source.records.failure ?? rejection
    }
    if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    if let failure = source.records.failure {
      // A malformed file is refused whole, even with --skip-invalid: rows after it cannot be trusted.
      summary.committed = false
      throw failure
    }
    if let skipInvalid, !summary.refusedRecords.isEmpty {
      try writeRefused(summary, kind: importKind, to: skipInvalid)
    }
    let seconds = Date().timeIntervalSince(started)
    report(summary, kind: importKind, seconds: seconds)
    if !summary.committed {
      throw Rejection(
        "import_refused",
        "\(summary.refused) of \(summary.rows) rows were refused, so nothing was imported (fix them, or use --skip-invalid FILE)"
      )
    }
  }

  static func progress(_ rows: Int, started: Date, fileBytes: Int?, source: RecordSource) {
    let seconds = max(Date().timeIntervalSince(started), 0.001)
    let rate = Double(rows) / seconds
    var eta = ""
    if let fileBytes, fileBytes > 0, let offset = try? source.records.handle.offset(), offset > 0 {
      let remaining = seconds * Double(fileBytes - Int(offset)) / Double(offset)
      eta = String(format: ", ETA %.0f s", remaining)
    }
    FileHandle.standardError.write(
      Data(String(format: "\rimport: %d rows, %.0f rows/s%@", rows, rate, eta).utf8))
  }

  /// Writes the refused rows as they were, under the file's header, each with a last column
  /// `refusal` that says why; the import skips that column, so the fixed file imports as is. The
  /// file is UTF-8 with a byte-order mark, which Excel needs to show Chinese text.
  func writeRefused(_ summary: ImportSummary, kind: ImportKind, to path: String) throws {
    var text = "\u{FEFF}" + (kind.columns + [ImportKind.refusalColumn]).joined(separator: ",") + "\r\n"
    for (record, error) in summary.refusedRecords {
      let refusal = "line \(error.line), column \(error.column): \(error.message)"
      text += (record.fields + [refusal]).map(Self.csvField).joined(separator: ",") + "\r\n"
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
      throw Rejection("skip_invalid_unwritable", "skip-invalid \(Rejection.quote(path)) cannot be written")
    }
  }

  static func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
      ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
  }

  func report(_ summary: ImportSummary, kind: ImportKind, seconds: Double) {
    let errors = summary.errors.map {
      JSONValue.object([
        "line": .integer(Int64($0.line)), "column": .string($0.column), "value": .string($0.value),
        "message": .string($0.message),
      ])
    }
    let json = JSONValue.object([
      "kind": .string(kind.rawValue), "rows": .integer(Int64(summary.rows)),
      "added": .integer(Int64(summary.added)),
      "alreadyThere": .integer(Int64(summary.alreadyThere)), "refused": .integer(Int64(summary.refused)),
      "committed": .bool(summary.committed), "errors": .array(errors),
      "milliseconds": .integer(Int64(seconds * 1000)),
    ])
    if global.format == .json {
      print(json.canonicalText)
      return
    }
    var lines = summary.errors.map {
      "line \($0.line), column \($0.column) \(Rejection.quote($0.value)): \($0.message)"
    }
    if summary.refused > summary.errors.count {
      lines.append("… and \(summary.refused - summary.errors.count) more refused rows")
    }
    if !lines.isEmpty {
      FileHandle.standardError.write(Data((lines.map(Output.safe).joined(separator: "\n") + "\n").utf8))
    }
    if summary.committed {
      let rate = seconds > 0 ? Double(summary.rows) / seconds : 0
      print(
        "imported \(summary.rows) \(kind.rawValue) rows: \(summary.added) added, \(summary.alreadyThere) already there"
          + (summary.refused > 0 ? ", \(summary.refused) refused (written to the --skip-invalid file)" : "")
          + String(format: " in %.1f s (%.0f rows/s)", seconds, rate))
    }
  }
}

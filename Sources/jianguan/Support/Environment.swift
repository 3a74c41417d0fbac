import Foundation
import JianguanCore
import JianguanPostgres
import JianguanStore

/// Where the tool finds its reference data and what time it is.
enum Environment {
  /// The reference data folder named by $JIANGUAN_DATA (an empty value counts as unset), or nil:
  /// then the copy of `Data/` compiled into the binary is used, so a copied binary works anywhere.
  static func dataDirectory() throws -> URL? {
    guard let path = ProcessInfo.processInfo.environment["JIANGUAN_DATA"], !path.isEmpty else { return nil }
    let folder = URL(fileURLWithPath: path)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue
    else {
      throw EnvironmentFailure(
        "data_directory_missing",
        "JIANGUAN_DATA is \(Rejection.quote(path)), which is not a folder; unset it to use the data built into the tool"
      )
    }
    return folder
  }

  /// A reference data file by its path inside `Data/`: from $JIANGUAN_DATA's folder, else built in.
  static func dataText(_ name: String) throws -> String {
    guard let folder = try dataDirectory() else {
      guard let text = EmbeddedReferenceData.files[name] else {
        throw EnvironmentFailure(
          "data_file_unreadable", "reference data file Data/\(name) is not built into the tool")
      }
      return text
    }
    let url = folder.appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: url.path),
      let text = String(data: data, encoding: .utf8)
    else {
      throw EnvironmentFailure(
        "data_file_unreadable", "reference data file \(Rejection.quote(url.path)) cannot be read as UTF-8")
    }
    return text
  }

  /// The reference data. The policy book is read now (a missing folder or file is refused at
  /// once, whatever the command) but parsed on first use: only `init` needs it, as the rules apply
  /// the ledger's own. The regions and the calendar are read on first use.
  static func reference() throws -> ReferenceData {
    let policyText = try dataText("policy.json")
    return ReferenceData(
      policies: { try PolicyBook.parse(json: Array(policyText.utf8)) },
      regions: {
        loadOrExit {
          try RegionTable(currentCSV: dataText("regions.csv"), historyCSV: dataText("regions_history.csv"))
        }
      },
      calendar: { loadOrExit { try WorkingDayCalendar(csv: dataText("calendar.csv")) } })
  }

  /// Loads a reference file on first use; a damaged file ends the command with status 2 and one
  /// sentence (nothing is written: no transaction has begun, or the one open is rolled back by exit).
  static func loadOrExit<T>(_ load: () throws -> T) -> T {
    do { return try load() } catch {
      FileHandle.standardError.write(
        Data("jianguan: the reference data is damaged: \(error)\n".utf8))
      exit(Jianguan.Status.failure.rawValue)
    }
  }

  /// Now, in China Standard Time: $JIANGUAN_NOW (for reproducible demos and tests), else the clock.
  static func now() throws -> LocalDateTime {
    if let text = ProcessInfo.processInfo.environment["JIANGUAN_NOW"] {
      return try LocalDateTime.parse(text, field: "JIANGUAN_NOW")
    }
    return LocalDateTime(unixSeconds: Int64(Date().timeIntervalSince1970))
  }

  static func today() throws -> CalendarDate { try now().date }

  /// The clock a database dates its entries by: $JIANGUAN_NOW when set (every entry of the
  /// command at that moment), else the computer's clock.
  static func clock() throws -> @Sendable () -> LocalDateTime {
    guard ProcessInfo.processInfo.environment["JIANGUAN_NOW"] != nil else { return AppDatabase.systemClock }
    let fixed = try now()
    return { fixed }
  }

  /// The database in force: the SQLite file, or, for a PostgreSQL URL, the bureau's cache
  /// (`PostgresCache`), brought up to the bureau's log.
  /// A `reader` of a URL opens the cache as it stands, for reads only (the server's reads; its
  /// writer keeps the file up to the log).
  static func open(_ options: GlobalOptions, reader: Bool = false) throws -> AppDatabase {
    guard options.namesPostgres, !reader else {
      let path = options.namesPostgres ? options.cachePath : options.databasePath
      return try AppDatabase.open(
        path: path, keyPath: options.keyPath, reference: reference(), clock: clock())
    }
    guard options.namesPostgres else {
      return try AppDatabase.open(
        path: options.databasePath, keyPath: options.keyPath, reference: reference(), clock: clock())
    }
    let log = try PostgresLog.connect(try PostgresURL.parse(options.databasePath))
    try log.requireLog(field: "db")
    return try AppDatabase.openCache(
      path: options.cachePath, keyPath: options.keyPath, reference: reference(), clock: clock(),
      upstream: PostgresCache(log: log))
  }
}

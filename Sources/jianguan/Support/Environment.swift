import Foundation
import JianguanCore
import JianguanStore

/// Where the tool finds its reference data and what time it is.
enum Environment {
  /// The `Data/` folder: $JIANGUAN_DATA, else the nearest `Data/` above the executable (a checkout's
  /// `.build/…/jianguan`), else `./Data`.
  static func dataDirectory() throws -> URL {
    let manager = FileManager.default
    if let path = ProcessInfo.processInfo.environment["JIANGUAN_DATA"] {
      return URL(fileURLWithPath: path)
    }
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = executable.deletingLastPathComponent()
    for _ in 0..<8 {
      let candidate = folder.appendingPathComponent("Data")
      if manager.fileExists(atPath: candidate.appendingPathComponent("regions.csv").path) { return candidate }
      folder = folder.deletingLastPathComponent()
    }
    let local = URL(fileURLWithPath: "Data")
    if manager.fileExists(atPath: local.appendingPathComponent("regions.csv").path) { return local }
    throw Rejection(
      "data_directory_missing",
      "the reference data folder Data/ (regions.csv, policy.json, calendar.csv) was not found; set JIANGUAN_DATA to it"
    )
  }

  static func readText(_ url: URL) throws -> String {
    guard let data = FileManager.default.contents(atPath: url.path),
      let text = String(data: data, encoding: .utf8)
    else {
      throw Rejection(
        "data_file_unreadable", "reference data file \(Rejection.quote(url.path)) cannot be read as UTF-8")
    }
    return text
  }

  static func reference() throws -> ReferenceData {
    let folder = try dataDirectory()
    let policies = try PolicyBook.parse(
      json: Array(readText(folder.appendingPathComponent("policy.json")).utf8))
    for name in ["regions.csv", "regions_history.csv", "calendar.csv"] {
      guard FileManager.default.isReadableFile(atPath: folder.appendingPathComponent(name).path) else {
        throw Rejection(
          "data_file_unreadable",
          "reference data file \(Rejection.quote(folder.appendingPathComponent(name).path)) cannot be read")
      }
    }
    return ReferenceData(
      policies: policies,
      regions: {
        loadOrExit {
          try RegionTable(
            currentCSV: readText(folder.appendingPathComponent("regions.csv")),
            historyCSV: readText(folder.appendingPathComponent("regions_history.csv")))
        }
      },
      calendar: {
        loadOrExit { try WorkingDayCalendar(csv: readText(folder.appendingPathComponent("calendar.csv"))) }
      })
  }

  /// Loads a reference file on first use; a damaged file ends the command with status 2 and one
  /// sentence (nothing is written: no transaction has begun, or the one open is rolled back by exit).
  static func loadOrExit<T>(_ load: () throws -> T) -> T {
    do { return try load() } catch {
      FileHandle.standardError.write(
        Data("jianguan: the reference data in Data/ is damaged: \(error)\n".utf8))
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

  static func open(_ options: GlobalOptions) throws -> AppDatabase {
    try AppDatabase.open(
      path: options.databasePath, keyPath: options.keyPath, reference: reference(), clock: clock())
  }
}

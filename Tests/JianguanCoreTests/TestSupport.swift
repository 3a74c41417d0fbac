import Foundation
import JianguanTestSupport

@testable import JianguanCore

/// Files the tests read: the package's Data/ and its test vectors in Tests/Fixtures.
enum TestSupport {
  /// The package root: three levels above this file (Tests/JianguanCoreTests/TestSupport.swift).
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// A file of the package's Data/ folder, as text.
  static func dataText(_ name: String) throws -> String {
    try String(contentsOf: packageRoot.appendingPathComponent("Data/\(name)"), encoding: .utf8)
  }

  /// A test vector file of Tests/Fixtures (sources and licences in its README).
  static func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/\(name)"))
  }

  /// The real region table, parsed once.
  static let regions: RegionTable = {
    do {
      return try RegionTable(currentCSV: dataText("regions.csv"), historyCSV: dataText("regions_history.csv"))
    } catch {
      fatalError("cannot load Data/regions*.csv: \(error)")
    }
  }()

  /// The code of the rejection thrown by `body`, or nil if it threw none.
  static func rejectionCode(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let rejection as Rejection {
      return rejection.code
    } catch {
      return "not a Rejection: \(error)"
    }
  }

  /// The rejection thrown by `body`, or nil.
  static func rejection(_ body: () throws -> Void) -> Rejection? {
    do {
      try body()
      return nil
    } catch {
      return error as? Rejection
    }
  }
}

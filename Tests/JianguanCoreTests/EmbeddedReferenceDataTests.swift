import Foundation
import JianguanCore
import Testing

/// The data compiled into the binary is Data/, byte for byte (run Tools/embed-data.py after a change).
@Suite("Embedded reference data")
struct EmbeddedReferenceDataTests {
  static let dataFolder = TestSupport.packageRoot.appendingPathComponent("Data")

  /// Every file under Data/, by its path inside it.
  static func dataFiles() -> [String] {
    let enumerator = FileManager.default.enumerator(
      at: dataFolder, includingPropertiesForKeys: [.isRegularFileKey])!
    return enumerator.compactMap { $0 as? URL }
      .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
      .map { String($0.standardizedFileURL.path.dropFirst(dataFolder.standardizedFileURL.path.count + 1)) }
      .sorted()
  }

  @Test("every file of Data/ is embedded, and nothing else")
  func sameFiles() {
    let files = Self.dataFiles()
    #expect(files.contains("regions.csv"))
    #expect(files == EmbeddedReferenceData.files.keys.sorted(), "run Tools/embed-data.py")
  }

  @Test("each embedded file equals its Data/ file byte for byte")
  func sameBytes() throws {
    for name in Self.dataFiles() {
      let onDisk = try Data(contentsOf: Self.dataFolder.appendingPathComponent(name))
      let embedded = EmbeddedReferenceData.files[name].map { Data($0.utf8) }
      #expect(embedded == onDisk, "Data/\(name) differs from the embedded copy: run Tools/embed-data.py")
    }
  }

  @Test("the embedded files load as the tool loads them")
  func loads() throws {
    let files = EmbeddedReferenceData.files
    let regions = try RegionTable(
      currentCSV: files["regions.csv"]!, historyCSV: files["regions_history.csv"]!)
    #expect(regions.region("340104") != nil)
    _ = try WorkingDayCalendar(csv: files["calendar.csv"]!)
    _ = try PolicyBook.parse(json: Array(files["policy.json"]!.utf8))
  }
}

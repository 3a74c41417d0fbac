import Foundation

/// The `jianguan` binary the tests run: beside the test bundle (the same build folder), else
/// `.build/debug/jianguan` under the package root.
public enum BuiltBinary {
  /// The package's root folder, from a test file's `#filePath` two folders below it.
  public static func packageRoot(_ filePath: String) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  public static func jianguan(packageRoot: URL) -> URL {
    let bundleFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for candidate in [
      bundleFolder.appendingPathComponent("jianguan"),
      bundleFolder.deletingLastPathComponent().appendingPathComponent("jianguan"),
      packageRoot.appendingPathComponent(".build/debug/jianguan"),
    ] where FileManager.default.isExecutableFile(atPath: candidate.path) {
      return candidate
    }
    fatalError("the jianguan binary was not built")
  }
}

import Foundation
import JianguanLedger
import JianguanTestSupport
import Testing

/// Tools/crosscheck/plaque.py, written from docs/PLAQUE-FORMAT.md alone, agrees with the Swift
/// code: it accepts the plaques this code signs and refuses the texts this code refuses.
@Suite("Cross-check plaques with Tools/crosscheck/plaque.py")
struct PlaqueCrosscheckTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The project's .venv python, else the system's python3, when it can import `cryptography`.
  static let python: String? = {
    let candidates: [String?] = [
      packageRoot.appendingPathComponent(".venv/bin/python").path, ExternalTool.path("python3"),
    ]
    for case let candidate? in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
      if (try? ExternalTool.run(candidate, ["-c", "import cryptography"]))?.status == 0 { return candidate }
    }
    return nil
  }()

  static func check(_ note: String, key: String) throws -> (status: Int32, stdout: String) {
    let folder = try PlaqueFixtures.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("plaque.txt")
    try Data(note.utf8).write(to: file)
    let script = packageRoot.appendingPathComponent("Tools/crosscheck/plaque.py").path
    let result = try ExternalTool.run(python!, [script, file.path, key])
    return (result.status, String(decoding: result.stdout, as: UTF8.self))
  }

  @Test(.enabled(if: python != nil, "needs a python3 with the cryptography package (.ci/run makes .venv)"))
  func thePythonVerifierAgrees() throws {
    let signer = PlaqueFixtures.signer
    let key = signer.verifier.verifierKeyText
    for status in PlaqueStatement.Status.allCases {
      let plaque = try PlaqueFixtures.statement(status: status).signed(by: signer)
      let checked = try Self.check(plaque.note, key: key)
      #expect(checked.status == 0 && checked.stdout.contains("\nstatus \(status.rawValue)\n"))
      #expect(checked.stdout.contains("\nname 北京市朝阳区启明艺术培训学校\n"))
      let other = try NoteSigner.generate(name: signer.name)
      #expect(try Self.check(plaque.note, key: other.verifier.verifierKeyText).status == 1)
    }
    let text = try PlaqueFixtures.statement().format()
    for (old, new, code) in try PlaqueStatementTests.brokenFields() {
      let note = try SignedNote.sign(text: text.replacingOccurrences(of: old, with: new), signers: [signer])
      #expect(try Self.check(note, key: key).status == 1, "the Swift code refuses it (\(code))")
    }
  }
}

import Foundation
import JianguanCrypto
import JianguanLedger
import JianguanTestSupport
import Testing

/// Runs the independent Python checkers of Tools/crosscheck against output of this code.
/// Skipped when the project's `.venv` (with `cryptography`) or a python3 is missing.
@Suite("Cross-check with Tools/crosscheck (Python)")
struct CheckpointCrosscheckTests {
  /// `<package root>/.venv/bin/python`, when it exists and can import `cryptography`.
  static let venvPython: URL? = {
    guard let root = MerkleFixtures.packageRoot() else { return nil }
    let python = root.appendingPathComponent(".venv/bin/python")
    guard FileManager.default.isExecutableFile(atPath: python.path) else { return nil }
    let probe = try? run(python, ["-c", "import cryptography"])
    return probe?.status == 0 ? python : nil
  }()

  /// Any python3 for the standard-library-only Merkle script: the venv's, else the first on PATH.
  static let anyPython: URL? = {
    if let venvPython { return venvPython }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("python3")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }()

  static func script(_ name: String) -> String {
    MerkleFixtures.packageRoot()!.appendingPathComponent("Tools/crosscheck/\(name)").path
  }

  /// Runs `executable` with `arguments` and optional standard input; returns status and output.
  static func run(_ executable: URL, _ arguments: [String], input: [UInt8] = []) throws -> (
    status: Int32, output: String, error: String
  ) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-crosscheck-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // Files, not pipes, so that large inputs or outputs cannot deadlock the two processes.
    let files = ["in", "out", "err"].map { directory.appendingPathComponent($0) }
    try Data(input).write(to: files[0])
    _ = FileManager.default.createFile(atPath: files[1].path, contents: nil)
    _ = FileManager.default.createFile(atPath: files[2].path, contents: nil)
    let process = ChildProcess()
    process.executableURL = executable
    process.arguments = arguments
    process.standardInput = try FileHandle(forReadingFrom: files[0])
    process.standardOutput = try FileHandle(forWritingTo: files[1])
    process.standardError = try FileHandle(forWritingTo: files[2])
    try process.run()
    process.waitUntilExit()
    let output = try String(decoding: Data(contentsOf: files[1]), as: UTF8.self)
    let error = try String(decoding: Data(contentsOf: files[2]), as: UTF8.self)
    return (process.terminationStatus, output, error)
  }

  static func checkNote(_ note: String, _ verifierKeyText: String) throws -> (
    status: Int32, output: String, error: String
  ) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-note-\(UUID().uuidString).txt")
    try Data(note.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    return try run(venvPython!, [script("checkpoint.py"), file.path, verifierKeyText])
  }

  @Test(
    .enabled(
      if: venvPython != nil,
      "needs .venv/bin/python with cryptography: python3 -m venv .venv && .venv/bin/pip install cryptography")
  )
  func pythonVerifiesOurSignedCheckpoints() throws {
    var tree = InMemoryMerkleTree()
    for entry in MerkleFixtures.entries(count: 1000) { tree.append(entryBytes: entry) }
    let signer = try NoteSigner.generate(name: "jianguan.example/county/450224")
    let witness = try NoteSigner.generate(name: "witness.example")
    let checkpoint = try Checkpoint(
      origin: signer.name, size: tree.size, rootHash: tree.root, extensionLines: ["来自鹿寨县"])
    let note = try checkpoint.signedNote(signers: [witness, signer])

    let valid = try Self.checkNote(note, signer.verifier.verifierKeyText)
    #expect(valid.status == 0, "\(valid.error)")
    #expect(valid.output.contains("origin \(signer.name), size 1000, root \(Hex.encode(tree.root))"))
    #expect(try Self.checkNote(note, witness.verifier.verifierKeyText).status == 0)
    #expect(try Self.checkNote(CheckpointTests.pinnedNote, NoteKeyTests.peterVerifier).status == 0)

    let forged = note.replacingOccurrences(of: "\n1000\n", with: "\n1001\n")
    let refused = try Self.checkNote(forged, signer.verifier.verifierKeyText)
    #expect(refused.status == 1)
    #expect(refused.error.contains("does not verify"))
    let stranger = try NoteSigner.generate(name: signer.name)
    #expect(try Self.checkNote(note, stranger.verifier.verifierKeyText).status == 1)
    #expect(
      try Self.checkNote(note.replacingOccurrences(of: "\n\n—", with: "\n—"), signer.verifier.verifierKeyText)
        .status == 1)
  }

  @Test(.enabled(if: anyPython != nil, "needs python3 for Tools/crosscheck/merkle_roots.py"))
  func pythonComputesTheSameRoots() throws {
    var entries = MerkleFixtures.entries(count: 100_000)
    entries[0] = []
    entries[7] = Array(0...255)
    var tree = InMemoryMerkleTree()
    for entry in entries { tree.append(entryBytes: entry) }
    let input = Array(entries.map { Hex.encode($0) + "\n" }.joined().utf8)
    let sizes =
      Array(0...300) + [
        511, 512, 513, 1000, 1023, 1024, 1025, 2047, 2048, 2049, 2500, 65_535, 65_536, 65_537, 99_999,
        100_000,
      ]
    let result = try Self.run(
      Self.anyPython!, [Self.script("merkle_roots.py")] + sizes.map(String.init), input: input)
    #expect(result.status == 0, "\(result.error)")
    let lines = result.output.split(separator: "\n").map(String.init)
    #expect(lines.count == sizes.count)
    for (size, line) in zip(sizes, lines) {
      #expect(line == "\(size) \(Hex.encode(try tree.treeHash(size: Int64(size))))")
    }
  }
}

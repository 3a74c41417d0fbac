import JianguanCrypto
import JianguanLedger
import Testing

@Suite("Checkpoints (C2SP tlog-checkpoint)")
struct CheckpointTests {
  static let c2spExample =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"

  func code(_ text: String) -> CheckpointError.Code? {
    MerkleFixtures.error(CheckpointError.self) { _ = try Checkpoint.parse(text) }?.code
  }

  @Test func parsesAndFormatsTheC2SPExample() throws {
    let checkpoint = try Checkpoint.parse(Self.c2spExample)
    #expect(checkpoint.origin == "example.com/behind-the-sofa")
    #expect(checkpoint.size == 20_852_163)
    #expect(CanonicalBase64.encode(checkpoint.rootHash) == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    #expect(checkpoint.extensionLines.isEmpty)
    #expect(checkpoint.format() == Self.c2spExample)
  }

  @Test func roundTripsWithExtensionLinesAndEdgeSizes() throws {
    for (size, extensions) in [(Int64(0), [String]()), (1, ["ext one", "二"]), (Int64.max, ["x"])] {
      let checkpoint = try Checkpoint(
        origin: "jianguan.example/county/450224", size: size, rootHash: Merkle.emptyRoot,
        extensionLines: extensions)
      let text = checkpoint.format()
      #expect(try Checkpoint.parse(text) == checkpoint)
      #expect(
        text.hasPrefix(
          "jianguan.example/county/450224\n\(size)\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"))
    }
  }

  @Test func refusesNonCanonicalText() {
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    let cases: [(String, CheckpointError.Code)] = [
      ("o\n020852163\n\(root)\n", .sizeNotCanonical),
      ("o\n+5\n\(root)\n", .sizeNotCanonical),
      ("o\n-1\n\(root)\n", .sizeNotCanonical),
      ("o\n 5\n\(root)\n", .sizeNotCanonical),
      ("o\n5 \n\(root)\n", .sizeNotCanonical),
      ("o\n\n\(root)\n", .sizeNotCanonical),
      ("o\n00\n\(root)\n", .sizeNotCanonical),
      ("o\n9223372036854775808\n\(root)\n", .sizeNotCanonical),
      ("o\n1e3\n\(root)\n", .sizeNotCanonical),
      ("o\n٣\n\(root)\n", .sizeNotCanonical),
      ("o\n5\n\(root.dropLast())\n", .rootHashNotCanonical),
      ("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", .rootHashNotCanonical),
      ("o\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", .rootHashNotCanonical),
      ("o\n5\n\(CanonicalBase64.encode([UInt8](repeating: 1, count: 31)))\n", .rootHashNotCanonical),
      ("o\n5\n\(CanonicalBase64.encode([UInt8](repeating: 1, count: 33)))\n", .rootHashNotCanonical),
      ("o\n5\n\(Hex.encode(Merkle.emptyRoot))\n", .rootHashNotCanonical),
      ("o\n5\n \(root)\n", .rootHashNotCanonical),
      ("\n5\n\(root)\n", .originInvalid),
      ("o\r\n5\r\n\(root)\r\n", .originInvalid),
      ("o\n5\n\(root)", .missingTrailingNewline),
      ("o\n5\n", .tooFewLines),
      ("o\n5\n\(root)\n\n", .extensionLineInvalid),
      ("o\n5\n\(root)\next\n\nmore\n", .extensionLineInvalid),
      (String(repeating: "o", count: 70_000) + "\n5\n\(root)\n", .tooLarge),
    ]
    for (text, expected) in cases {
      #expect(code(text) == expected, "\(text.prefix(100).debugDescription)")
    }
  }

  @Test func initRefusesPartsThatWouldNotParse() {
    let root = Merkle.emptyRoot
    #expect(
      MerkleFixtures.error(CheckpointError.self) { _ = try Checkpoint(origin: "", size: 1, rootHash: root) }?
        .code == .originInvalid)
    #expect(
      MerkleFixtures.error(CheckpointError.self) {
        _ = try Checkpoint(origin: "a\nb", size: 1, rootHash: root)
      }?.code == .originInvalid)
    #expect(
      MerkleFixtures.error(CheckpointError.self) {
        _ = try Checkpoint(origin: "a", size: -1, rootHash: root)
      }?.code == .sizeNotCanonical)
    #expect(
      MerkleFixtures.error(CheckpointError.self) { _ = try Checkpoint(origin: "a", size: 1, rootHash: [1]) }?
        .code == .rootHashNotCanonical)
    #expect(
      MerkleFixtures.error(CheckpointError.self) {
        _ = try Checkpoint(origin: "a", size: 1, rootHash: root, extensionLines: [""])
      }?
      .code == .extensionLineInvalid)
  }

  @Test func signedCheckpointRoundTripsAndTamperingIsRefused() throws {
    var tree = InMemoryMerkleTree()
    for entry in MerkleFixtures.entries(count: 10) { tree.append(entryBytes: entry) }
    let signer = try NoteSigner.generate(name: "jianguan.example/county/450224")
    let checkpoint = try Checkpoint(origin: signer.name, size: tree.size, rootHash: tree.root)
    let note = try checkpoint.signedNote(signers: [signer])
    let opened = try Checkpoint.open(note, verifiers: [signer.verifier])
    #expect(opened.checkpoint == checkpoint)
    #expect(opened.verifiedBy == [signer.name])

    let forgedSize = note.replacingOccurrences(of: "\n10\n", with: "\n11\n")
    let error = MerkleFixtures.error(NoteError.self) {
      _ = try Checkpoint.open(forgedSize, verifiers: [signer.verifier])
    }
    #expect(error?.code == .signatureInvalid)
    #expect(error?.message.contains(signer.verifier.keyID) == true)
    let other = try NoteSigner.generate(name: "jianguan.example/county/450224")
    #expect(
      MerkleFixtures.error(NoteError.self) { _ = try Checkpoint.open(note, verifiers: [other.verifier]) }?
        .code == .noKnownSignature)
    // A well-signed note whose text is not a checkpoint is refused as a checkpoint.
    let notCheckpoint = try SignedNote.sign(text: "hello\n", signers: [signer])
    #expect(
      MerkleFixtures.error(CheckpointError.self) {
        _ = try Checkpoint.open(notCheckpoint, verifiers: [signer.verifier])
      }?.code == .tooFewLines)
  }

  /// A checkpoint signed with note_test.go's fixed key: a pinned vector for the docs, whose
  /// signature python's `cryptography` also verifies (CheckpointCrosscheckTests).
  @Test func pinnedCheckpointVector() throws {
    let signer = try NoteSigner(privateKeyText: NoteKeyTests.peterPrivate)
    let checkpoint = try Checkpoint(
      origin: "PeterNeumann", size: 8,
      rootHash: MerkleFixtures.bytes("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"))
    let note = try checkpoint.signedNote(signers: [signer])
    #expect(note == Self.pinnedNote)
    #expect(try Checkpoint.open(note, verifiers: [signer.verifier]).checkpoint == checkpoint)
  }

  /// Computed independently with python's `cryptography` from the same fixed key.
  static let pinnedNote =
    "PeterNeumann\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
    + "— PeterNeumann x08gozdSgLMzAnw63LH1RGViJhUfW60EUGKY7Kmr004fQNOSqfrcd1hIk3BCtdcLWIqvGtX67sL24VN+44uTlxMnbAA=\n"
}

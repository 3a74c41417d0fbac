import Foundation
import JianguanCrypto
import JianguanTestSupport
import Testing

@Suite(.serialized) struct TransparencyEndToEndTests {
  @Test(arguments: TestStore.all)
  func keysCheckpointsProofsAndReceiptsFromTheCommandLine(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    try cli.useDemoDatabase()
    let demoSize = try Self.size(cli)
    let key = try cli.run([
      "key", "generate", "--name", "jianguan.110000.example/ledger", "--out", "bureau.key",
    ])
    #expect(key.status == 0)
    let keyPath = cli.folder.appendingPathComponent("bureau.key").path
    #expect((try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int) == 0o600)
    let publicKey = try String(contentsOfFile: keyPath + ".pub", encoding: .utf8)
    #expect(
      publicKey.hasPrefix("jianguan.110000.example/ledger+")
        && publicKey.split(separator: "+", maxSplits: 2).count == 3)
    #expect(
      try cli.run(["key", "generate", "--name", "x", "--out", "bureau.key"]).status == 1,
      "never overwrites a key")

    let signed = try cli.run(["checkpoint", "sign", "--key", "bureau.key"])
    #expect(signed.status == 0)
    // The first signing names the key in the log (one entry), then signs the log with it.
    let size = demoSize + 1
    #expect(try Self.size(cli) == size + 1, "the checkpoint.signed entry follows")
    let lines = signed.stdout.components(separatedBy: "\n")
    #expect(lines[0] == "jianguan.110000.example/ledger" && lines[1] == String(size) && lines[3].isEmpty)
    #expect(lines[4].hasPrefix("— jianguan.110000.example/ledger "))
    try Data(signed.stdout.utf8).write(to: cli.folder.appendingPathComponent("checkpoint.txt"))
    #expect(try cli.run(["checkpoint", "list"]).stdout.contains(" \(size) "))

    let inclusion = try cli.run(["proof", "inclusion", "66", "--size", "100"])
    let proof = try #require(
      try JSONSerialization.jsonObject(with: Data(inclusion.stdout.utf8)) as? [String: Any])
    #expect(proof["treeSize"] as? Int == 100 && proof["leafIndex"] as? Int == 65)
    #expect((proof["hashes"] as? [String])?.allSatisfy { $0.count == 64 } == true)
    let consistency = try cli.run(["proof", "consistency", "100", String(size)])
    #expect(consistency.status == 0 && consistency.stdout.contains("\"oldSize\":100"))

    // The demo's first payment: entry 66 after genesis and the calendar years.
    let payment = 65 + CLI.calendarEntries + 1
    let receipt = try cli.run(["receipt", "export", String(payment), "--key", "bureau.key"])
    #expect(receipt.status == 0)
    let receiptFile = cli.folder.appendingPathComponent("receipt.json")
    try Data(receipt.stdout.utf8).write(to: receiptFile)
    // Offline: another folder, no database, no Data/ needed.
    var offline = cli.environment
    offline["JIANGUAN_DB"] = "/nonexistent/none.sqlite"
    let verified = try CLI.run(
      CLI.binary.path, ["receipt", "verify", receiptFile.path, "--pub", keyPath + ".pub"],
      environment: offline, in: URL(fileURLWithPath: "/"))
    #expect(
      verified.status == 0 && verified.stdout.contains("receipt ok: entry \(payment) (payment"),
      "\(verified.stderr)")
    var changed = receipt.stdout
    let range = changed.range(of: "\"entryHex\" : \"a6")!
    changed.replaceSubrange(range, with: "\"entryHex\" : \"a7")
    try Data(changed.utf8).write(to: receiptFile)
    let tampered = try cli.run(["receipt", "verify", receiptFile.path, "--pub", keyPath + ".pub"])
    #expect(tampered.status == 1 && tampered.stderr.split(separator: "\n").count == 1)
    #expect(
      tampered.stderr.contains("the entry of seq ") && !tampered.stderr.contains("leaf"), "\(tampered.stderr)"
    )

    let audit = try cli.run(["audit", "--checkpoint", "checkpoint.txt", "--pub", "bureau.key.pub"])
    #expect(audit.status == 0 && audit.stdout.contains("consistent with the checkpoint of size \(size)"))
  }

  @Test(arguments: TestStore.all)
  func badProofAndCheckpointInputIsRefusedWithOneSentence(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    try cli.useDemoDatabase()
    let demoSize = try Self.size(cli)
    _ = try cli.run(["key", "generate", "--name", "bureau", "--out", "bureau.key"])
    _ = try cli.run(["key", "generate", "--name", "bureau", "--out", "other.key"])
    let signed = try cli.run(["checkpoint", "sign", "--key", "bureau.key"])
    let checkpointSize = demoSize + 1
    let size = try Self.size(cli)
    try Data(signed.stdout.utf8).write(to: cli.folder.appendingPathComponent("checkpoint.txt"))
    try Data(
      signed.stdout.replacingOccurrences(of: "\n\(checkpointSize)\n", with: "\n0\(checkpointSize)\n").utf8
    ).write(
      to: cli.folder.appendingPathComponent("malformed.txt"))
    let before = cli.databaseDigest()
    let cases: [[String]] = [
      ["audit", "--checkpoint", "malformed.txt", "--pub", "bureau.key.pub"],
      ["audit", "--checkpoint", "checkpoint.txt", "--pub", "other.key.pub"],
      ["audit", "--checkpoint", "missing.txt", "--pub", "bureau.key.pub"],
      ["proof", "inclusion", "1", "--size", String(size + 1)],
      ["proof", "inclusion", "-5"],
      ["proof", "inclusion", "0"],
      ["proof", "consistency", "100", String(size + 1)],
      ["proof", "consistency", "100", "abc"],
      ["receipt", "verify", "checkpoint.txt", "--pub", "bureau.key.pub"],
      ["checkpoint", "sign", "--key", "bureau.key.pub"],
      ["checkpoint", "sign", "--key", "other.key"],
      ["checkpoint", "sign", "--key", "bureau.key", "--new-key"],
    ]
    for arguments in cases {
      let result = try cli.run(arguments)
      #expect(result.status == 1, "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
    }
    #expect(cli.databaseDigest() == before, "nothing written")
  }

  /// The number of entries of the CLI's ledger.
  static func size(_ cli: CLI) throws -> Int {
    let audit = try cli.run(["audit", "--format", "json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
    return try #require(object["entries"] as? Int)
  }
}

/// `ledger tile` serves the stored Merkle tiles as C2SP tlog-tiles does: the leaf hashes of the
/// entries at level 0, binary on stdout.
@Suite struct LedgerTileEndToEndTests {
  @Test(arguments: TestStore.all)
  func aTileIsTheLeafHashesOfTheEntriesAndABadPathIsRefused(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    try cli.useDemoDatabase()
    let export = try cli.run(["ledger", "export"])
    var leaves: [UInt8] = []
    for line in export.stdout.split(separator: "\n") {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      leaves += SHA256.hash([0] + Hex.decode(try #require(object["entryHex"] as? String))!)
    }
    func tile(_ path: String) throws -> (CLI.Result, [UInt8]) {
      let file = cli.folder.appendingPathComponent("tile.bin")
      let result = try CLI.run(
        "/bin/sh",
        ["-c", "\"$0\" ledger tile \"$1\" > tile.bin", CLI.binary.path, path],
        environment: cli.environment, in: cli.folder)
      return (result, [UInt8](try Data(contentsOf: file)))
    }
    let (whole, bytes) = try tile("0/0")
    #expect(whole.status == 0, "\(whole.stderr)")
    #expect(bytes == leaves)
    let (prefix, first) = try tile("0/0.p/5")
    #expect(prefix.status == 0 && first == Array(leaves.prefix(5 * 32)))
    // One sentence naming the tile and the rule; nothing on stdout.
    for (path, sentence) in [
      ("1/0", "tile \"1/0\" is not in the tree of"), ("0/0.p/255", "asks for 255 hashes"),
      ("0/x001/002", "is not L/N or L/N.p/W"), ("0/0.p/0", "is not L/N or L/N.p/W"), ("L/0", "is not L/N"),
    ] {
      let (refused, output) = try tile(path)
      #expect(refused.status == 1 && output.isEmpty, "\(path): \(refused.status)")
      #expect(refused.stderr.contains(sentence), "\(path): \(refused.stderr)")
    }
  }
}

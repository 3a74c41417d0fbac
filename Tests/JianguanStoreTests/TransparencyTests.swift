import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// Signed checkpoints catch what the hash chain alone cannot: a log cut short, or an old entry
/// rewritten with every later hash recomputed so that the chain looks sound.
@Suite struct TransparencyTests {
  /// Writes `tile` as the store keeps it, as an attacker re-hashing the tree would.
  static func insert(_ tile: MerkleTile, _ db: Database) throws {
    try db.execute(
      sql: "INSERT INTO merkle_tiles(level, idx, width, hashes, levels) VALUES (?, ?, ?, ?, ?)",
      arguments: [tile.level, tile.index, tile.width, Data(tile.hashes), Data(tile.levels)])
  }

  func ledger() throws -> (StoreFixture, NoteSigner) {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass()
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "10", amount: "1000"))
    _ = try fixture.database.refund(enrollment: enrollment, hours: "3", reason: "搬家", bankRef: "R-1")
    // A first checkpoint names the bureau's key in the log; two venues come after it.
    let signer = try NoteSigner.generate(name: "jianguan.340100.example/ledger")
    _ = try fixture.database.signCheckpoint(signer: signer, signedAt: "2026-06-30T12:00:00+08:00")
    _ = try fixture.database.addVenue(institution: uscc, address: "蜀山区二号楼", areaM2: "80")
    _ = try fixture.database.addVenue(institution: uscc, address: "蜀山区三号楼", areaM2: "90")
    return (fixture, signer)
  }

  @Test func proofsFromTheStoreVerifyForEverySizeAndIndex() throws {
    let (fixture, _) = try ledger()
    let size = try fixture.database.size()
    for treeSize in 1...size {
      for seq in 1...treeSize {
        let proof = try fixture.database.inclusionProof(seq: seq, size: treeSize)
        var leaf: [UInt8] = []
        try fixture.database.entries(fromSeq: seq, limit: 1) { leaf = Merkle.leafHash($0.entryBytes) }
        try proof.verify(leafHash: leaf)
      }
      for old in 1...treeSize {
        try fixture.database.consistencyProof(oldSize: old, newSize: treeSize).verify()
      }
    }
    #expect(
      rejectionCode { _ = try fixture.database.inclusionProof(seq: 1, size: size + 1) } == "size_beyond_log")
    #expect(
      rejectionCode { _ = try fixture.database.consistencyProof(oldSize: 2, newSize: size + 1) }
        == "new_beyond_log")
  }

  @Test func aReceiptVerifiesOfflineAndAnyChangedByteIsRefused() throws {
    let (fixture, signer) = try ledger()
    let receipt = try fixture.database.receipt(
      seq: 9 + StoreFixture.calendarEntries, signer: signer, signedAt: "2026-06-30T12:00:00+08:00")
    let verified = try receipt.verify(verifier: signer.verifier)
    let size = try fixture.database.size()
    // The receipt's checkpoint signs every entry before its own `checkpoint.signed` entry.
    #expect(verified.entry.kind == "payment" && verified.checkpoint.size == size - 1)
    let json = Array(receipt.jsonText().utf8)
    var generator = SeededGenerator(seed: 9)
    var refused = 0
    for _ in 0..<200 {
      var bytes = json
      let index = Int.random(in: 0..<bytes.count, using: &generator)
      let original = bytes[index]
      bytes[index] = original == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
      do {
        let changed = try Receipt.parse(json: bytes)
        if changed == receipt { continue }  // the byte was insignificant (e.g. inside whitespace)
        _ = try changed.verify(verifier: signer.verifier)
        Issue.record("a receipt with byte \(index) changed still verified")
      } catch { refused += 1 }
    }
    #expect(refused > 150)
    let stranger = try NoteSigner.generate(name: "jianguan.340100.example/ledger")
    #expect(throws: (any Error).self) { _ = try receipt.verify(verifier: stranger.verifier) }
  }

  @Test func aTamperedReceiptIsNamedByItsSeqNotALeafIndex() throws {
    let (fixture, signer) = try ledger()
    let receipt = try fixture.database.receipt(seq: 9, signer: signer, signedAt: "2026-06-30T12:00:00+08:00")
    let text = receipt.jsonText()
    let range = try #require(text.range(of: "\"entryHex\" : \"a6"))
    let tampered = try Receipt.parse(
      json: Array(text.replacingCharacters(in: range, with: "\"entryHex\" : \"a7").utf8))
    do {
      _ = try tampered.verify(verifier: signer.verifier)
      Issue.record("a tampered receipt verified")
    } catch let failure as Receipt.Failure {
      #expect(failure.code == "receipt_entry_not_included")
      #expect(failure.message.contains("seq 9") && !failure.message.contains("leaf"), "\(failure.message)")
    }
  }

  @Test func aTruncatedLogFailsTheAuditAgainstAnOlderCheckpoint() throws {
    let (fixture, signer) = try ledger()
    let signed = try fixture.database.signCheckpoint(signer: signer, signedAt: "t")
    let checkpoint = try Checkpoint.open(signed.note, verifiers: [signer.verifier]).checkpoint
    let keep = signed.size - 2
    var tree = InMemoryMerkleTree()
    try fixture.database.entries(fromSeq: 1, limit: keep) { tree.append(entryBytes: $0.entryBytes) }
    // The operator cuts off the two venues, the entry of the checkpoint that signed them, and
    // everything derived from them.
    try fixture.tamperCoveringTracks { db in
      try db.execute(sql: "DELETE FROM ledger WHERE seq > ?", arguments: [keep])
      try db.execute(sql: "DELETE FROM merkle_tiles")
      for tile in tree.tiles() { try Self.insert(tile, db) }
      try db.execute(sql: "DELETE FROM venues WHERE seq > ?", arguments: [keep])
      try db.execute(sql: "DELETE FROM checkpoints WHERE size > ?", arguments: [keep])
    }
    #expect(try fixture.database.audit().ok, "the chain alone looks fine")
    let report = try fixture.database.audit(against: checkpoint)
    #expect(report.faults.contains { $0.message.contains("truncated") && $0.seq == keep + 1 })
  }

  @Test func aRewrittenOldEntryWithEveryLaterHashRecomputedFailsTheAudit() throws {
    let (fixture, signer) = try ledger()
    let signed = try fixture.database.signCheckpoint(signer: signer, signedAt: "t")
    let checkpoint = try Checkpoint.open(signed.note, verifiers: [signer.verifier]).checkpoint
    // The operator backdates the first venue, re-hashes the whole chain and tree after it, and
    // drops the entry of the checkpoint that signed it.
    var entries: [Entry] = []
    try fixture.database.entries(fromSeq: 1, limit: checkpoint.size) {
      entries.append(try Entry.parse($0.entryBytes))
    }
    var previous = Entry.genesisPrevious
    var tree = InMemoryMerkleTree()
    var rows: [(Int64, Data)] = []
    for old in entries {
      let entry = Entry(
        // The first venue and every entry after it a second later: still in time order, every
        // hash changed.
        seq: old.seq, time: old.seq >= checkpoint.size - 1 ? "2026-06-30T04:00:01Z" : old.time,
        kind: old.kind, payload: old.payload,
        previousHash: previous)
      previous = entry.hash
      _ = tree.append(entryBytes: entry.bytes)
      rows.append((entry.seq, Data(entry.bytes)))
    }
    try fixture.tamperCoveringTracks { db in
      try db.execute(sql: "DELETE FROM checkpoints WHERE size = ?", arguments: [checkpoint.size])
      try db.execute(sql: "DELETE FROM ledger WHERE seq > ?", arguments: [checkpoint.size])
      for (seq, bytes) in rows {
        try db.execute(sql: "UPDATE ledger SET entry = ? WHERE seq = ?", arguments: [bytes, seq])
      }
      try db.execute(sql: "DELETE FROM merkle_tiles")
      for tile in tree.tiles() { try Self.insert(tile, db) }
    }
    #expect(try fixture.database.audit().ok, "the chain alone looks fine")
    let report = try fixture.database.audit(against: checkpoint)
    #expect(
      report.faults.contains { $0.message.contains("rewritten or forked") && $0.seq == checkpoint.size })
  }

  @Test func aReceiptForASeqBeyondTheLogIsRefusedAndSignsNothing() throws {
    let (fixture, signer) = try ledger()
    let size = try fixture.database.size()
    #expect(
      rejectionCode { _ = try fixture.database.receipt(seq: size + 1, signer: signer, signedAt: "t") }
        == "seq_beyond_log")
    #expect(try fixture.database.checkpoints().count == 1, "only the fixture's own")
    #expect(try fixture.database.size() == size)
  }

  @Test func storedCheckpointsAreCheckedByEveryAudit() throws {
    let (fixture, signer) = try ledger()
    _ = try fixture.database.signCheckpoint(signer: signer, signedAt: "t")
    #expect(try fixture.database.audit().checkpointsChecked == 2)
    try fixture.raw().write { db in
      try db.execute(sql: "UPDATE checkpoints SET root_hash = zeroblob(32) WHERE id = 2")
    }
    let faults = try fixture.database.audit().faults
    #expect(faults.contains { $0.message.contains("stored checkpoint 2") })
    #expect(faults.contains { $0.message.contains("table checkpoints, row id = 2: root_hash") })
  }

  @Test func checkpointsVerifyOnlyWithTheKeyTheLogNames() throws {
    let (fixture, _) = try ledger()
    let stranger = try NoteSigner.generate(name: "jianguan.340100.example/ledger")
    let size = try fixture.database.size()
    #expect(
      rejectionCode { _ = try fixture.database.signCheckpoint(signer: stranger, signedAt: "t") }
        == "checkpoint_key_not_named")
    #expect(try fixture.database.size() == size, "a refused signing writes nothing")
    // An operator re-signs the stored checkpoint with a key of their own: the log names another.
    let forged = try Checkpoint(
      origin: "jianguan.340100.example/ledger", size: 3,
      rootHash: try fixture.database.inclusionProof(seq: 1, size: 3).rootHash
    ).signedNote(signers: [stranger])
    try fixture.tamperCoveringTracks { db in
      try db.execute(
        sql: "UPDATE checkpoints SET size = 3, root_hash = ?, note = ?, verifier_key = ? WHERE id = 1",
        arguments: [
          Data(try fixture.database.inclusionProof(seq: 1, size: 3).rootHash), forged,
          stranger.verifier.verifierKeyText,
        ])
    }
    #expect(
      try fixture.database.audit().faults.contains { $0.message.contains("table checkpoints, row id = 1") })
    // A rotation is recorded in the log, and later checkpoints verify with the new key.
    let rotated = try ledger()
    let next = try NoteSigner.generate(name: "jianguan.340100.example/ledger")
    _ = try rotated.0.database.signCheckpoint(signer: next, signedAt: "t", newKey: true)
    let report = try rotated.0.database.audit()
    #expect(report.ok && report.checkpointsChecked == 2, "\(report.faults)")
  }
}

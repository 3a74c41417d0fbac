import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanPostgres
import JianguanTestSupport
import Testing

/// `PostgresLog` itself: appends in several transactions keep the stored tiles those of the
/// entries (roots and proofs at every size read through `MerkleTileReader`), and appends to one
/// bureau from two connections at once are serialized, never forked.
@Suite("the PostgreSQL log", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresLogTests {
  /// A chain of `count` entries after `previous` (seq `first` on): genesis-free filler whose
  /// payloads the replay would not accept, but whose bytes and chain are sound.
  static func chain(from first: Int64, count: Int, after previous: [UInt8]) -> [[UInt8]] {
    var previous = previous
    return (0..<Int64(count)).map { offset in
      let bytes = Entry(
        seq: first + offset, time: "2026-03-01T00:00:00Z", kind: "test.filler",
        payload: .object(["n": .integer(first + offset)]), previousHash: previous
      ).bytes
      previous = SHA256.hash(bytes)
      return bytes
    }
  }

  /// A new bureau 340104 whose log is its genesis alone.
  static func newLog(_ server: PostgresServer, database: String) throws -> (PostgresLog, [UInt8]) {
    let genesis = Event.genesis(
      Genesis(authority: "测试教育局", region: "340104", origin: "jianguan.340104.example/ledger"))
    let bytes = Entry.encode(
      seq: 1, time: "2026-02-10T01:00:00Z", kind: genesis.kind, payloadBytes: genesis.payloadBytes,
      previousHash: Entry.genesisPrevious)
    let log = try PostgresLog.connect(try PostgresURL.parse(server.url(database, bureau: "340104")))
    _ = try log.create(copying: { each in try each(bytes) }, persons: [])
    return (log, bytes)
  }

  @Test func rootsAndProofsAtEverySizeComeFromTheStoredTiles() throws {
    let server = try PostgresServer.server()
    let (log, genesis) = try Self.newLog(server, database: try server.createDatabase())
    defer { log.close() }
    var entries = [genesis]
    // Batches that end inside a tile and across tiles of level 0 and 1 (256 and 65,536 leaves).
    for count in [1, 254, 1, 300, 45] {
      let batch = Self.chain(from: Int64(entries.count) + 1, count: count, after: SHA256.hash(entries.last!))
      try log.append(batch)
      entries += batch
    }
    #expect(try log.size() == 602)
    var tree = InMemoryMerkleTree()
    for (index, bytes) in entries.enumerated() {
      _ = tree.append(entryBytes: bytes)
      let size = Int64(index + 1)
      guard size % 37 == 0 || [1, 255, 256, 257, 511, 512, 602].contains(size) else { continue }
      let root = try Merkle.treeHash(size: size, reader: tree)
      #expect(try log.root(size: size) == root, "size \(size)")
      let seq = size / 2 + 1
      let proof = try log.inclusionProof(seq: seq, size: size)
      #expect(proof.rootHash == root)
      try Merkle.verifyInclusion(
        leafHash: Merkle.leafHash(entries[Int(seq) - 1]), index: seq - 1, size: size, proof: proof.hashes,
        root: root)
    }
  }

  @Test func concurrentAppendsToOneBureauAreSerialized() throws {
    let server = try PostgresServer.server()
    let database = try server.createDatabase()
    let (log, genesis) = try Self.newLog(server, database: database)
    defer { log.close() }
    let batch = Self.chain(from: 2, count: 500, after: SHA256.hash(genesis))
    let outcomes = Outcomes()
    DispatchQueue.concurrentPerform(iterations: 2) { _ in
      do {
        let other = try PostgresLog.connect(log.url)
        defer { other.close() }
        try other.append(batch)
        outcomes.add("appended")
      } catch let rejection as Rejection {
        outcomes.add(rejection.code)
      } catch {
        outcomes.add("\(error)")
      }
    }
    #expect(outcomes.all.sorted() == ["appended", "entry_breaks_chain"])
    #expect(try log.size() == 501)
    #expect(try server.sql(database, "SELECT count(*) FROM jianguan.ledger") == "501")
  }
}

/// What the threads of a test report, collected under a lock.
final class Outcomes: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [String] = []

  func add(_ value: String) {
    lock.lock()
    values.append(value)
    lock.unlock()
  }

  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return values
  }
}

extension PostgresLogTests {
  /// The audit reads one snapshot: appends committed while it runs never show up as a head row,
  /// tile or checkpoint out of step with the entries it read.
  @Test func auditDuringAppendsSeesOneSnapshot() throws {
    let server = try PostgresServer.server()
    let (log, genesis) = try Self.newLog(server, database: try server.createDatabase())
    defer { log.close() }
    let appender = try PostgresLog.connect(log.url)
    defer { appender.close() }
    let batches = 100
    let entries = Self.chain(from: 2, count: batches * 10, after: SHA256.hash(genesis))
    let outcomes = Outcomes()
    DispatchQueue.concurrentPerform(iterations: 2) { worker in
      do {
        if worker == 0 {
          for batch in 0..<batches { try appender.append(Array(entries[batch * 10..<batch * 10 + 10])) }
        } else {
          for _ in 0..<40 {
            // The filler entries are not of a kind the replay knows: only those faults are expected.
            for fault in try log.audit().faults where !fault.message.contains("the entry cannot be read") {
              outcomes.add(fault.description)
            }
          }
        }
      } catch {
        outcomes.add("\(error)")
      }
    }
    #expect(outcomes.all == [])
    #expect(try log.size() == Int64(1 + batches * 10))
  }
}

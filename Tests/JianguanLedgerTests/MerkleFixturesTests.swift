import Foundation
import JianguanCrypto
import JianguanLedger
import Testing

/// Test helpers for the Merkle, note and checkpoint tests (kept in one enum so that its names
/// cannot clash with other tests in this module).
enum MerkleFixtures {
  /// The directory of this source file, symlinks resolved (the scratch package links to it).
  static func sourceDirectory(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
  }

  /// `Tests/Fixtures/<relativePath>`: the repository's copy of the public test vectors.
  static func testdata(_ relativePath: String) throws -> URL {
    let candidate = sourceDirectory().deletingLastPathComponent().appendingPathComponent("Fixtures")
      .appendingPathComponent(relativePath)
    guard FileManager.default.fileExists(atPath: candidate.path) else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidate.path])
    }
    return candidate
  }

  /// The package root: the nearest ancestor holding `Tools/crosscheck`.
  static func packageRoot() -> URL? {
    var directory = sourceDirectory()
    while directory.path != "/" {
      if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Tools/crosscheck").path) {
        return directory
      }
      directory.deleteLastPathComponent()
    }
    return nil
  }

  static func bytes(_ hex: String) -> [UInt8] {
    guard let bytes = Hex.decode(hex) else { fatalError("bad hex in a test: \(hex)") }
    return bytes
  }

  /// Deterministic, varied entries: entry i is i's decimal digits repeated i % 7 + 1 times.
  static func entries(count: Int) -> [[UInt8]] {
    (0..<count).map { index in Array(String(repeating: "\(index),", count: index % 7 + 1).utf8) }
  }

  /// MTH by the recursive definition of RFC 6962 §2.1, with no storage tricks.
  static func naiveRoot(_ leaves: ArraySlice<MerkleHash>) -> MerkleHash {
    switch leaves.count {
    case 0: return SHA256.hash([UInt8]())
    case 1: return leaves.first!
    default:
      var k = 1
      while k << 1 < leaves.count { k <<= 1 }
      let split = leaves.startIndex + k
      return Merkle.nodeHash(naiveRoot(leaves[..<split]), naiveRoot(leaves[split...]))
    }
  }

  /// PATH(m, D[n]) by RFC 6962 §2.1.1's recursive definition.
  static func naivePath(_ m: Int, _ leaves: ArraySlice<MerkleHash>) -> [MerkleHash] {
    if leaves.count <= 1 { return [] }
    var k = 1
    while k << 1 < leaves.count { k <<= 1 }
    let split = leaves.startIndex + k
    if m < k { return naivePath(m, leaves[..<split]) + [naiveRoot(leaves[split...])] }
    return naivePath(m - k, leaves[split...]) + [naiveRoot(leaves[..<split])]
  }

  /// PROOF(m, D[n]) = SUBPROOF(m, D[n], true) by RFC 6962 §2.1.2's recursive definition.
  static func naiveConsistency(_ m: Int, _ leaves: ArraySlice<MerkleHash>, _ whole: Bool = true)
    -> [MerkleHash]
  {
    if m == leaves.count { return whole ? [] : [naiveRoot(leaves)] }
    var k = 1
    while k << 1 < leaves.count { k <<= 1 }
    let split = leaves.startIndex + k
    if m <= k { return naiveConsistency(m, leaves[..<split], whole) + [naiveRoot(leaves[split...])] }
    return naiveConsistency(m - k, leaves[split...], false) + [naiveRoot(leaves[..<split])]
  }

  /// The error a throwing call raised, or nil.
  static func error<E: Error>(_ type: E.Type, _ body: () throws -> Void) -> E? {
    do {
      try body()
      return nil
    } catch let error as E {
      return error
    } catch {
      Issue.record("unexpected error type: \(error)")
      return nil
    }
  }
}

/// A hash reader that counts its calls and the hashes it hands out.
final class CountingMerkleReader: MerkleHashReader {
  let tree: InMemoryMerkleTree
  var calls = 0
  var hashesRead = 0

  init(_ tree: InMemoryMerkleTree) { self.tree = tree }

  func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    calls += 1
    hashesRead += indexes.count
    #expect(indexes == indexes.sorted(), "indexes should be requested in increasing order")
    return try tree.readHashes(indexes)
  }
}

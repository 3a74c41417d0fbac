import Foundation
import JianguanLedger
import Testing

/// transparency-dev/merkle's JSON proof cases (Tests/Fixtures/merkle/transparency-dev): the
/// `wantErr: true` ones must be refused and the others accepted. Hashes are base64 there.
@Suite("Merkle: transparency-dev/merkle proof cases")
struct MerkleTransparencyDevTests {
  struct InclusionCase: Decodable {
    let leafIdx: UInt64
    let treeSize: UInt64
    let root: String
    let leafHash: String
    let proof: [String]?
    let desc: String
    let wantErr: Bool
  }

  struct ConsistencyCase: Decodable {
    let size1: UInt64
    let size2: UInt64
    let root1: String
    let root2: String
    let proof: [String]?
    let desc: String
    let wantErr: Bool
  }

  /// Every `.json` file under `directory`, sorted for stable output.
  static func cases<Case: Decodable>(_ directory: String, as type: Case.Type) throws -> [(String, Case)] {
    let root = try MerkleFixtures.testdata(directory)
    let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
      .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
      .sorted { $0.path < $1.path }
    return try files.map { file in
      let relative = String(file.path.dropFirst(root.path.count + 1))
      return (relative, try JSONDecoder().decode(type, from: Data(contentsOf: file)))
    }
  }

  static func base64(_ text: String) -> [UInt8] {
    guard let data = Data(base64Encoded: text) else { fatalError("bad base64 in a vector: \(text)") }
    return [UInt8](data)
  }

  @Test func all98InclusionCases() throws {
    let cases = try Self.cases("merkle/transparency-dev/inclusion", as: InclusionCase.self)
    #expect(cases.count == 98)
    var accepted = 0
    for (name, test) in cases {
      // Sizes and indexes are uint64 there; 2^64 - 1 becomes -1 here, which must be refused too.
      let outcome = Result {
        try Merkle.verifyInclusion(
          leafHash: Self.base64(test.leafHash), index: Int64(bitPattern: test.leafIdx),
          size: Int64(bitPattern: test.treeSize), proof: (test.proof ?? []).map(Self.base64),
          root: Self.base64(test.root))
      }
      switch (outcome, test.wantErr) {
      case (.success, false): accepted += 1
      case (.failure(let error), true): #expect(error is MerkleError, "\(name): \(error)")
      case (.success, true): Issue.record("\(name) (\(test.desc)) was accepted but must be refused")
      case (.failure(let error), false): Issue.record("\(name) (\(test.desc)) was refused: \(error)")
      }
    }
    #expect(accepted == cases.filter { !$0.1.wantErr }.count)
  }

  @Test func all98ConsistencyCases() throws {
    let cases = try Self.cases("merkle/transparency-dev/consistency", as: ConsistencyCase.self)
    #expect(cases.count == 98)
    for (name, test) in cases {
      let outcome = Result {
        try Merkle.verifyConsistency(
          oldSize: Int64(bitPattern: test.size1), newSize: Int64(bitPattern: test.size2),
          oldRoot: Self.base64(test.root1), newRoot: Self.base64(test.root2),
          proof: (test.proof ?? []).map(Self.base64))
      }
      switch (outcome, test.wantErr) {
      case (.success, false), (.failure, true): break
      case (.success, true): Issue.record("\(name) (\(test.desc)) was accepted but must be refused")
      case (.failure(let error), false): Issue.record("\(name) (\(test.desc)) was refused: \(error)")
      }
    }
  }
}

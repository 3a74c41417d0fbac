import Foundation
import JianguanCrypto
import Testing

@testable import JianguanLedger

/// docs/LEDGER-FORMAT.md §2's worked examples are real entries: each hex block hashes to the
/// SHA-256 the page gives, decodes as an entry of this format and re-encodes to the same bytes.
@Suite struct LedgerFormatDocTests {
  @Test func theWorkedExamplesHashAndDecodeAsThePageSays() throws {
    let page = MerkleFixtures.sourceDirectory().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/LEDGER-FORMAT.md")
    let text = try String(contentsOf: page, encoding: .utf8)
    let pattern = try Regex(#"```hex\n([0-9a-f\n]+)```\s+SHA-256 = `([0-9a-f]{64})`"#)
    let examples = text.matches(of: pattern).map { match in
      (String(match.output[1].substring!).filter { $0 != "\n" }, String(match.output[2].substring!))
    }
    #expect(examples.count == 2)
    var kinds: [String] = []
    for (hex, hash) in examples {
      let bytes = try #require(Hex.decode(hex))
      #expect(Hex.encode(SHA256.hash(bytes)) == hash)
      let entry = try Entry.parse(bytes)
      #expect(entry.bytes == bytes)
      _ = try Event(kind: entry.kind, payload: entry.payload)
      kinds.append(entry.kind)
    }
    #expect(kinds == ["genesis", "payment"])
  }
}

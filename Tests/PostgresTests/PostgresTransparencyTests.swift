import Foundation
import JianguanTestSupport
import Testing

/// Checkpoints, consistency proofs and receipts on a postgres:// URL: the same
/// `CheckpointOperation` as on a file, so the same log signed with the same key gives the same
/// notes, proofs and receipts on both stores, and a refused signing writes nothing.
@Suite(
  "checkpoints and receipts on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresTransparencyTests {
  @Test func checkpointsProofsAndReceiptsAreTheSameOnBothStores() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url, _) = try bureau.twinCounties(on: server)
    for name in ["bureau.key", "other.key"] {
      try bureau.ok([
        "key", "generate", "--name", "jianguan.340104.example/ledger", "--out", bureau.path(name),
      ])
    }
    let steps: [[String]] = [
      Bureau.countyInstitution,
      ["checkpoint", "sign", "--key", bureau.path("bureau.key")],
      ["action", "record", "--date", "2026-06-20", "--region", "340104", "--institutions-checked", "3"],
      ["checkpoint", "sign", "--key", bureau.path("bureau.key"), "--format", "json"],
      ["checkpoint", "list", "--format", "json"],
      ["proof", "consistency", "3", "9"],
      ["receipt", "export", "5", "--key", bureau.path("bureau.key")],
      ["checkpoint", "sign", "--key", bureau.path("other.key"), "--new-key"],
    ]
    for step in steps {
      let onFile = try bureau.ok(step + ["--db", file])
      let onURL = try bureau.ok(step + ["--db", url])
      #expect(onFile.stdout == onURL.stdout && !onURL.stdout.isEmpty, "\(step[0]) \(step[1])")
    }
    #expect(try bureau.export(url) == (try bureau.export(file)))
    // Refusals: the same sentence, nothing written.
    let before = try bureau.export(url)
    for step in [
      ["checkpoint", "sign", "--key", bureau.path("bureau.key")],
      ["checkpoint", "sign", "--key", bureau.path("other.key"), "--new-key"],
      ["proof", "consistency", "9", "3"],
      ["proof", "consistency", "3", "900"],
      ["receipt", "export", "900", "--key", bureau.path("other.key")],
    ] {
      let onFile = try bureau.run(step + ["--db", file])
      let onURL = try bureau.run(step + ["--db", url])
      #expect(onFile.status == 1 && onURL.status == 1, "\(step): \(onURL.stderr)")
      #expect(onFile.stderr == onURL.stderr && !onURL.stderr.isEmpty, "\(step): \(onURL.stderr)")
    }
    #expect(try bureau.export(url) == before)
    // A receipt named by its record is looked up through the bureau's cache, as on the file: this
    // bureau has no enrollment, and both say so in the same sentence, nothing written.
    let byEnrollment = ["receipt", "export", "--enrollment", "E1", "--key", bureau.path("other.key")]
    let onURL = try bureau.run(byEnrollment + ["--db", url])
    let onFile = try bureau.run(byEnrollment + ["--db", file])
    #expect(onURL.status == 1 && onURL.stderr.contains("enrollment \"E1\" does not exist"), "\(onURL.stderr)")
    #expect(onURL.stderr == onFile.stderr)
    #expect(try bureau.export(url) == before)
    let receipt = bureau.path("receipt.json")
    try Data(
      try bureau.ok(["receipt", "export", "2", "--key", bureau.path("other.key"), "--db", url]).stdout.utf8
    )
    .write(to: URL(fileURLWithPath: receipt))
    let verified = try bureau.ok(["receipt", "verify", receipt, "--pub", bureau.path("other.key.pub")])
    #expect(verified.stdout.hasPrefix("receipt ok: entry 2"), "\(verified.stdout)")
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok") == true)
  }
}

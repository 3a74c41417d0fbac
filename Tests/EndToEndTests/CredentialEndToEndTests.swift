import Foundation
import JianguanTestSupport
import Testing

/// `jianguan credential`: a token is printed once and is nowhere else — not in `credential list`,
/// not in the exported log; refusals exit 1 and write nothing; the outside verifier follows the
/// credential entries.
@Suite(.serialized) struct CredentialEndToEndTests {
  @Test(.enabled(if: CLI.hasCBOR2, CLI.noCBOR2), arguments: TestStore.all)
  func issueListRevokeFromTheCommandLine(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    try cli.useDemoDatabase()

    let issued = try cli.run(["credential", "issue", "--role", "regulator"])
    #expect(issued.status == 0, "\(issued.stderr)")
    let token = try #require(issued.stdout.firstMatch(of: /jg_[0-9a-f]{64}/)).0
    #expect(issued.stdout.contains("credential C1 issued at seq"))
    let json = try cli.run(["credential", "issue", "--role", "parent", "--parent", "P1", "--format", "json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["id"] as? String == "C2" && object["role"] as? String == "parent")
    #expect(object["parent"] as? String == "P1" && (object["token"] as? String)?.hasPrefix("jg_") == true)

    // Bad input: one sentence naming the option, exit 1, not a byte written.
    let before = cli.databaseDigest()
    for (arguments, sentence) in [
      (["--role", "institution"], "role institution needs --institution"),
      (["--role", "teacher"], "role \"teacher\" is not a role; the roles are regulator"),
      (["--role", "bank", "--bank", "花旗银行"], "bank \"花旗银行\" holds no institution's escrow account"),
      (["--role", "auditor", "--parent", "P1"], "--parent \"P1\" does not apply to role auditor"),
    ] {
      let refused = try cli.run(["credential", "issue"] + arguments)
      #expect(refused.status == 1 && refused.stderr.contains(sentence), "\(refused.stderr)")
      #expect(refused.stdout.isEmpty && !refused.stderr.contains("jg_"))
    }
    #expect(try cli.run(["credential", "revoke", "C5", "--reason", "离职"]).status == 1)
    #expect(cli.databaseDigest() == before)

    #expect(try cli.run(["credential", "revoke", "C1", "--reason", "离职"]).status == 0)
    let list = try cli.run(["credential", "list"])
    #expect(list.stdout.contains("C1  regulator") && list.stdout.contains("revoked at seq"))
    #expect(list.stdout.contains("C2  parent") && list.stdout.contains("active"))
    let export = try cli.run(["ledger", "export"])
    for secret in [list.stdout, export.stdout] {
      #expect(!secret.contains(String(token.dropFirst(3))), "a token is shown once and stored nowhere")
    }
    #expect(export.stdout.contains("\"kind\":\"credential.revoked\""))
    #expect(try cli.run(["audit"]).status == 0)

    let exportFile = cli.folder.appendingPathComponent("export.jsonl")
    try Data(export.stdout.utf8).write(to: exportFile)
    let verifier = CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path
    let verified = try CLI.run(
      CLI.verifierPython, [verifier, exportFile.path], environment: cli.environment, in: cli.folder)
    #expect(verified.status == 0, "\(verified.stdout)")
    // A second revocation of C1, with the chain made good around it, is caught by the verifier.
    let revoked = try #require(
      export.stdout.split(separator: "\n").last { $0.contains("credential.revoked") })
    try Data((export.stdout + revoked + "\n").utf8).write(to: exportFile)
    let doubled = try CLI.run(
      CLI.verifierPython, [verifier, exportFile.path], environment: cli.environment, in: cli.folder)
    #expect(doubled.status == 1)
  }
}

import Foundation
import GRDB
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanTestSupport
import Testing

/// Credentials of the platform service: issued and revoked as entries, kept only as a hash, and
/// a token that speaks for exactly its principal until it is revoked.
@Suite struct CredentialTests {
  @Test(arguments: TestStore.all) func aTokenSpeaksForItsPrincipalUntilRevoked(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()
    _ = try fixture.student()
    let regulator = try fixture.database.issueCredential(role: .regulator)
    let institution = try fixture.database.issueCredential(role: .institution, institution: uscc)
    let parent = try fixture.database.issueCredential(role: .parent, parent: "P1")
    let bank = try fixture.database.issueCredential(role: .bank, bank: "中国银行")
    #expect([regulator, institution, parent, bank].map(\.principal.credential) == ["C1", "C2", "C3", "C4"])
    for issued in [regulator, institution, parent, bank] {
      #expect(try fixture.database.principal(bearerToken: issued.token) == issued.principal)
      #expect(issued.token.hasPrefix("jg_") && issued.token.utf8.count == 67)
    }
    #expect(try fixture.database.principal(bearerToken: institution.token)?.institution == uscc)
    // The token is nowhere in the file or the log: only its SHA-256.
    let file = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
    let wal = (try? Data(contentsOf: URL(fileURLWithPath: fixture.path + "-wal"))) ?? Data()
    for issued in [regulator, institution, parent, bank] {
      let secret = Data(issued.token.dropFirst(3).utf8)
      #expect(file.range(of: secret) == nil && wal.range(of: secret) == nil)
    }
    // A guess, a token with one digit changed, a truncated one: nothing.
    var changed = Array(parent.token)
    changed[changed.count - 1] = changed.last == "0" ? "1" : "0"
    for guess in [
      String(changed), String(parent.token.dropLast()), "", "Bearer " + parent.token,
      "jg_" + String(repeating: "0", count: 64),
    ] {
      #expect(try fixture.database.principal(bearerToken: guess) == nil)
    }
    let revoked = try fixture.database.revokeCredential("C3", reason: "家长更换手机")
    #expect(try fixture.database.principal(bearerToken: parent.token) == nil)
    #expect(try fixture.database.principal(bearerToken: bank.token) == bank.principal)
    let listed = try fixture.database.credentials()
    #expect(listed.map(\.principal.credential) == ["C1", "C2", "C3", "C4"])
    #expect(listed[2].revokedSeq == revoked.seq && listed[2].revokedReason == "家长更换手机")
    #expect(listed.filter { $0.revokedSeq != nil }.count == 1)
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func refusalsNameTheOptionAndWriteNothing(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()
    _ = try fixture.student()
    _ = try fixture.database.issueCredential(role: .auditor)
    let before = try fixture.snapshot()
    let cases: [(String, () throws -> Void)] = [
      ("credential_scope_missing", { _ = try fixture.database.issueCredential(role: .institution) }),
      ("credential_scope_missing", { _ = try fixture.database.issueCredential(role: .bank) }),
      (
        "credential_scope_not_for_role",
        { _ = try fixture.database.issueCredential(role: .regulator, institution: uscc) }
      ),
      (
        "credential_scope_not_for_role",
        { _ = try fixture.database.issueCredential(role: .parent, parent: "P1", bank: "中国银行") }
      ),
      (
        "institution_unknown",
        { _ = try fixture.database.issueCredential(role: .institution, institution: "52340104MJ0000000X") }
      ),
      ("parent_unknown", { _ = try fixture.database.issueCredential(role: .parent, parent: "P9") }),
      ("bank_holds_no_escrow", { _ = try fixture.database.issueCredential(role: .bank, bank: "中国人民银行") }),
      ("credential_unknown", { _ = try fixture.database.revokeCredential("C7", reason: "离职") }),
      (
        "personal_data_in_text", { _ = try fixture.database.revokeCredential("C1", reason: "13800138000 丢失") }
      ),
    ]
    for (code, body) in cases {
      #expect(rejectionCode(body) == code)
    }
    #expect(try fixture.snapshot() == before, "a refused request writes nothing")
    _ = try fixture.database.revokeCredential("C1", reason: "审计结束")
    #expect(
      rejectionCode { _ = try fixture.database.revokeCredential("C1", reason: "审计结束") }
        == "credential_revoked")
  }

  @Test(arguments: TestStore.all) func anErasedParentsCredentialAdmitsNothing(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    _ = try fixture.student()
    let parent = try fixture.database.issueCredential(role: .parent, parent: "P1")
    _ = try fixture.database.eraseParent("P1", reason: "家长申请删除", confirmed: true)
    #expect(try fixture.database.principal(bearerToken: parent.token) == nil)
    #expect(
      rejectionCode { _ = try fixture.database.issueCredential(role: .parent, parent: "P1") }
        == "parent_erased")
    #expect(try fixture.database.audit().ok)
  }

  @Test(arguments: TestStore.all) func theAuditFindsACredentialAddedOrChangedByHand(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, _) = try fixture.openClass()
    _ = try fixture.database.issueCredential(role: .institution, institution: uscc)
    #expect(try fixture.database.audit().ok)
    // An attacker with the file gives themselves a regulator's token, or widens a scope.
    let hash = Data(repeating: 7, count: 32)
    try fixture.tamperCoveringTracks { db in
      try db.execute(
        sql: "INSERT INTO credentials(id, role, token_hash, seq) VALUES ('C2', 'regulator', ?, 1)",
        arguments: [hash])
    }
    let faults = try fixture.database.audit().faults.map(\.message).joined(separator: "\n")
    #expect(faults.contains("credentials"))
    try fixture.tamperCoveringTracks { db in
      try db.execute(sql: "DELETE FROM credentials WHERE id = 'C2'")
      try db.execute(sql: "UPDATE credentials SET role = 'regulator', institution = NULL WHERE id = 'C1'")
    }
    #expect(try fixture.database.audit().faults.contains { $0.message.contains("credentials") })
  }
}

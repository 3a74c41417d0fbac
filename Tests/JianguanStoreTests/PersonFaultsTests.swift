import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import Testing

@testable import JianguanStore

/// The audit's check of `persons`, which opens every sealed record on two threads: each kind of
/// fault is found, in the order of the rows, whichever half a row falls in.
@Suite struct PersonFaultsTests {
  let vault = PersonalDataVault(keyPath: "/nonexistent", masterKey: Array(0..<32))

  func idNumber(_ index: Int) -> String { "34010420100101" + String(format: "%04d", index) }

  /// A person as a sound table holds them.
  func row(_ index: Int, role: String = "student") throws -> AppDatabase.PersonRow {
    let id = idNumber(index)
    let commitment = try vault.commitment(idNumber: id)
    let sealed = try vault.seal(
      PersonalRecord(name: "学生\(index)", idNumber: id, phone: nil), commitment: commitment)
    return AppDatabase.PersonRow(
      commitment: commitment, role: role, seq: Int64(index), erased: false, hasRow: true, storedRole: role,
      masked: ResidentID.mask(id), sealed: sealed)
  }

  func changed(
    _ row: AppDatabase.PersonRow, erased: Bool? = nil, hasRow: Bool? = nil, storedRole: String? = nil,
    masked: String? = nil, sealed: Data? = nil
  ) -> AppDatabase.PersonRow {
    AppDatabase.PersonRow(
      commitment: row.commitment, role: row.role, seq: row.seq, erased: erased ?? row.erased,
      hasRow: hasRow ?? row.hasRow, storedRole: storedRole ?? row.storedRole, masked: masked ?? row.masked,
      sealed: sealed ?? row.sealed)
  }

  @Test func eachFaultIsFoundInTheOrderOfTheRows() throws {
    var rows = try (0..<300).map { try row($0) }
    rows[5] = changed(rows[5], hasRow: false)
    var flipped = rows[100].sealed!
    flipped[20] ^= 1
    rows[100] = changed(rows[100], sealed: flipped)
    rows[150] = changed(rows[150], storedRole: "parent")
    // Another ID number sealed under this row's commitment: it opens, and gives another commitment.
    rows[200] = changed(
      rows[200],
      sealed: try vault.seal(
        PersonalRecord(name: "学生", idNumber: idNumber(999), phone: nil), commitment: rows[200].commitment))
    rows[250] = changed(rows[250], masked: "3401**********9999")
    rows[280] = changed(rows[280], erased: true)
    let expected: [(Int64, String)] = [
      (5, "the student the log commits to has no row"),
      (100, "the sealed personal data does not open with the key"),
      (150, "role is not student, as the log gives"),
      (200, "the sealed ID number does not give this commitment"),
      (250, "masked_id does not mask the sealed ID number"),
      (280, "the log erased this person but the row still holds data"),
    ]
    let faults = AppDatabase.personFaults(rows, vault: vault)
    #expect(faults.map(\.seq) == expected.map(\.0))
    #expect(zip(faults, expected).allSatisfy { $0.message.hasSuffix($1.1) }, "\(faults.map(\.message))")
    // Without the key, only what needs no key.
    let keyless = AppDatabase.personFaults(rows, vault: nil)
    #expect(keyless.map(\.seq) == [5, 150, 280])
    // One row at a time gives the same faults as the halves on two threads.
    #expect(
      rows.flatMap { AppDatabase.personFaults([$0], vault: vault) }.map(\.message) == faults.map(\.message))
  }

  /// The keys derived once at `init` are the ones `derivedKey` derives.
  @Test func theKeysKeptAreTheDerivedOnes() throws {
    let id = idNumber(7)
    let commitment = try vault.commitment(idNumber: id)
    let key = try vault.derivedKey("commitment")
    #expect(commitment == Hex.encode(HMACSHA256.mac(key: key, message: Array("resident-id\n\(id)".utf8))))
    let sealed = [UInt8](
      try vault.seal(PersonalRecord(name: "甲", idNumber: id, phone: "13800000000"), commitment: commitment))
    let plaintext = try AESGCM.open(
      Array(sealed[12..<(sealed.count - 16)]), tag: Array(sealed[(sealed.count - 16)...]),
      key: try vault.derivedKey("sealing"), nonce: Array(sealed[0..<12]), aad: Array(commitment.utf8))
    #expect(try JSONDecoder().decode(PersonalRecord.self, from: Data(plaintext)).phone == "13800000000")
    let keyless = PersonalDataVault(keyPath: "/nonexistent", masterKey: nil)
    #expect(throws: Rejection.self) { try keyless.commitment(idNumber: id) }
  }
}

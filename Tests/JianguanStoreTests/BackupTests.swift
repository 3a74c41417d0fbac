import Foundation
import GRDB
import JianguanCore
import JianguanLedger
import JianguanStore
import Testing

/// `backup` copies a consistent snapshot and audits it; `restore` puts only a verified copy in place.
@Suite struct BackupTests {
  @Test func aBackupVerifiesAndRestores() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    _ = try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: classID))
    let copy = fixture.directory.appendingPathComponent("copy.sqlite").path
    let report = try fixture.database.backup(to: copy)
    #expect(report.audit.ok && report.bytes > 0)
    #expect(report.audit.rootHash == (try fixture.database.audit().rootHash))
    #expect(!FileManager.default.fileExists(atPath: copy + ".key"))
    #expect(rejectionCode { _ = try fixture.database.backup(to: copy) } == "to_exists")

    let restored = fixture.directory.appendingPathComponent("restored.sqlite").path
    let result = try AppDatabase.restore(
      from: copy, to: restored, keyPath: fixture.path + ".key", replace: false,
      reference: StoreFixture.reference)
    #expect(result.audit.ok && result.keyOpensPersonalData == true)
    #expect(
      rejectionCode {
        _ = try AppDatabase.restore(
          from: copy, to: restored, keyPath: "k", replace: false, reference: StoreFixture.reference)
      } == "db_exists")
    let other = try AppDatabase.restore(
      from: copy, to: restored, keyPath: "/nonexistent.key", replace: true, reference: StoreFixture.reference)
    #expect(other.keyOpensPersonalData == false)
  }

  @Test func restoreRefusesACopyThatDoesNotVerify() throws {
    let fixture = try StoreFixture()
    _ = try fixture.student()
    let copy = fixture.directory.appendingPathComponent("copy.sqlite").path
    _ = try fixture.database.backup(to: copy)
    let queue = try DatabaseQueue(path: copy)
    try queue.write { db in
      try db.execute(sql: "DROP TRIGGER ledger_no_update")
      try db.execute(
        sql: "UPDATE ledger SET entry = CAST(replace(entry, 'P1', 'P2') AS BLOB) WHERE seq = ?",
        arguments: [2 + StoreFixture.calendarEntries])
    }
    try queue.close()
    let target = fixture.directory.appendingPathComponent("target.sqlite").path
    #expect(throws: BackupVerificationFailed.self) {
      _ = try AppDatabase.restore(
        from: copy, to: target, keyPath: "k", replace: false, reference: StoreFixture.reference)
    }
    #expect(!FileManager.default.fileExists(atPath: target))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path)
    #expect(!leftovers.contains { $0.contains(".partial-") })
  }
}

import Foundation
import GRDB
import JianguanCore
import JianguanLedger
import JianguanStore
import Testing

/// Right to erasure: a parent's and their children's personal data leaves the database, the
/// ledger records `parent.erased`, and the chain, the money and the audit stay sound.
@Suite struct ErasureTests {
  @Test func erasureRemovesPersonalDataAndKeepsTheAudit() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    let student = try fixture.student()
    let enrollment = try fixture.pay(fixture.paymentForm(student: student, classID: classID))
    let before = try fixture.database.parentView("P1")
    #expect(before.name == "家长" && before.maskedPhone == "138****8000" && before.erasedSeq == nil)
    let sealed = try fixture.raw().read { db in try Data.fetchAll(db, sql: "SELECT sealed FROM persons") }
    #expect(sealed.count == 2)

    let erased = try fixture.database.eraseParent("P1")
    let after = try fixture.database.parentView("P1")
    #expect(after.name == AppDatabase.erasedText && after.maskedID == AppDatabase.erasedText)
    #expect(after.erasedSeq == erased.seq && after.children.map(\.name) == [AppDatabase.erasedText])
    #expect(try fixture.database.contract(enrollment: enrollment).parentName == AppDatabase.erasedText)
    #expect(try fixture.database.audit().ok)
    // No byte of the sealed records is left in the file (secure_delete, WAL checkpointed).
    let file = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
    let wal = (try? Data(contentsOf: URL(fileURLWithPath: fixture.path + "-wal"))) ?? Data()
    for blob in sealed {
      #expect(file.range(of: blob) == nil && wal.range(of: blob) == nil)
    }
    #expect(rejectionCode { _ = try fixture.database.eraseParent("P1") } == "parent_already_erased")
    #expect(rejectionCode { _ = try fixture.database.eraseParent("P9") } == "parent_unknown")
    #expect(
      rejectionCode {
        _ = try fixture.database.addStudent(
          parent: "P1", name: "新生", idNumber: fixture.nextResidentID(bornIn: 2017), grade: "3",
          today: fixture.today)
      } == "parent_erased")
    // Money still moves for the erased family: a refund of the enrollment passes the audit.
    _ = try fixture.database.refund(enrollment: enrollment, hours: "2", reason: "搬家", bankRef: "R-ERASED")
    #expect(try fixture.database.audit().ok)
  }

  @Test func theAuditFindsPersonalDataPutBackAfterAnErasure() throws {
    let fixture = try StoreFixture()
    _ = try fixture.student()
    let sealed = try fixture.raw().read { db in try Data.fetchOne(db, sql: "SELECT sealed FROM persons")! }
    let erased = try fixture.database.eraseParent("P1")
    try fixture.raw().write { db in
      try db.execute(sql: "UPDATE persons SET sealed = ? WHERE role = 'parent'", arguments: [sealed])
    }
    let report = try fixture.database.audit()
    #expect(report.faults.contains { $0.seq == erased.seq && $0.message.contains("still stored") })
    try fixture.raw().write { db in try db.execute(sql: "DELETE FROM erasures") }
    #expect(try fixture.database.audit().faults.contains { $0.message.contains("erasures table has 0 rows") })
  }

  @Test func theReplayRefusesErasuresOfUnknownOrErasedParents() {
    var state = LedgerState()
    _ = state.apply(.genesis(Genesis(authority: "a", region: "340100", origin: "o")), seq: 1)
    #expect(!state.apply(.parentFlow(.parentErased(ParentErased(parent: "P1"))), seq: 2).isEmpty)
    #expect(state.apply(.parentRegistered(ParentRegistered(id: "P1", commitment: "c1")), seq: 3).isEmpty)
    #expect(state.apply(.parentFlow(.parentErased(ParentErased(parent: "P1"))), seq: 4).isEmpty)
    #expect(!state.apply(.parentFlow(.parentErased(ParentErased(parent: "P1"))), seq: 5).isEmpty)
    let student = StudentAdded(id: "S1", parent: "P1", commitment: "c2", grade: 3)
    #expect(
      state.apply(.studentAdded(student), seq: 6).map(\.message) == [
        "student of parent P1, whose personal data was erased at seq 4"
      ])
  }

  @Test func theErasureEntryHasOnlyTheParentID() throws {
    let event = Event.parentFlow(.parentErased(ParentErased(parent: "P7")))
    #expect(event.kind == "parent.erased")
    #expect(event.payload.canonicalText == #"{"parent":"P7"}"#)
    #expect(try Event(kind: "parent.erased", payload: event.payload) == event)
  }
}

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

    let erased = try fixture.database.eraseParent("P1", reason: "家长申请删除", confirmed: true)
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
    #expect(
      rejectionCode { _ = try fixture.database.eraseParent("P1", reason: "家长申请删除", confirmed: true) }
        == "parent_already_erased")
    #expect(
      rejectionCode { _ = try fixture.database.eraseParent("P9", reason: "家长申请删除", confirmed: true) }
        == "parent_unknown")
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
    let erased = try fixture.database.eraseParent("P1", reason: "家长申请删除", confirmed: true)
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

  @Test func theErasureEntryHasOnlyTheParentIDAndTheReason() throws {
    let event = Event.parentFlow(.parentErased(ParentErased(parent: "P7", reason: "家长申请")))
    #expect(event.kind == "parent.erased")
    #expect(event.payload.canonicalText == #"{"parent":"P7","reason":"家长申请"}"#)
    #expect(try Event(kind: "parent.erased", payload: event.payload) == event)
    // Entries written before the reason was required still read.
    let old = Event.parentFlow(.parentErased(ParentErased(parent: "P7")))
    #expect(old.payload.canonicalText == #"{"parent":"P7"}"#)
    #expect(try Event(kind: "parent.erased", payload: old.payload) == old)
  }

  /// Issue 14.10: erasing needs a reason and an explicit confirmation; without either, one
  /// sentence and nothing written.
  @Test func erasureNeedsAReasonAndAConfirmation() throws {
    let fixture = try StoreFixture()
    _ = try fixture.student()
    let before = try fixture.snapshot()
    let database = fixture.database
    #expect(
      rejectionCode { _ = try database.eraseParent("P1", reason: nil, confirmed: true) }
        == "erasure_reason_missing")
    #expect(
      rejectionCode { _ = try database.eraseParent("P1", reason: "家长申请删除", confirmed: false) }
        == "erasure_not_confirmed")
    #expect(
      rejectionCode { _ = try database.eraseParent("P1", reason: "家长电话13800138000", confirmed: true) }
        == "personal_data_in_text")
    #expect(try fixture.snapshot() == before)
    let erased = try database.eraseParent("P1", reason: "家长申请删除", confirmed: true)
    let entry = try fixture.raw().read { db in
      try Entry.parse(
        [UInt8](Data.fetchOne(db, sql: "SELECT entry FROM ledger WHERE seq = ?", arguments: [erased.seq])!))
    }
    #expect(entry.payload == .object(["parent": .string("P1"), "reason": .string("家长申请删除")]))
  }

  /// Issue 14.10: after an erasure the same ID number can be registered again, as a parent or as a
  /// child; it takes a new commitment, the erased record stays erased and the audit passes.
  @Test func anErasedIDNumberCanBeRegisteredAgain() throws {
    let fixture = try StoreFixture()
    let database = fixture.database
    let adult = "11010519491231002X"
    let child = fixture.nextResidentID(bornIn: 2015)
    let first = try database.registerParent(
      name: "家长", idNumber: adult, phone: "13800138000", today: fixture.today)
    _ = try database.addStudent(
      parent: first.id, name: "学生", idNumber: child, grade: "5", today: fixture.today)
    _ = try database.eraseParent(first.id, reason: "登记有误", confirmed: true)
    let again = try database.registerParent(
      name: "家长", idNumber: adult, phone: "13900139000", today: fixture.today)
    let childAgain = try database.addStudent(
      parent: again.id, name: "学生", idNumber: child, grade: "5", today: fixture.today)
    #expect(again.id == "P2" && childAgain.id == "S2")
    let view = try database.parentView(again.id)
    #expect(view.name == "家长" && view.maskedPhone == "139****9000" && view.erasedSeq == nil)
    #expect(view.children.map(\.name) == ["学生"])
    #expect(try database.parentView(first.id).name == AppDatabase.erasedText)
    let commitments = try fixture.raw().read { db in
      try String.fetchAll(db, sql: "SELECT commitment FROM parents ORDER BY seq")
    }
    #expect(commitments.count == 2 && commitments[0] != commitments[1])
    // A standing registration still blocks the number.
    #expect(
      rejectionCode {
        _ = try database.registerParent(
          name: "家长", idNumber: adult, phone: "13800138000", today: fixture.today)
      } == "person_already_registered")
    #expect(
      rejectionCode {
        _ = try database.addStudent(
          parent: again.id, name: "学生", idNumber: child, grade: "5", today: fixture.today)
      } == "person_already_registered")
    let audit = try database.audit()
    #expect(audit.ok, "\(audit.faults)")
  }
}

import Foundation
import GRDB
import JianguanCore
import JianguanLedger
import JianguanStore
import Testing

/// Each kind of tampering an operator with the sqlite3 shell could do is found by the audit,
/// which names the seq where it is.
@Suite struct TamperTests {
  /// A small ledger: registry, two payments, a lesson, a refund. Returns the fixture and the seq of the first payment.
  func ledger() throws -> (StoreFixture, Int64) {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    let payment = try fixture.database.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "10", amount: "1000"),
      now: StoreFixture.now)
    let other = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "5", amount: "500"))
    let lesson = try fixture.database.recordLesson(
      enrollment: payment.id, hours: "1", taughtAt: "2026-03-07T09:00", now: StoreFixture.now)
    _ = try fixture.database.confirmLesson(lesson.id)
    _ = try fixture.database.refund(enrollment: other, hours: "2", reason: "r", bankRef: "R-1")
    #expect(try fixture.database.audit().ok)
    return (fixture, payment.seq)
  }

  func faultSeqs(_ fixture: StoreFixture) throws -> Set<Int64> {
    let report = try fixture.database.audit()
    #expect(!report.ok)
    return Set(report.faults.map(\.seq))
  }

  @Test func theLedgerRefusesUpdatesAndDeletesWhileItsTriggersStand() throws {
    let (fixture, seq) = try ledger()
    let raw = try fixture.raw()
    #expect(throws: DatabaseError.self) {
      try raw.write { try $0.execute(sql: "UPDATE ledger SET kind = 'x' WHERE seq = ?", arguments: [seq]) }
    }
    #expect(throws: DatabaseError.self) {
      try raw.write { try $0.execute(sql: "DELETE FROM ledger WHERE seq = ?", arguments: [seq]) }
    }
  }

  /// Replaces the bytes `old` (hex) of entry `seq` with `new`, its trigger dropped.
  func edit(_ fixture: StoreFixture, seq: Int64, replacing old: String, with new: String) throws {
    try fixture.raw().write { db in
      try db.execute(sql: "DROP TRIGGER ledger_no_update")
      try db.execute(
        sql: "UPDATE ledger SET entry = CAST(replace(entry, X'\(old)', X'\(new)') AS BLOB) WHERE seq = ?",
        arguments: [seq])
    }
  }

  @Test func anEditedAmountIsFound() throws {
    let (fixture, seq) = try ledger()
    // "amountFen": 100000 → 900000, in the entry's CBOR.
    try edit(
      fixture, seq: seq, replacing: "69616d6f756e7446656e1a000186a0", with: "69616d6f756e7446656e1a000dbba0")
    #expect(try faultSeqs(fixture).contains(seq))
  }

  /// The last entry has no successor whose `prev` holds its hash, and no column stores the hash
  /// again: an edit of it that the rules accept (the refund's reason) is found by its Merkle leaf.
  @Test func anEditedLastEntryIsFoundByItsMerkleLeaf() throws {
    let (fixture, _) = try ledger()
    let size = try fixture.database.size()
    // "reason": "r" → "s", in the refund's CBOR.
    try edit(fixture, seq: size, replacing: "66726561736f6e6172", with: "66726561736f6e6173")
    let report = try fixture.database.audit()
    #expect(report.faults.contains { $0.message.contains("table merkle_tiles") }, "\(report.faults)")
  }

  @Test func aDeletedEntryIsFound() throws {
    let (fixture, seq) = try ledger()
    try fixture.raw().write { db in
      try db.execute(sql: "DROP TRIGGER ledger_no_delete")
      try db.execute(sql: "DELETE FROM ledger WHERE seq = ?", arguments: [seq])
    }
    #expect(try faultSeqs(fixture).contains(seq))
  }

  @Test func swappedEntriesAreFound() throws {
    let (fixture, seq) = try ledger()
    try fixture.raw().write { db in
      try db.execute(sql: "DROP TRIGGER ledger_no_update")
      try db.execute(
        sql: """
          UPDATE ledger SET entry = CASE seq WHEN ?1 THEN (SELECT entry FROM ledger WHERE seq = ?2)
            ELSE (SELECT entry FROM ledger WHERE seq = ?1) END
          WHERE seq IN (?1, ?2)
          """, arguments: [seq, seq + 1])
    }
    let seqs = try faultSeqs(fixture)
    #expect(seqs.contains(seq) && seqs.contains(seq + 1))
  }

  @Test func aChangedProjectionBalanceIsFound() throws {
    let (fixture, seq) = try ledger()
    let (escrow, released) = try fixture.raw().write { db in
      let row = try Row.fetchOne(db, sql: "SELECT escrow_fen, released_fen FROM enrollments WHERE id = 'E1'")!
      try db.execute(
        sql:
          "UPDATE enrollments SET escrow_fen = escrow_fen - 100, released_fen = released_fen + 100 WHERE id = 'E1'"
      )
      return (row[0] as Int64, row[1] as Int64)
    }
    let messages = try fixture.database.audit().faults.map(\.message)
    // Each column against the replay's balance, and the row against the rebuilt table.
    #expect(
      messages.contains("enrollment E1: table has escrow_fen = \(escrow - 100), the ledger gives \(escrow)"))
    #expect(
      messages.contains(
        "enrollment E1: table has released_fen = \(released + 100), the ledger gives \(released)"))
    let rebuilt = messages.contains { $0.hasPrefix("table enrollments, row ") && $0.contains("_fen is ") }
    #expect(rebuilt, "\(messages)")
    #expect(!(try fixture.database.audit().faults.filter { $0.seq >= seq }.isEmpty))
  }

  @Test func aForgedEntryWithACorrectHashButAWrongPreviousHashIsFound() throws {
    let (fixture, _) = try ledger()
    let size = try fixture.database.size()
    let forged = Entry(
      seq: size + 1, time: "2026-11-29T10:00:00Z", kind: "institution.suspended",
      payload: Event.institutionStatusChanged(
        InstitutionStatusChanged(uscc: "X", status: .suspended, reason: "forged")
      ).payload,
      previousHash: [UInt8](repeating: 7, count: 32))
    try fixture.raw().write { db in
      try db.execute(
        sql: "INSERT INTO ledger(seq, kind, entry) VALUES (?, ?, ?)",
        arguments: [forged.seq, forged.kind, Data(forged.bytes)])
    }
    let report = try fixture.database.audit()
    #expect(report.faults.contains { $0.seq == size + 1 && $0.message.contains("chain is broken") })
  }
}

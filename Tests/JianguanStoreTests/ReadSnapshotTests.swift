import Foundation
import JianguanCore
import JianguanStore
import Testing

/// Reads nest: everything read inside `readTogether` comes from one snapshot of the file, even
/// while another connection commits (the service answers a request from one snapshot).
@Suite struct ReadSnapshotTests {
  @Test func readsInsideReadTogetherSeeOneSnapshotWhileAnotherConnectionWrites() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    _ = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "10", amount: "1000"))
    let student = try fixture.student()
    // A second connection to the same file, as the service's writer is.
    let other = try AppDatabase.open(
      path: fixture.path, keyPath: fixture.path + ".key", reference: StoreFixture.reference,
      clock: fixture.clock.reading)
    let (before, during, sizeBefore, sizeDuring) = try fixture.database.readTogether {
      let before = try fixture.database.balance(.all).paidFen
      let sizeBefore = try fixture.database.size()
      _ = try other.pay(
        fixture.paymentForm(student: student, classID: classID, hours: "5", amount: "500"),
        now: StoreFixture.now)
      return (before, try fixture.database.balance(.all).paidFen, sizeBefore, try fixture.database.size())
    }
    #expect(before == 100_000)
    #expect(during == before, "a read inside the same readTogether saw another connection's commit")
    #expect(sizeDuring == sizeBefore)
    // Outside it, the next read sees the commit.
    #expect(try fixture.database.balance(.all).paidFen == 150_000)
    #expect(try fixture.database.size() == sizeBefore + 2)
  }

  @Test func aReadThatFailsLeavesNoTransactionOpen() throws {
    let fixture = try StoreFixture()
    #expect(throws: Rejection.self) { try fixture.database.balance(.enrollment("E404")) }
    // A transaction left open would keep the snapshot: this write from another connection must be
    // seen by the next read.
    let (_, classID) = try fixture.openClass()
    _ = try fixture.pay(
      fixture.paymentForm(student: try fixture.student(), classID: classID, hours: "10", amount: "1000"))
    #expect(try fixture.database.balance(.all).paidFen == 100_000)
  }
}

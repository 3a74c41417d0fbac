import Foundation
import JianguanCore
import JianguanStore
import Testing

/// Batch commit: one durable commit for many operations, each with its own outcome.
@Suite struct BatchCommitTests {
  @Test func aRefusedOperationWritesNothingAndTheOthersCommit() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    let good = fixture.paymentForm(
      student: try fixture.student(), classID: classID, hours: "10", amount: "1000")
    var unknownClass = fixture.paymentForm(
      student: try fixture.student(), classID: classID, hours: "10", amount: "1000")
    unknownClass.classID = "B999"
    let alsoGood = fixture.paymentForm(
      student: try fixture.student(), classID: classID, hours: "5", amount: "500")
    let size = try fixture.database.size()
    let outcomes = try fixture.database.batch(
      [good, unknownClass, alsoGood].map { form in
        { database in try database.pay(form, now: StoreFixture.now).id }
      })
    #expect(outcomes.count == 3)
    #expect((try? outcomes[0].get()) == "E1" && (try? outcomes[2].get()) == "E2")
    guard case .failure(let error) = outcomes[1], let rejection = error as? Rejection else {
      Issue.record("the payment to an unknown class was not refused: \(outcomes[1])")
      return
    }
    #expect(rejection.message.contains("B999"))
    #expect(try fixture.database.size() == size + 4, "two payments, each with its contract")
    #expect(try fixture.database.audit().ok)
  }

  @Test func anOperationThatFailsAfterAppendingIsRolledBackAndTheChainStaysWhole() throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass()
    let form = fixture.paymentForm(
      student: try fixture.student(), classID: classID, hours: "10", amount: "1000")
    struct Interrupted: Error {}
    let size = try fixture.database.size()
    let outcomes = try fixture.database.batch([
      { database in
        // Appends a venue, then fails: the savepoint takes the venue back.
        _ = try database.addVenue(institution: uscc, address: "蜀山区四号楼", areaM2: "70")
        throw Interrupted()
      },
      { database in try database.pay(form, now: StoreFixture.now).id },
    ])
    #expect(outcomes[0].isFailure && !outcomes[1].isFailure)
    #expect(try fixture.database.size() == size + 2)
    let report = try fixture.database.audit()
    #expect(report.ok, "\(report.faults)")
  }

  /// Across Merkle tile boundaries (256 leaves), with operations rolled back after appending
  /// between them: the tiles the batch writes at its commit are those of the entries committed.
  @Test func tilesWrittenAtTheCommitMatchTheEntriesAcrossRolledBackOperations() throws {
    let fixture = try StoreFixture()
    let (uscc, _) = try fixture.openClass()
    struct Interrupted: Error {}
    for round in 0..<2 {
      let operations: [(AppDatabase) throws -> Int64] = (0..<200).map { number in
        { database in
          let seq = try database.addVenue(institution: uscc, address: "蜀山区\(round)-\(number)号楼", areaM2: "70")
            .seq
          if number % 7 == 3 { throw Interrupted() }
          return seq
        }
      }
      let outcomes = try fixture.database.batch(operations)
      #expect(outcomes.filter(\.isFailure).count == 29)
      let report = try fixture.database.audit()
      #expect(report.ok, "round \(round): \(report.faults)")
    }
    #expect(try fixture.database.size() > 256)
  }

  /// An erasure copies the WAL back into the file; inside a batch (the service's group commit)
  /// that waits for the batch's commit instead of opening a write inside the batch's write.
  @Test func anErasureInABatchCommitsAndLeavesNoWALBehind() throws {
    let fixture = try StoreFixture()
    let student = try fixture.student()
    let parent = try fixture.database.studentHistory(student).parent
    let outcomes = try fixture.database.batch([
      { database in try database.eraseParent(parent, reason: "家长申请删除", confirmed: true).seq }
    ])
    #expect((try? outcomes[0].get()) != nil, "\(outcomes[0])")
    #expect(try fixture.database.parentView(parent).erasedSeq != nil)
    let wal = try FileManager.default.attributesOfItem(atPath: fixture.path + "-wal")[.size] as? Int
    #expect(wal == 0, "the WAL still holds \(wal ?? -1) bytes after the erasure's batch")
    #expect(try fixture.database.audit().ok)
  }
}

extension Result {
  var isFailure: Bool {
    if case .failure = self { return true }
    return false
  }

}

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
}

extension Result {
  var isFailure: Bool {
    if case .failure = self { return true }
    return false
  }
}

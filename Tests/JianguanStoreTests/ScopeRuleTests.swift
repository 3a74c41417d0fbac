import Foundation
import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

/// The scope rule lives in the store, so the service's routes and the web pages' forms apply the
/// same one: each role sees what it may, and a record outside its scope is refused with exactly
/// the sentence of a record that does not exist.
@Suite struct ScopeRuleTests {
  @Test(arguments: TestStore.all) func eachRoleSeesItsOwnAndOthersLookMissing(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (mine, myClass) = try fixture.openClass()
    let (theirs, theirClass) = try fixture.openClass()
    let myStudent = try fixture.student()
    let enrollment = try fixture.pay(fixture.paymentForm(student: myStudent, classID: myClass))
    let parent = try fixture.database.show(.enrollments, enrollment).text("parent")!
    let bank = try fixture.database.institution(mine).escrowBank
    let db = fixture.database

    func refusal(_ body: () throws -> Void) -> Rejection? {
      do {
        try body()
        return nil
      } catch let rejection as Rejection { return rejection } catch { return nil }
    }
    let missing = refusal { _ = try db.show(.classes, "B999") }!

    let institution = Principal(credential: "C1", role: .institution, institution: mine)
    #expect(try db.record(.classes, myClass, for: institution).id == myClass)
    let hidden = refusal { _ = try db.record(.classes, theirClass, for: institution) }
    #expect(hidden?.code == missing.code)
    #expect(hidden?.message == missing.message.replacingOccurrences(of: "B999", with: theirClass))
    #expect(try db.record(.enrollments, enrollment, for: institution).id == enrollment)
    #expect(refusal { _ = try db.institution(theirs, for: institution) }?.code == "institution_unknown")

    let parentPrincipal = Principal(credential: "C2", role: .parent, parent: parent)
    #expect(try db.record(.enrollments, enrollment, for: parentPrincipal).id == enrollment)
    #expect(refusal { _ = try db.record(.classes, myClass, for: parentPrincipal) }?.code == missing.code)
    let stranger = Principal(credential: "C3", role: .parent, parent: "P999")
    #expect(
      refusal { _ = try db.record(.enrollments, enrollment, for: stranger) }?.code == "enrollment_unknown")

    let bankPrincipal = Principal(credential: "C4", role: .bank, bank: bank)
    #expect(try db.record(.enrollments, enrollment, for: bankPrincipal).id == enrollment)
    let otherBank = Principal(credential: "C5", role: .bank, bank: "另一家银行")
    #expect(refusal { _ = try db.record(.classes, myClass, for: otherBank) }?.code == missing.code)

    let auditor = Principal(credential: "C6", role: .auditor)
    #expect(
      refusal { _ = try db.record(.enrollments, enrollment, for: auditor) }?.code == "enrollment_unknown")
    let regulator = Principal(credential: "C7", role: .regulator)
    #expect(try db.record(.classes, theirClass, for: regulator).id == theirClass)
  }
}

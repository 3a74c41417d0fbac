import GRDB
import JianguanCore
import JianguanStore
import JianguanTestSupport
import Testing

@Suite struct PaymentRuleTests {
  @Test(arguments: TestStore.all) func aPaymentCreatesAnEnrollmentHoldingTheMoneyInEscrow(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (uscc, classID) = try fixture.openClass()
    let student = try fixture.student()
    let enrollment = try fixture.pay(
      fixture.paymentForm(student: student, classID: classID, hours: "20", amount: "1999.99"))
    let balance = try fixture.database.balance(.enrollment(enrollment))
    #expect(balance.paidFen == 199_999 && balance.escrowFen == 199_999 && balance.hoursRemaining == 20)
    #expect(try fixture.database.balance(.institution(uscc)).escrowFen == 199_999)
  }

  /// Each rule of a payment, refused on its own, with the database unchanged.
  @Test(arguments: TestStore.all) func eachPaymentRuleRefusesAndWritesNothing(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (uscc, classID) = try fixture.openClass(capacity: 1)
    // Starting 16 March, 60 hours of its 6 a week run to Sunday 24 May, past 20 May.
    let (_, longClass) = try fixture.openClass(starts: "2026-03-16", ends: "2026-06-30")
    let (_, shortClass) = try fixture.openClass(ends: "2026-03-20")
    let (suspendedSchool, suspendedClass) = try fixture.openClass()
    _ = try fixture.database.changeInstitutionStatus(uscc: suspendedSchool, to: .suspended, reason: "整改")
    let first = try fixture.student()
    let second = try fixture.student()
    _ = try fixture.pay(fixture.paymentForm(student: first, classID: classID))
    let before = try fixture.snapshot()
    let cases: [(String, PaymentForm)] = [
      ("class_full", fixture.paymentForm(student: second, classID: classID)),
      (
        "hours_over_charge_limit",
        fixture.paymentForm(student: first, classID: classID, hours: "61", amount: "100")
      ),
      (
        "charge_beyond_months",
        fixture.paymentForm(student: first, classID: longClass, hours: "60", at: "2026-02-20T10:00")
      ),
      (
        "amount_over_charge_cap",
        fixture.paymentForm(student: first, classID: shortClass, hours: "60", amount: "5000.01")
      ),
      ("payment_too_early", fixture.paymentForm(student: first, classID: shortClass, at: "2026-01-31T23:59")),
      (
        "amount_over_listed_price",
        fixture.paymentForm(student: first, classID: classID, hours: "10", amount: "1000.01")
      ),
      ("institution_not_active", fixture.paymentForm(student: first, classID: suspendedClass)),
      ("class_ended", fixture.paymentForm(student: first, classID: classID, at: "2026-05-30T09:00")),
      ("student_unknown", fixture.paymentForm(student: "S99", classID: classID)),
      ("class_unknown", fixture.paymentForm(student: first, classID: "B99")),
      ("payment_in_future", fixture.paymentForm(student: first, classID: classID, at: "2026-07-01T09:00")),
    ]
    for (expected, form) in cases {
      #expect(rejectionCode { _ = try fixture.database.pay(form, now: StoreFixture.now) } == expected)
    }
    for amount in ["12.345", "-5", "1e3", "￥100", "99999999999999999999", "", " 5", "1,000"] {
      let form = fixture.paymentForm(student: first, classID: classID, amount: amount)
      #expect(
        rejectionCode { _ = try fixture.database.pay(form, now: StoreFixture.now) }?.hasPrefix("amount")
          == true, "amount \(amount)")
    }
    #expect(try fixture.snapshot() == before)
    // A renewal by an enrolled student needs no new place.
    #expect(try fixture.pay(fixture.paymentForm(student: first, classID: classID)).hasPrefix("E"))
    _ = uscc
  }

  @Test(arguments: TestStore.all) func theSameBankReferenceIsIdempotentOnlyForTheSameContent(store: TestStore)
    throws
  {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass()
    let student = try fixture.student()
    let form = fixture.paymentForm(student: student, classID: classID, ref: "BOC-20260220-0001")
    let first = try fixture.database.pay(form, now: StoreFixture.now)
    let size = try fixture.database.size()
    var later = form
    later.paidAt = "2026-02-21T09:00"  // times are not compared
    let again = try fixture.database.pay(later, now: StoreFixture.now)
    #expect(again.repeated && again.id == first.id && again.seq == first.seq)
    #expect(try fixture.database.size() == size)
    var different = form
    different.amountYuan = "1999"
    #expect(
      rejectionCode { _ = try fixture.database.pay(different, now: StoreFixture.now) }
        == "bank_ref_reused_with_different_content")
    let refund = try fixture.database.refund(
      enrollment: first.id, hours: "2", reason: "r", bankRef: "BOC-R-1")
    let refundAgain = try fixture.database.refund(
      enrollment: first.id, hours: "2", reason: "另一个理由", bankRef: "BOC-R-1")
    #expect(refundAgain.repeated && refundAgain.id == refund.id)
    #expect(
      rejectionCode {
        _ = try fixture.database.refund(enrollment: first.id, hours: "3", reason: "r", bankRef: "BOC-R-1")
      } == "bank_ref_reused_with_different_content")
    #expect(
      rejectionCode {
        _ = try fixture.database.refund(enrollment: first.id, hours: "3", reason: "r", bankRef: form.bankRef)
      } == "bank_ref_reused_with_different_content")
  }

  /// `bank_refs` keeps a reference and the seq of the entry that used it, as its key without a
  /// rowid (no index beside the table): kind, content and result are read from that entry. One
  /// that names an entry which used no bank reference is a damaged table: refused, nothing written.
  @Test(arguments: TestStore.all) func aBankReferenceIsKeptOnceWithTheSeqOfItsEntry(store: TestStore) throws {
    let fixture = try StoreFixture(store: store)
    let (_, classID) = try fixture.openClass()
    let form = fixture.paymentForm(student: try fixture.student(), classID: classID, ref: "BOC-1")
    let first = try fixture.database.pay(form, now: StoreFixture.now)
    try fixture.raw().read { (db: Database) throws in
      #expect(try db.columns(in: "bank_refs").map(\.name) == ["ref", "seq"])
      #expect(
        try Int.fetchOne(
          db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'bank_refs' AND type = 'index'")
          == 0)
      #expect(try Int64.fetchOne(db, sql: "SELECT seq FROM bank_refs WHERE ref = 'BOC-1'") == first.seq)
    }
    try fixture.raw().write { db in
      try db.execute(sql: "UPDATE bank_refs SET seq = 1 WHERE ref = 'BOC-1'")
    }
    let before = try fixture.snapshot()
    #expect(throws: StoreError.self) { _ = try fixture.database.pay(form, now: StoreFixture.now) }
    #expect(try fixture.snapshot() == before)
  }
}

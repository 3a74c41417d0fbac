import JianguanCore
import JianguanLedger
import Testing

/// The payment rules run against any `PaymentState`: here one held in memory, with no database,
/// which is what a second store (or a replay) provides.
@Suite struct PaymentRulesTests {
  /// The ledger's state in memory, counting the questions the rules ask.
  final class MemoryState: PaymentState, BankRefState {
    var bankRefs: [String: BankRefUse] = [:]
    var parents = ["S1": "P1"]
    var classes: [String: PaymentClass] = [:]
    var policy = Policy()
    var holders: Set<String> = []
    var held: [ClassHolding] = []
    var placeQuestions = 0

    func earlierUse(ofBankRef bankRef: String) -> BankRefUse? { bankRefs[bankRef] }
    func parent(ofStudent student: String) -> String? { parents[student] }
    func paymentClass(_ id: String) -> PaymentClass? { classes[id] }
    func policy(forRegion region: String) -> Policy { policy }
    func holdsPlace(student: String, classID: String) -> Bool {
      placeQuestions += 1
      return holders.contains(student)
    }
    func holdings(student: String, classID: String) -> [ClassHolding] { held }
    func schedule(_ text: String) throws -> Schedule { try Schedule.parse(text, field: "schedule") }
  }

  static func klass(
    capacity: Int64 = 30, placesTaken: Int64 = 0, status: String = "active",
    escrowAccount: String = "6217000000010000",
    courseHours: Int64 = 48, pricePerHourFen: Int64 = 12_000, ends: String = "2026-06-30"
  ) -> PaymentClass {
    PaymentClass(
      uscc: "52340104MJ43079193", capacity: capacity, placesTaken: placesTaken, starts: "2026-03-02",
      ends: ends, course: "C1", courseName: "篮球", courseHours: courseHours, delivery: "offline",
      lessonMinutes: 60, pricePerHourFen: pricePerHourFen,
      institution: PaymentInstitution(
        uscc: "52340104MJ43079193", status: status, kind: "non-subject", region: "340104",
        escrowAccount: escrowAccount),
      institutionName: "启航体育", licence: "教民3401047000100号", mode: "escrow", escrowBank: "中国银行",
      schedule: "Sat 09:00-11:00")
  }

  static func request(hours: Int64 = 10, amountFen: Int64 = 100_000, paidAt: String = "2026-03-01T10:00")
    -> PaymentRequest
  {
    PaymentRequest(
      student: "S1", classID: "B1", hours: hours, amountFen: amountFen, bankRef: "BANK-1",
      paidAt: try! LocalDateTime.parse(paidAt, field: "at"))
  }

  static let now = try! LocalDateTime.parse("2026-03-01T12:00", field: "now")

  func code(_ request: PaymentRequest, _ state: MemoryState) -> String? {
    do {
      _ = try PaymentRules.decide(request, now: Self.now, state: state)
      return nil
    } catch let rejection as Rejection { return rejection.code } catch { return "\(error)" }
  }

  @Test func anAcceptedPaymentNamesTheStudentsParentAndTheClassTerms() throws {
    let state = MemoryState()
    state.classes["B1"] = Self.klass()
    guard case .accepted(let accepted) = try PaymentRules.decide(Self.request(), now: Self.now, state: state)
    else {
      Issue.record("the payment was not accepted")
      return
    }
    #expect(accepted.parent == "P1")
    #expect(accepted.institution.uscc == "52340104MJ43079193")
    #expect(accepted.klass.pricePerHourFen == 12_000)
  }

  @Test func eachRuleRefusesWithItsCodeInOrder() {
    let cases: [(String, (MemoryState) -> Void, PaymentRequest)] = [
      ("student_unknown", { $0.parents = [:] }, Self.request()),
      ("class_unknown", { $0.classes = [:] }, Self.request()),
      ("institution_not_active", { $0.classes["B1"] = Self.klass(status: "suspended") }, Self.request()),
      (
        "institution_without_escrow_account", { $0.classes["B1"] = Self.klass(escrowAccount: "") },
        Self.request()
      ),
      ("class_ended", { $0.classes["B1"] = Self.klass(ends: "2026-02-28") }, Self.request()),
      ("class_full", { $0.classes["B1"] = Self.klass(capacity: 30, placesTaken: 30) }, Self.request()),
      (
        "hours_over_charge_limit", { $0.held = [ClassHolding(unconsumedHours: 55, paidOn: "2026-02-20")] },
        Self.request()
      ),
      ("amount_over_charge_cap", { $0.policy.maxFenPerCharge = 99_999 }, Self.request()),
      ("payment_too_early", { _ in }, Self.request(paidAt: "2026-01-15T10:00")),
      ("hours_over_course_hours", { $0.classes["B1"] = Self.klass(courseHours: 8) }, Self.request()),
      ("amount_over_listed_price", { _ in }, Self.request(amountFen: 120_001)),
      ("payment_in_future", { _ in }, Self.request(paidAt: "2026-03-01T12:01")),
    ]
    for (expected, change, request) in cases {
      let state = MemoryState()
      state.classes["B1"] = Self.klass()
      change(state)
      #expect(code(request, state) == expected, "expected \(expected)")
    }
  }

  @Test func theStateIsAskedAboutAPlaceOnlyWhenTheClassIsFullAndARenewalNeedsNone() throws {
    let state = MemoryState()
    state.classes["B1"] = Self.klass(capacity: 30, placesTaken: 29)
    #expect(code(Self.request(), state) == nil)
    #expect(state.placeQuestions == 0)
    state.classes["B1"] = Self.klass(capacity: 30, placesTaken: 30)
    state.holders = ["S1"]
    #expect(code(Self.request(), state) == nil, "a student already holding hours renews without a new place")
    #expect(state.placeQuestions == 1)
  }

  @Test func aBankReferenceUsedBeforeIsARepeatWithTheSameContentAndARefusalWithOther() throws {
    let state = MemoryState()
    state.classes["B1"] = Self.klass()
    let request = Self.request()
    state.bankRefs["BANK-1"] = BankRefUse(
      seq: 40, kind: "payment", content: request.content.text, resultID: "E7")
    guard case .repeated(let id, let seq) = try PaymentRules.decide(request, now: Self.now, state: state)
    else {
      Issue.record("a retry was not recognised")
      return
    }
    #expect(id == "E7" && seq == 40)
    #expect(
      code(Self.request(hours: 11, amountFen: 110_000), state) == "bank_ref_reused_with_different_content")
    // A repeat is answered before any other rule: the class may have closed since.
    state.classes["B1"] = Self.klass(status: "revoked")
    #expect(code(request, state) == nil)
  }

  @Test func theListedPriceCeilingOverflowIsARefusalNotACrash() {
    let state = MemoryState()
    state.classes["B1"] = Self.klass(courseHours: 1_000_000, pricePerHourFen: Int64.max / 2)
    state.policy.maxHoursPerCharge = 1_000_000
    state.policy.maxFenPerCharge = Int64.max
    #expect(code(Self.request(hours: 3, amountFen: 1), state) == "amount_overflows")
  }
}

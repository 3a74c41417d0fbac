import JianguanCore
import Testing

@testable import JianguanLedger

/// A `contract.issued` entry states the model contract and the policy's two windows; every other
/// term is reassembled from the payment and the registry entries it follows. The replay checks
/// the windows against the policy in force, and a version 1 contract's stated terms against the
/// reassembled ones.
@Suite struct ContractReplayTests {
  let base = PaymentReplayTests()

  /// The state right after the payment of E1 (S1 into B1), and the policy's windows there.
  func afterPayment() -> (state: LedgerState, payment: Payment, window: Int64, answerDays: Int64) {
    var state = base.registry()
    let event = base.payment("E1", student: "S1")
    #expect(state.apply(event, seq: 20).isEmpty)
    guard case .payment(let payment) = event, let policy = try? state.policy(forRegion: "340104") else {
      fatalError("the fixture has a payment and a policy")
    }
    return (
      state, payment, Int64(policy.confirmationWindowWorkingDays), Int64(policy.refundAnswerWorkingDays)
    )
  }

  @Test func theContractsOtherTermsAreThePaymentsAndTheRegistrys() throws {
    var (state, payment, window, answerDays) = afterPayment()
    let contract = ContractIssued(
      enrollment: "E1", template: "GF-2021-2604", confirmationWindowWorkingDays: window,
      refundAnswerWorkingDays: answerDays)
    let klass = try #require(try state.paymentClass("B1"))
    let terms = ContractTerms(contract: contract, payment: payment, klass: klass)
    #expect(terms.institutionName == "启航体育" && terms.licence == "教民1")
    #expect(terms.escrowBank == "中国银行" && terms.escrowAccount == "6217000000010000" && terms.mode == "escrow")
    #expect(terms.courseName == "篮球" && terms.course == "C1" && terms.pricePerHourFen == 12_000)
    #expect(terms.delivery == "offline" && terms.lessonMinutes == 60)
    #expect(terms.starts == "2026-03-02" && terms.ends == "2026-06-30")
    #expect(terms.hours == 10 && terms.amountFen == 120_000 && terms.paymentBankRef == "PAY-E1")
    #expect(terms.parent == "P1" && terms.student == "S1" && terms.signedAt == payment.paidAt)
    #expect(state.apply(.parentFlow(.contractIssued(contract)), seq: 21).isEmpty)
  }

  @Test func aContractWhoseWindowsAreNotThePolicysIsAFault() {
    let (state, _, window, answerDays) = afterPayment()
    func faults(template: String = "GF-2021-2604", window: Int64, answerDays: Int64) -> [String] {
      var replay = state
      let contract = ContractIssued(
        enrollment: "E1", template: template, confirmationWindowWorkingDays: window,
        refundAnswerWorkingDays: answerDays)
      return replay.apply(.parentFlow(.contractIssued(contract)), seq: 21).map(\.message)
    }
    let sentence = "contract of E1 differs from the model contract or the policy in force in: "
    #expect(faults(window: window, answerDays: answerDays).isEmpty)
    #expect(
      faults(window: window + 1, answerDays: answerDays) == [sentence + "confirmationWindowWorkingDays"])
    #expect(faults(window: window, answerDays: answerDays - 1) == [sentence + "refundAnswerWorkingDays"])
    #expect(
      faults(template: "GF-2014-2604", window: window, answerDays: answerDays) == [sentence + "template"])
  }

  @Test func aVersion1ContractIsCheckedTermByTerm() throws {
    let (state, payment, window, answerDays) = afterPayment()
    let contract = ContractIssued(
      enrollment: "E1", template: "GF-2021-2604", confirmationWindowWorkingDays: window,
      refundAnswerWorkingDays: answerDays)
    let terms = ContractTerms(
      contract: contract, payment: payment, klass: try #require(try state.paymentClass("B1")))
    let (event, stated) = try EntryV1.event(kind: "contract.issued", payload: JSONValueCoder.encode(terms))
    #expect(event == .parentFlow(.contractIssued(contract)) && stated == terms)
    var messages: [String] = []
    state.checkStatedTerms(terms) { messages.append($0) }
    #expect(messages.isEmpty)
    var forged = terms
    forged.courseName = "奥数"
    forged.escrowAccount = "6217000000099999"
    state.checkStatedTerms(forged) { messages.append($0) }
    #expect(
      messages == ["contract of E1 differs from its payment or the registry in: courseName, escrowAccount"])
  }
}

import JianguanCore

/// What the replay knows of contracts, refund applications and ratings.
public struct ParentFlowState: Sendable {
  public struct RequestState: Equatable, Sendable {
    public var enrollment: String
    public var hours: Int64
    public var requestedOn: String
    public var answerDue: String
    /// open, agreed, refused, escalated
    public var status: String
    /// Who agreed or refused it last (`RefundRequestBasis`), nil while open.
    public var basis: String?
    /// The refund that executed it, once agreed.
    public var refund: String?
    public var lastSeq: Int64
    /// The parent's reason (the refund executing it quotes it), and the day of the last answer.
    public var reason: String
    public var answeredOn: String?
  }

  public internal(set) var requests: [String: RequestState] = [:]
  /// Ratings by enrollment.
  public internal(set) var ratings: [String: RatingAdded] = [:]
  /// The registration of each institution, for checking the terms a contract quotes.
  var institutionTerms: [String: InstitutionRegistered] = [:]
  /// Parents whose personal data was erased, with the seq of the `parent.erased` entry.
  public internal(set) var erasedParents: [String: Int64] = [:]
  /// What the replay needs of the entry before the one being applied: the payment a contract
  /// must follow, or the agreement a refund must follow (kept instead of the whole event, which
  /// was copied at every entry).
  var previousPayment: Payment?
  var previousAgreedRequest: String?

  public init() {}
}

extension LedgerState {
  /// An agreed application is executed by the very next entry: its refund. A contract follows its
  /// payment in the same way.
  func checkAgreedRefundFollows(_ event: Event, fault: (String) -> Void) {
    if let agreed = parentFlows.previousAgreedRequest {
      if case .refund(let refund) = event, refund.request == agreed {
      } else {
        fault("refund request \(agreed) was agreed but the next entry is not its refund")
      }
    }
  }

  mutating func applyParentFlow(_ flow: ParentFlowEvent, seq: Int64, fault: (String) -> Void) {
    switch flow {
    case .contractIssued(let body): applyContract(body, fault: fault)
    case .refundRequestCreated(let body): applyRequestCreated(body, seq: seq, fault: fault)
    case .refundRequestAgreed(let body):
      applyRequestAnswer(
        body.request, basis: body.basis, agreed: true, on: body.on, seq: seq, fault: fault)
    case .refundRequestRefused(let body):
      applyRequestAnswer(
        body.request, basis: body.basis, agreed: false, on: body.on, seq: seq, fault: fault)
    case .refundRequestEscalated(let body): applyRequestEscalated(body, seq: seq, fault: fault)
    case .ratingAdded(let body): applyRating(body, seq: seq, fault: fault)
    case .parentErased(let body): applyParentErased(body, seq: seq, fault: fault)
    }
  }

  mutating func applyContract(_ body: ContractIssued, fault: (String) -> Void) {
    guard let payment = parentFlows.previousPayment, payment.enrollment == body.enrollment else {
      fault("contract of \(body.enrollment) does not immediately follow its payment")
      return
    }
    // The payment named this enrollment, so it has a slot.
    let slot = Int(enrollmentSlotInserting(body.enrollment))
    if enrollmentRecords[slot].hasContract {
      fault("contract of \(body.enrollment) is issued twice")
    } else {
      enrollmentRecords[slot].hasContract = true
    }
    // The other terms are the payment's and the registry's own entries; what the contract adds
    // is the model it follows and the windows of the policy in force for the institution's region.
    var differing: [String] = []
    if body.template != PaymentOperation.contractTemplate { differing.append("template") }
    if let region = institutions[payment.institution]?.region, let policy = try? policy(forRegion: region) {
      if body.confirmationWindowWorkingDays != Int64(policy.confirmationWindowWorkingDays) {
        differing.append("confirmationWindowWorkingDays")
      }
      if body.refundAnswerWorkingDays != Int64(policy.refundAnswerWorkingDays) {
        differing.append("refundAnswerWorkingDays")
      }
    }
    if !differing.isEmpty {
      fault(
        "contract of \(body.enrollment) differs from the model contract or the policy in force in: "
          + differing.joined(separator: ", "))
    }
  }

  mutating func applyRequestCreated(_ body: RefundRequestCreated, seq: Int64, fault: (String) -> Void) {
    if parentFlows.requests[body.request] != nil { fault("refund request \(body.request) is created twice") }
    guard let slot = enrollmentSlot(body.enrollment) else {
      fault("refund request \(body.request) for unknown enrollment \(body.enrollment)")
      return
    }
    var enrollment = view(slot)
    let bankRef = self.bankRef(of: enrollment.record)
    if body.paymentBankRef != bankRef {
      fault("refund request \(body.request) names payment \(body.paymentBankRef), not \(bankRef)")
    }
    if body.allRemaining && body.hours != enrollment.balance.hoursRemaining {
      fault(
        "refund request \(body.request) is for all remaining hours but says \(body.hours), not \(enrollment.balance.hoursRemaining)"
      )
    }
    do { try enrollment.balance.reserve(hours: body.hours) } catch {
      fault("refund request \(body.request): \(error)")
    }
    let requestedOn = String(body.requestedAt.prefix(10))
    if body.answerDue <= requestedOn {
      fault("refund request \(body.request) is due \(body.answerDue), not after its day \(requestedOn)")
    }
    checkNotAfterEntry(body.requestedAt, what: "requestedAt", fault: fault)
    checkAnswerDue(body, region: institutions[institution(of: enrollment.record)]?.region, fault: fault)
    enrollment.lastSeq = seq
    store(slot, enrollment)
    parentFlows.requests[body.request] = ParentFlowState.RequestState(
      enrollment: body.enrollment, hours: body.hours, requestedOn: requestedOn, answerDue: body.answerDue,
      status: "open", basis: nil, refund: nil, lastSeq: seq, reason: body.reason, answeredOn: nil)
  }

  /// Which answers may follow which state: the institution and a deemed agreement answer an open
  /// application; the regulator decides an escalated one; a closure agrees either.
  mutating func applyRequestAnswer(
    _ id: String, basis: RefundRequestBasis, agreed: Bool, on: String, seq: Int64, fault: (String) -> Void
  ) {
    let act = agreed ? "agreement" : "refusal"
    guard var request = parentFlows.requests[id] else {
      fault("\(act) of unknown refund request \(id)")
      return
    }
    // A closure executes escalated applications too (README: "Closing an institution executes its
    // open and escalated applications first").
    let allowed: Set<String> =
      basis == .regulator ? ["escalated"] : basis == .closure ? ["open", "escalated"] : ["open"]
    guard allowed.contains(request.status), agreed || (basis != .deemed && basis != .closure) else {
      fault("\(act) (\(basis.rawValue)) of refund request \(id), which is \(request.status)")
      return
    }
    if basis == .institution && (on > request.answerDue || on < request.requestedOn) {
      fault(
        "refund request \(id) answered by the institution on \(on), outside \(request.requestedOn)…\(request.answerDue)"
      )
    }
    if basis == .deemed && on <= request.answerDue {
      fault("refund request \(id) deemed agreed on \(on), before its answer was due (\(request.answerDue))")
    }
    if let slot = enrollmentSlot(request.enrollment), request.hours >= 1,
      balance(slot).hoursReserved >= request.hours
    {
      var enrollment = view(slot)
      enrollment.balance.unreserve(hours: request.hours)
      enrollment.lastSeq = seq
      store(slot, enrollment)
    } else {
      fault("refund request \(id): its \(request.hours) hours are not reserved")
    }
    request.status = agreed ? "agreed" : "refused"
    request.basis = basis.rawValue
    request.answeredOn = on
    request.lastSeq = seq
    parentFlows.requests[id] = request
  }

  mutating func applyRequestEscalated(_ body: RefundRequestEscalated, seq: Int64, fault: (String) -> Void) {
    guard var request = parentFlows.requests[body.request] else {
      fault("escalation of unknown refund request \(body.request)")
      return
    }
    guard request.status == "refused", request.basis == RefundRequestBasis.institution.rawValue else {
      fault("escalation of refund request \(body.request), which is not refused by the institution")
      return
    }
    if let slot = enrollmentSlot(request.enrollment) {
      var enrollment = view(slot)
      do { try enrollment.balance.reserve(hours: request.hours) } catch {
        fault("escalation of refund request \(body.request): \(error)")
      }
      enrollment.lastSeq = seq
      store(slot, enrollment)
    }
    request.status = "escalated"
    request.lastSeq = seq
    parentFlows.requests[body.request] = request
  }

  /// A refund naming a request must execute exactly that agreed request, for its hours.
  mutating func noteRequestExecuted(_ id: String, by refund: Refund, seq: Int64, fault: (String) -> Void) {
    guard var request = parentFlows.requests[id], request.status == "agreed", request.refund == nil else {
      fault("refund \(refund.refund) executes refund request \(id), which is not agreed and unexecuted")
      return
    }
    if request.enrollment != refund.enrollment || request.hours != refund.hours {
      fault(
        "refund \(refund.refund) does not refund the \(request.hours) hours of \(request.enrollment) that \(id) asked for"
      )
    }
    request.refund = refund.refund
    request.lastSeq = seq
    parentFlows.requests[id] = request
  }

  mutating func applyRating(_ body: RatingAdded, seq: Int64, fault: (String) -> Void) {
    guard let slot = enrollmentSlot(body.enrollment) else {
      fault("rating of unknown enrollment \(body.enrollment)")
      return
    }
    let enrollment = view(slot)
    if parentFlows.ratings[body.enrollment] != nil { fault("enrollment \(body.enrollment) is rated twice") }
    if institutionIDs.slot(body.institution) != enrollment.institution {
      fault(
        "rating of \(body.enrollment) names institution \(body.institution), not \(institution(of: enrollment.record))"
      )
    }
    if !(1...5).contains(body.score) {
      fault("rating of \(body.enrollment) has score \(body.score), not 1 to 5")
    }
    if enrollment.balance.hoursConsumed == 0 {
      fault("rating of \(body.enrollment) before any of its lessons was confirmed")
    }
    parentFlows.ratings[body.enrollment] = body
  }

  func parentFlowFinalFaults() -> [AuditFault] {
    if let agreed = parentFlows.previousAgreedRequest {
      return [
        AuditFault(
          seq: size, "refund request \(agreed) was agreed but the log ends before its refund")
      ]
    }
    return []
  }
}

extension LedgerState {
  /// Checks the terms a version 1 `contract.issued` stated against the ones its payment and the
  /// registry state, before the contract is applied: each that differs is named.
  public func checkStatedTerms(_ stated: ContractTerms, fault: (String) -> Void) {
    guard let payment = parentFlows.previousPayment, payment.enrollment == stated.enrollment,
      let klass = try? paymentClass(payment.classID)
    else { return }  // applying the contract reports it
    let contract = ContractIssued(
      enrollment: stated.enrollment, template: stated.template,
      confirmationWindowWorkingDays: stated.confirmationWindowWorkingDays,
      refundAnswerWorkingDays: stated.refundAnswerWorkingDays)
    guard
      case .object(let expected) = JSONValueCoder.encode(
        ContractTerms(contract: contract, payment: payment, klass: klass)),
      case .object(let given) = JSONValueCoder.encode(stated)
    else { return }
    let differing = expected.keys.sorted().filter { expected[$0] != given[$0] }
    if !differing.isEmpty {
      fault(
        "contract of \(stated.enrollment) differs from its payment or the registry in: "
          + differing.joined(separator: ", "))
    }
  }
}

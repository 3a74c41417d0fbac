/// The entries of the parent and institution apps: e-contracts, refund applications and their
/// answers, and satisfaction ratings. Kept in one nested enum so that `Event` grows by one case.
public enum ParentFlowEvent: Equatable, Sendable {
  case contractIssued(ContractIssued)
  case refundRequestCreated(RefundRequestCreated)
  case refundRequestAgreed(RefundRequestAnswer)
  case refundRequestRefused(RefundRequestAnswer)
  case refundRequestEscalated(RefundRequestEscalated)
  case ratingAdded(RatingAdded)
  /// A parent's personal data was erased (right to erasure); the commitments stay.
  case parentErased(ParentErased)

  /// Every entry kind of this group.
  public static let kinds: Set<String> = [
    "contract.issued", "refund-request.created", "refund-request.agreed", "refund-request.refused",
    "refund-request.escalated", "rating.added", "parent.erased",
  ]

  public var kind: String {
    switch self {
    case .contractIssued: "contract.issued"
    case .refundRequestCreated: "refund-request.created"
    case .refundRequestAgreed: "refund-request.agreed"
    case .refundRequestRefused: "refund-request.refused"
    case .refundRequestEscalated: "refund-request.escalated"
    case .ratingAdded: "rating.added"
    case .parentErased: "parent.erased"
    }
  }

  public var payload: JSONValue {
    switch self {
    case .contractIssued(let body): JSONValueCoder.encode(body)
    case .refundRequestCreated(let body): JSONValueCoder.encode(body)
    case .refundRequestAgreed(let body): JSONValueCoder.encode(body)
    case .refundRequestRefused(let body): JSONValueCoder.encode(body)
    case .refundRequestEscalated(let body): JSONValueCoder.encode(body)
    case .ratingAdded(let body): JSONValueCoder.encode(body)
    case .parentErased(let body): JSONValueCoder.encode(body)
    }
  }

  /// Decodes an entry of one of `kinds`; throws for any other kind or a malformed payload.
  public init(kind: String, payload: JSONValue) throws {
    func body<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueCoder.decode(type, from: payload) }
    switch kind {
    case "contract.issued": self = .contractIssued(try body(ContractIssued.self))
    case "refund-request.created": self = .refundRequestCreated(try body(RefundRequestCreated.self))
    case "refund-request.agreed": self = .refundRequestAgreed(try body(RefundRequestAnswer.self))
    case "refund-request.refused": self = .refundRequestRefused(try body(RefundRequestAnswer.self))
    case "refund-request.escalated": self = .refundRequestEscalated(try body(RefundRequestEscalated.self))
    case "rating.added": self = .ratingAdded(try body(RatingAdded.self))
    case "parent.erased": self = .parentErased(try body(ParentErased.self))
    default: throw Entry.FormatError(reason: "unknown entry kind \"\(kind)\"")
    }
  }
}

/// The e-contract of one payment, following the model contract GF-2021-2604 (中小学生校外培训服务合同),
/// as its entry records it: right after the payment's entry, the template followed and the two
/// terms the policy in force set. Every other term is stated once, by the payment and the
/// registry entries it names (`ContractTerms` reassembles the whole), so the entry repeats none.
public struct ContractIssued: Codable, Equatable, Sendable {
  /// The enrollment the payment created; a contract is named by it.
  public var enrollment: String
  /// The model contract followed: `GF-2021-2604`.
  public var template: String
  /// The working days a parent has to confirm or dispute a lesson before it is deemed confirmed.
  public var confirmationWindowWorkingDays: Int64
  /// The working days an institution has to answer a refund application.
  public var refundAnswerWorkingDays: Int64

  public init(
    enrollment: String, template: String, confirmationWindowWorkingDays: Int64, refundAnswerWorkingDays: Int64
  ) {
    self.enrollment = enrollment
    self.template = template
    self.confirmationWindowWorkingDays = confirmationWindowWorkingDays
    self.refundAnswerWorkingDays = refundAnswerWorkingDays
  }
}

/// The whole e-contract of one payment, as `contract show`, the web page and the service present
/// it: its `contract.issued` entry, the payment it follows, and the terms of the class, course and
/// institution the payment names, as the registry recorded them. Parties are ids only; no
/// personal data.
public struct ContractTerms: Codable, Equatable, Sendable {
  public var enrollment: String
  public var template: String
  public var institution: String
  public var institutionName: String
  public var licence: String
  public var parent: String
  public var student: String
  public var classID: String
  public var course: String
  public var courseName: String
  public var delivery: String
  public var lessonMinutes: Int64
  public var starts: String
  public var ends: String
  public var hours: Int64
  public var amountFen: Int64
  public var pricePerHourFen: Int64
  /// `escrow` (银行托管) or `reserve` (风险保证金).
  public var mode: String
  public var escrowBank: String
  public var escrowAccount: String
  public var confirmationWindowWorkingDays: Int64
  public var refundAnswerWorkingDays: Int64
  public var paymentBankRef: String
  public var signedAt: String

  /// The terms of `contract`, issued for `payment` into `klass` (the class as the payment rules
  /// read it, with its course and institution).
  public init(contract: ContractIssued, payment: Payment, klass: PaymentClass) {
    enrollment = contract.enrollment
    template = contract.template
    institution = payment.institution
    institutionName = klass.institutionName
    licence = klass.licence
    parent = payment.parent
    student = payment.student
    classID = payment.classID
    course = klass.course
    courseName = klass.courseName
    delivery = klass.delivery
    lessonMinutes = klass.lessonMinutes
    starts = klass.starts
    ends = klass.ends
    hours = payment.hours
    amountFen = payment.amountFen
    pricePerHourFen = klass.pricePerHourFen
    mode = klass.mode
    escrowBank = klass.escrowBank
    escrowAccount = klass.institution?.escrowAccount ?? ""
    confirmationWindowWorkingDays = contract.confirmationWindowWorkingDays
    refundAnswerWorkingDays = contract.refundAnswerWorkingDays
    paymentBankRef = payment.bankRef
    signedAt = payment.paidAt
  }

  enum CodingKeys: String, CodingKey {
    case enrollment, template, institution, institutionName, licence, parent, student, classID = "class",
      course, courseName, delivery, lessonMinutes, starts, ends, hours, amountFen, pricePerHourFen, mode,
      escrowBank, escrowAccount, confirmationWindowWorkingDays, refundAnswerWorkingDays, paymentBankRef,
      signedAt
  }
}

/// A parent's refund application; its hours are reserved until it is answered.
public struct RefundRequestCreated: Codable, Equatable, Sendable {
  public var request: String
  public var enrollment: String
  public var hours: Int64
  /// True when the parent asked for all remaining hours (`--all`).
  public var allRemaining: Bool
  public var reason: String
  public var requestedAt: String
  /// The last day the institution may answer: the 5th working day after the day of the request.
  public var answerDue: String
  /// The original payment's bank reference: the refund goes back by that route.
  public var paymentBankRef: String
  public init(
    request: String, enrollment: String, hours: Int64, allRemaining: Bool, reason: String,
    requestedAt: String, answerDue: String, paymentBankRef: String
  ) {
    self.request = request
    self.enrollment = enrollment
    self.hours = hours
    self.allRemaining = allRemaining
    self.reason = reason
    self.requestedAt = requestedAt
    self.answerDue = answerDue
    self.paymentBankRef = paymentBankRef
  }
}

/// Who agreed or refused a refund application.
public enum RefundRequestBasis: String, Codable, Sendable {
  /// The institution answered in time.
  case institution
  /// Not answered by the due day: deemed agreed by `settle`.
  case deemed
  /// The regulator decided an escalated application.
  case regulator
  /// The institution was closed: every open application is executed.
  case closure
}

/// An answer to an application: who answered (`basis`), why and on which day. Kind
/// `refund-request.agreed` (the very next entry is the `refund` that executes it) or
/// `refund-request.refused` (by the institution, it may be escalated; by the regulator, final).
public struct RefundRequestAnswer: Codable, Equatable, Sendable {
  public var request: String
  public var basis: RefundRequestBasis
  public var reason: String
  /// The day of the answer (for `deemed`, the day `settle` ran as of).
  public var on: String
  public init(request: String, basis: RefundRequestBasis, reason: String, on: String) {
    self.request = request
    self.basis = basis
    self.reason = reason
    self.on = on
  }
}

/// A refused application taken to the regulator as a complaint; its hours are reserved again.
public struct RefundRequestEscalated: Codable, Equatable, Sendable {
  public var request: String
  public var reason: String
  public var on: String
  public init(request: String, reason: String, on: String) {
    self.request = request
    self.reason = reason
    self.on = on
  }
}

/// A satisfaction rating (满意度测评) of an enrollment's class, once per enrollment.
public struct RatingAdded: Codable, Equatable, Sendable {
  public var enrollment: String
  public var institution: String
  public var score: Int64
  public var comment: String?
  public var on: String
  public init(enrollment: String, institution: String, score: Int64, comment: String?, on: String) {
    self.enrollment = enrollment
    self.institution = institution
    self.score = score
    self.comment = comment
    self.on = on
  }
}

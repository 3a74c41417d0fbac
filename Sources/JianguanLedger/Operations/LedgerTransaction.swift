import JianguanCore

/// What a domain operation asks of the store it runs in, inside one transaction of a batch: the
/// state its rules read, the clock, and the log to append to. The SQLite store implements it
/// (`JianguanStore`), and so can any other; the operations (`PaymentOperation`,
/// `LessonOperation`) and their rules are written once, against this, with no SQL.
public protocol LedgerTransaction: PaymentState, BankRefState, LessonState, RegistryState {
  /// The time entries appended now are dated, and what "now" is to the rules.
  func now() -> LocalDateTime
  /// Appends `event` as the next entry, with whatever the store keeps of it; returns its seq.
  func append(_ event: Event) throws -> Int64
  /// The id the next record of a kind gets (`E12`: the twelfth enrollment).
  func nextID(_ kind: NumberedRecord) throws -> String
  /// The lesson already recorded for `enrollment` at `taught`, if any (a recording is idempotent).
  func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson?
  /// The balance of an enrollment; nil when no payment created it.
  func balance(ofEnrollment id: String) throws -> EnrollmentBalance?
  /// The parent who paid for an enrollment; nil when no payment created it.
  func parent(ofEnrollment id: String) throws -> String?
  /// The institution (USCC) an enrollment pays; nil when no payment created it.
  func institution(ofEnrollment id: String) throws -> String?
  /// A recorded lesson; nil when none has that id.
  func recordedLesson(_ id: String) throws -> RecordedLesson?
  /// The person registered under an ID number's commitment; nil when none is.
  func person(commitment: String) throws -> RegisteredPerson?
  /// Keeps a person's sealed personal data under its commitment, outside the log.
  func keepPerson(commitment: String, role: String, maskedID: String, sealed: [UInt8]) throws
  /// Whether a registered parent's personal data was erased; nil when no parent has that id.
  func parentErased(_ id: String) throws -> Bool?

  /// The bank reference of the payment that created an enrollment; nil when none did.
  func paymentBankRef(ofEnrollment id: String) throws -> String?
  /// A refund application; nil when none has that id.
  func refundApplication(_ id: String) throws -> RefundApplication?
  /// The open applications whose answer was due before `day`, by due day, then seq.
  func openRefundApplications(dueBefore day: CalendarDate) throws -> [RefundApplication]
  /// The open and escalated applications for enrollments of an institution, by seq.
  func undecidedRefundApplications(ofInstitution uscc: String) throws -> [RefundApplication]
  /// The pending lessons recorded before `day`, by the day recorded, then seq.
  func pendingLessons(recordedBefore day: CalendarDate) throws -> [PendingLesson]
  /// The pending and disputed lessons of an institution's enrollments, in the order recorded.
  func unconfirmedLessons(ofInstitution uscc: String) throws -> [String]
  /// The enrollments of an institution that still hold escrow, in the order paid.
  func enrollmentsHoldingEscrow(ofInstitution uscc: String) throws -> [String]
  /// The rating of an enrollment; nil when it was not rated.
  func rating(ofEnrollment id: String) throws -> RatingAdded?
  /// A credential issued; nil when none has that id.
  func credential(_ id: String) throws -> CredentialStanding?
  /// The banks holding some institution's escrow account, each once, in order.
  func escrowBanks() throws -> [String]
  /// The seq of the entry that erased a parent's personal data; nil when it was not erased.
  func erasureSeq(ofParent id: String) throws -> Int64?
  /// Deletes the sealed personal data of a parent and of their children, kept outside the log,
  /// once the `parent.erased` entry is appended; the commitments stay.
  func erasePersonalData(ofParent id: String) throws
}

extension Rejection {
  /// An enrollment no payment created: the one sentence every operation and store gives.
  public static func enrollmentUnknown(_ id: String) -> Rejection {
    Rejection("enrollment_unknown", "enrollment \(quote(id)) does not exist")
  }
}

/// A lesson recorded before: its id, hours and the seq of its entry.
public struct EarlierLesson: Sendable {
  public let id: String
  public let hours: Int64
  public let seq: Int64

  public init(id: String, hours: Int64, seq: Int64) {
    self.id = id
    self.hours = hours
    self.seq = seq
  }
}

/// What an operation appended: the id of the record it created (or found), the seq of its entry,
/// and whether the request repeated an earlier one (then nothing was appended).
public struct Appended: Equatable, Sendable {
  public let id: String
  public let seq: Int64
  public let repeated: Bool

  public init(id: String, seq: Int64, repeated: Bool = false) {
    self.id = id
    self.seq = seq
    self.repeated = repeated
  }
}

/// The records an operation numbers.
public enum NumberedRecord: Sendable {
  case enrollment, lesson, refund, venue, teacher, course, klass, parent, student, refundRequest, credential

  /// The prefix of their ids (`E12`: the twelfth enrollment; courses and credentials share `C`).
  public var prefix: String {
    switch self {
    case .enrollment: "E"
    case .lesson: "L"
    case .refund: "R"
    case .venue: "V"
    case .teacher: "T"
    case .course: "C"
    case .klass: "B"
    case .parent: "P"
    case .student: "S"
    case .refundRequest: "RA"
    case .credential: "C"
    }
  }
}

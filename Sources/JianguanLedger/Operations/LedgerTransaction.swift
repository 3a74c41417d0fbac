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

/// The records an operation numbers, by the prefix of their ids.
public enum NumberedRecord: String, Sendable {
  case enrollment = "E"
  case lesson = "L"
  case refund = "R"
  case venue = "V"
  case teacher = "T"
  case course = "C"
  case klass = "B"
  case parent = "P"
  case student = "S"
}

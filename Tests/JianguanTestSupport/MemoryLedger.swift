import JianguanCore
import JianguanLedger

/// A second store, in memory, in a few lines: it keeps the log as events and answers the
/// operations' questions from the replay's own state (`LedgerState`). It has no copy of any rule,
/// and every entry it appends goes through the replay, which must accept it: what the SQLite store
/// does with its tables, this does with the replay, so the operations can be run on both and their
/// entries compared.
public final class MemoryLedger: LedgerTransaction {
  public private(set) var state = LedgerState()
  public private(set) var entries: [Event] = []
  public var clock: LocalDateTime
  private var bankRefUses: [String: BankRefUse] = [:]
  private var lessons: [String: EarlierLesson] = [:]

  public init(clock: LocalDateTime) { self.clock = clock }

  /// The replay refused an appended entry: a store never keeps what its audit rejects.
  public struct Refused: Error, CustomStringConvertible {
    public let faults: [AuditFault]
    public var description: String { faults.map(\.description).joined(separator: "; ") }
  }

  public func now() -> LocalDateTime { clock }

  public func append(_ event: Event) throws -> Int64 {
    let seq = Int64(entries.count + 1)
    var replayed = state
    var faults: [AuditFault] = []
    Array(LocalDateTime.utcTimestamp(unixSeconds: clock.unixSeconds).utf8).withUnsafeBufferPointer {
      replayed.noteEntryTime($0, seq: seq, faults: &faults)
    }
    faults += replayed.apply(event, seq: seq)
    guard faults.isEmpty else { throw Refused(faults: faults) }
    state = replayed
    entries.append(event)
    switch event {
    case .payment(let payment):
      bankRefUses[payment.bankRef] = BankRefUse(
        seq: seq, kind: "payment", content: PaymentContent(payment).text, resultID: payment.enrollment)
    case .lessonRecorded(let lesson):
      lessons[lesson.enrollment + "@" + lesson.taughtAt] = EarlierLesson(
        id: lesson.lesson, hours: lesson.hours, seq: seq)
    default: break
    }
    return seq
  }

  public func nextID(_ kind: NumberedRecord) throws -> String {
    switch kind {
    case .enrollment: "E\(state.enrollmentCount + 1)"
    case .lesson: "L\(state.lessonCount + 1)"
    }
  }

  public func earlierLesson(enrollment: String, taught: LocalDateTime) throws -> EarlierLesson? {
    lessons[enrollment + "@" + taught.description]
  }

  public func balance(ofEnrollment id: String) throws -> EnrollmentBalance? {
    state.enrollmentSlot(id).map { state.balance($0) }
  }

  public func earlierUse(ofBankRef bankRef: String) throws -> BankRefUse? { bankRefUses[bankRef] }
  public func parent(ofStudent student: String) throws -> String? { try state.parent(ofStudent: student) }
  public func paymentClass(_ id: String) throws -> PaymentClass? { try state.paymentClass(id) }
  public func policy(forRegion region: String) throws -> Policy { try state.policy(forRegion: region) }
  public func holdsPlace(student: String, classID: String) throws -> Bool {
    try state.holdsPlace(student: student, classID: classID)
  }
  public func holdings(student: String, classID: String) throws -> [ClassHolding] {
    try state.holdings(student: student, classID: classID)
  }
  public func schedule(_ text: String) throws -> Schedule { try state.schedule(text) }
  public func lessonEnrollment(_ id: String) throws -> LessonEnrollment? { try state.lessonEnrollment(id) }
  public func workingDayCalendar() throws -> WorkingDayCalendar { try state.workingDayCalendar() }
}

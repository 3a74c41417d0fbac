import JianguanCore

/// The answers an `EntryKeeper` without tables gives (the entry that used a bank reference, the
/// lesson already recorded for an enrollment at a time, the commitments of a parent's family),
/// learnt from the events as the log is replayed or appended to.
public struct EntryLookups: Sendable {
  private var bankRefSeqs: [String: Int64] = [:]
  private var lessons: [String: EarlierLesson] = [:]
  private var families: [String: [String]] = [:]

  public init() {}

  /// Learns what entry `seq`, `event`, tells.
  public mutating func note(_ event: Event, seq: Int64) {
    switch event {
    case .payment(let payment): bankRefSeqs[payment.bankRef] = seq
    case .refund(let refund): bankRefSeqs[refund.bankRef] = seq
    case .lessonRecorded(let lesson):
      lessons[lesson.enrollment + "@" + lesson.taughtAt] = EarlierLesson(
        id: lesson.lesson, hours: lesson.hours, seq: seq)
    case .parentRegistered(let parent): families[parent.id, default: []].insert(parent.commitment, at: 0)
    case .studentAdded(let student): families[student.parent, default: []].append(student.commitment)
    default: break
    }
  }

  /// The seq of the payment or refund that used `bankRef`.
  public func seq(ofBankRef bankRef: String) -> Int64? { bankRefSeqs[bankRef] }

  /// The commitments of a parent and of their children, the parent's first.
  public func familyCommitments(ofParent parent: String) -> [String] { families[parent] ?? [] }

  /// The lesson recorded for `enrollment` taught at `taught`.
  public func earlierLesson(enrollment: String, taught: LocalDateTime) -> EarlierLesson? {
    lessons[enrollment + "@" + taught.description]
  }
}

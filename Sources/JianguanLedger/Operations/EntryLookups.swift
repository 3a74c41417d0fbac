import JianguanCore

/// The answers an `EntryKeeper` without tables gives (the entry that used a bank reference, the
/// lesson already recorded for an enrollment at a time), learnt from the events as the log is
/// replayed or appended to.
public struct EntryLookups: Sendable {
  private var bankRefSeqs: [String: Int64] = [:]
  private var lessons: [String: EarlierLesson] = [:]

  public init() {}

  /// Learns what entry `seq`, `event`, tells.
  public mutating func note(_ event: Event, seq: Int64) {
    switch event {
    case .payment(let payment): bankRefSeqs[payment.bankRef] = seq
    case .refund(let refund): bankRefSeqs[refund.bankRef] = seq
    case .lessonRecorded(let lesson):
      lessons[lesson.enrollment + "@" + lesson.taughtAt] = EarlierLesson(
        id: lesson.lesson, hours: lesson.hours, seq: seq)
    default: break
    }
  }

  /// The seq of the payment or refund that used `bankRef`.
  public func seq(ofBankRef bankRef: String) -> Int64? { bankRefSeqs[bankRef] }

  /// The lesson recorded for `enrollment` taught at `taught`.
  public func earlierLesson(enrollment: String, taught: LocalDateTime) -> EarlierLesson? {
    lessons[enrollment + "@" + taught.description]
  }
}

import JianguanCore

/// A lesson still waiting for the parent's confirmation, as `settle` sees it.
public struct PendingLesson: Sendable, Equatable {
  public let id: String
  /// The China day its `lesson.recorded` entry is dated.
  public let recordedOn: CalendarDate
  /// The region of the institution that taught it (its policy gives the window).
  public let region: String

  public init(id: String, recordedOn: CalendarDate, region: String) {
    self.id = id
    self.recordedOn = recordedOn
    self.region = region
  }
}

/// What `settle` appended: lessons deemed confirmed, and applications deemed agreed and executed.
public struct Settled: Sendable, Equatable {
  public let released: [Appended]
  public let refundRequestsDeemedAgreed: [AnsweredApplication]
}

/// `settle`: the windows that passed without an answer. Every lesson whose confirmation window
/// (working days after the day it was RECORDED, that day not counted) has passed by `asOf` is
/// released as deemed confirmed (`LessonFlowOperation`), and every refund application left
/// unanswered past its due day is deemed agreed and executed (`RefundRequestOperation`).
public enum SettleOperation {
  /// Settles as of `asOf`, which may not be after the store's today: settling ahead of time would
  /// release money and agree refunds before the parents' and institutions' time to answer is up.
  public static func run(asOf: CalendarDate, in store: some LedgerTransaction) throws -> Settled {
    let today = store.now().date
    guard asOf <= today else {
      throw Rejection(
        "settle_as_of_in_future",
        "as-of \(asOf) is after today (\(today)): settling ahead of time would release lessons and agree refunds before their windows are over"
      )
    }
    let calendar = try store.workingDayCalendar()
    try calendar.requireCovered(asOf, field: "as-of")
    var released: [Appended] = []
    // Working days counted from each recording day once, up to `asOf` (beyond it nothing is due).
    var workingDaysByDay: [CalendarDate: Int] = [:]
    for lesson in try store.pendingLessons(recordedBefore: asOf) {
      let window = try store.policy(forRegion: lesson.region).confirmationWindowWorkingDays
      let counted: Int
      if let known = workingDaysByDay[lesson.recordedOn] {
        counted = known
      } else {
        counted = try calendar.workingDays(after: lesson.recordedOn, through: asOf)
        workingDaysByDay[lesson.recordedOn] = counted
      }
      if counted >= max(window, 1) {
        released.append(try LessonFlowOperation.release(lesson.id, basis: .deemed, in: store))
      }
    }
    return Settled(
      released: released,
      refundRequestsDeemedAgreed: try RefundRequestOperation.agreeOverdue(asOf: asOf, in: store))
  }
}

import JianguanCore

/// A recorded lesson as the confirmation flow sees it.
public struct RecordedLesson: Sendable {
  public let enrollment: String
  public let hours: Int64
  /// `pending`, `disputed`, `released` or `voided`.
  public let status: String

  public init(enrollment: String, hours: Int64, status: String) {
    self.enrollment = enrollment
    self.hours = hours
    self.status = status
  }
}

/// What happens to a recorded lesson (消课): the parent confirms it (its share is released to the
/// institution) or disputes it; a regulator resolves a dispute by releasing or voiding it; the
/// window passing releases it as deemed confirmed. Written against the store interface, with no
/// SQL; the replay checks the same statuses and amounts.
public enum LessonFlowOperation {
  /// Releases a lesson's share: a pending lesson confirmed or deemed confirmed, a disputed one
  /// resolved in the institution's favour.
  public static func release(_ lesson: String, basis: ReleaseBasis, in store: some LedgerTransaction) throws
    -> Appended
  {
    let recorded = try require(lesson, in: store)
    let expected = basis == .resolved ? "disputed" : "pending"
    guard recorded.status == expected else {
      throw statusRefusal(lesson, recorded.status, basis == .resolved ? "released" : "confirmed", expected)
    }
    guard var balance = try store.balance(ofEnrollment: recorded.enrollment),
      let institution = try store.institution(ofEnrollment: recorded.enrollment)
    else { throw Rejection.enrollmentUnknown(recorded.enrollment) }
    guard recorded.hours >= 1, recorded.hours <= balance.hoursPending else {
      throw Rejection(
        "lesson_hours_not_pending",
        "lesson \(lesson)'s \(recorded.hours) hours are not pending on enrollment \(recorded.enrollment) (\(balance.hoursPending) are); run `jianguan audit`"
      )
    }
    let amount = balance.releaseLesson(hours: recorded.hours)
    let event = LessonReleased(
      lesson: lesson, enrollment: recorded.enrollment, basis: basis, amountFen: amount,
      postings: Posting.transfer(
        amount, from: Posting.escrow(recorded.enrollment), to: Posting.institution(institution)))
    return Appended(id: lesson, seq: try store.append(.lessonReleased(event)))
  }

  /// The parent disputes a pending lesson: nothing is released until a regulator resolves it.
  public static func dispute(_ lesson: String, reason: String, in store: some LedgerTransaction) throws
    -> Appended
  {
    let recorded = try require(lesson, in: store)
    guard recorded.status == "pending" else {
      throw statusRefusal(lesson, recorded.status, "disputed", "pending")
    }
    return Appended(
      id: lesson, seq: try store.append(.lessonDisputed(LessonDisputed(lesson: lesson, reason: reason))))
  }

  /// A regulator resolves a disputed lesson: release its share, or void it (its hours go back to
  /// the parent's remaining hours).
  public static func resolve(
    _ lesson: String, release: Bool, reason: String, in store: some LedgerTransaction
  )
    throws -> Appended
  {
    let recorded = try require(lesson, in: store)
    guard recorded.status == "disputed" else {
      throw statusRefusal(lesson, recorded.status, "resolved", "disputed")
    }
    if release { return try self.release(lesson, basis: .resolved, in: store) }
    return Appended(
      id: lesson, seq: try store.append(.lessonVoided(LessonVoided(lesson: lesson, reason: reason))))
  }

  static func require(_ lesson: String, in store: some LedgerTransaction) throws -> RecordedLesson {
    guard let recorded = try store.recordedLesson(lesson) else {
      throw Rejection("lesson_unknown", "lesson \(Rejection.quote(lesson)) does not exist")
    }
    return recorded
  }

  static func statusRefusal(_ lesson: String, _ status: String, _ act: String, _ needed: String) -> Rejection
  {
    Rejection(
      "lesson_\(status)_cannot_be_\(act)",
      "lesson \(lesson) is \(status); only a \(needed) lesson can be \(act)")
  }
}

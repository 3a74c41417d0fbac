import JianguanCore

/// Satisfaction ratings (满意度测评): a parent rates an enrollment's class once, after at least
/// one of its lessons was released. Written against the store interface, with no SQL; the
/// replay checks the same.
public enum RatingOperation {
  /// Rates `enrollment` `score` (1 to 5, checked where the form was read) on `today`.
  public static func rate(
    enrollment: String, score: Int64, comment: String?, today: CalendarDate, in store: some LedgerTransaction
  ) throws -> Appended {
    guard let balance = try store.balance(ofEnrollment: enrollment),
      let institution = try store.institution(ofEnrollment: enrollment)
    else { throw Rejection.enrollmentUnknown(enrollment) }
    if let earlier = try store.rating(ofEnrollment: enrollment) {
      throw Rejection(
        "rating_already_given",
        "enrollment \(enrollment) was already rated \(earlier.score) on \(earlier.on); a parent rates an enrollment once"
      )
    }
    guard balance.hoursConsumed > 0 else {
      throw Rejection(
        "rating_before_confirmed_lesson",
        "enrollment \(enrollment) has no confirmed lesson yet; a class can be rated after at least one of its lessons is confirmed"
      )
    }
    let event = RatingAdded(
      enrollment: enrollment, institution: institution, score: score, comment: comment,
      on: today.description)
    return Appended(id: enrollment, seq: try store.append(.parentFlow(.ratingAdded(event))))
  }
}

import JianguanCore

/// A lesson as the institution records it, its fields already parsed.
public struct LessonRequest: Sendable {
  public let enrollment: String
  public let hours: Int64
  public let taught: LocalDateTime
  /// The name of the taught-at field in messages (the flag, a bank file's column, the entry's member).
  public let field: String

  public init(enrollment: String, hours: Int64, taught: LocalDateTime, field: String = "taught-at") {
    self.enrollment = enrollment
    self.hours = hours
    self.taught = taught
    self.field = field
  }
}

/// An enrollment as recording a lesson needs it: its institution, its class's terms and when it
/// was paid.
public struct LessonEnrollment: Sendable {
  public let institution: String
  /// Nil when the institution is not registered.
  public let institutionStatus: String?
  public let region: String
  public let terms: LessonRules.ClassTerms
  public let paidAt: LocalDateTime

  public init(
    institution: String, institutionStatus: String?, region: String, terms: LessonRules.ClassTerms,
    paidAt: LocalDateTime
  ) {
    self.institution = institution
    self.institutionStatus = institutionStatus
    self.region = region
    self.terms = terms
    self.paidAt = paidAt
  }
}

/// What recording a lesson asks of the ledger's state. The SQLite store answers from its tables,
/// the replay from what it has replayed.
public protocol LessonState {
  /// The enrollment; nil when no payment created it.
  func lessonEnrollment(_ id: String) throws -> LessonEnrollment?
  /// The policy values that apply to institutions of `region`.
  func policy(forRegion region: String) throws -> Policy
  /// The working-day calendar of the `calendar` entries so far.
  func workingDayCalendar() throws -> WorkingDayCalendar
}

/// The rules of recording a lesson (消课), in one place and without SQL, checked in this order. The
/// hours it takes from the balance are the balance's own rule (`EnrollmentBalance.recordLesson`),
/// applied by whoever keeps the balance.
public enum LessonRecordingRules {
  public static func accept(_ lesson: LessonRequest, recordedAt: LocalDateTime, state: some LessonState)
    throws
  {
    guard lesson.taught <= recordedAt else {
      throw Rejection(
        "lesson_in_future",
        "\(lesson.field) \(lesson.taught) is after its recording (now is \(recordedAt)); record a lesson after it is taught"
      )
    }
    guard let enrollment = try state.lessonEnrollment(lesson.enrollment) else {
      throw Rejection.enrollmentUnknown(lesson.enrollment)
    }
    guard let status = enrollment.institutionStatus else {
      throw Rejection(
        "institution_unknown", "institution \(Rejection.quote(enrollment.institution)) is not registered")
    }
    guard status == "active" else {
      throw Rejection(
        "institution_not_active",
        "institution \(enrollment.institution) is \(status): a \(status) institution records no lessons")
    }
    let calendar = try state.workingDayCalendar()
    // The confirmation window runs from the day of recording: the calendar must cover it too.
    try calendar.requireCovered(recordedAt.date, field: "the day of recording")
    try LessonRules.check(
      taught: lesson.taught, hours: lesson.hours, field: lesson.field, terms: enrollment.terms,
      policy: try state.policy(forRegion: enrollment.region), calendar: calendar)
    guard lesson.taught >= enrollment.paidAt else {
      throw Rejection(
        "lesson_before_payment",
        "\(lesson.field) \(lesson.taught) is before the payment at \(enrollment.paidAt)")
    }
  }

  /// The replay's check of a `lesson.recorded` entry against the state the entries before it
  /// left, recorded at the entry's time (at its own `taughtAt` when the replay is given no time).
  /// The fault, or nil when the entry keeps the rules.
  public static func fault(of entry: LessonRecorded, entrySeconds: Int64?, state: some LessonState) -> String?
  {
    guard let taught = try? LocalDateTime.parse(entry.taughtAt, field: "taughtAt") else {
      return "lesson's taughtAt \(entry.taughtAt) is not a moment"
    }
    let request = LessonRequest(
      enrollment: entry.enrollment, hours: entry.hours, taught: taught, field: "taughtAt")
    return RuleFault.of("lesson") {
      try accept(
        request, recordedAt: entrySeconds.map(LocalDateTime.init(unixSeconds:)) ?? taught, state: state)
    }
  }
}

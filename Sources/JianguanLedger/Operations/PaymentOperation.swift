import JianguanCore

/// A parent's payment into escrow: the rules decide it against the store's state; an accepted
/// payment is appended with its e-contract, one enrollment per charge.
public enum PaymentOperation {
  /// The model contract every payment's e-contract follows.
  public static let contractTemplate = "GF-2021-2604"

  public static func run(_ p: PaymentRequest, in store: some LedgerTransaction) throws -> Appended {
    switch try PaymentRules.decide(p, now: store.now(), state: store) {
    case .repeated(let id, let seq):
      return Appended(id: id, seq: seq, repeated: true)
    case .accepted(let accepted):
      let enrollment = try store.nextID(.enrollment)
      let payment = Payment(
        enrollment: enrollment, bankRef: p.bankRef, student: p.student, parent: accepted.parent,
        classID: p.classID, institution: accepted.institution.uscc, hours: p.hours, amountFen: p.amountFen,
        paidAt: p.paidAt.description,
        postings: Posting.transfer(
          p.amountFen, from: Posting.parent(accepted.parent), to: Posting.escrow(enrollment)))
      let seq = try store.append(.payment(payment))
      _ = try store.append(.parentFlow(.contractIssued(contract(of: payment, accepted: accepted))))
      return Appended(id: enrollment, seq: seq)
    }
  }

  /// The e-contract of a payment: the model contract and the windows of the policy in force for
  /// the institution's region. Its other terms are the payment's and the registry's own entries.
  public static func contract(of payment: Payment, accepted: AcceptedPayment) -> ContractIssued {
    ContractIssued(
      enrollment: payment.enrollment, template: contractTemplate,
      confirmationWindowWorkingDays: Int64(accepted.policy.confirmationWindowWorkingDays),
      refundAnswerWorkingDays: Int64(accepted.policy.refundAnswerWorkingDays))
  }
}

/// An institution records a lesson taught (消课): pending until the parent confirms it.
public enum LessonOperation {
  /// Records `lesson`; the same enrollment, time and hours again is the same lesson.
  public static func record(_ lesson: LessonRequest, in store: some LedgerTransaction) throws -> Appended {
    if let earlier = try store.earlierLesson(enrollment: lesson.enrollment, taught: lesson.taught) {
      guard earlier.hours == lesson.hours else {
        throw Rejection(
          "lesson_exists_with_different_hours",
          "lesson \(earlier.id) of \(lesson.enrollment) at \(lesson.taught) was recorded with \(earlier.hours) hours, not \(lesson.hours)"
        )
      }
      return Appended(id: earlier.id, seq: earlier.seq, repeated: true)
    }
    try LessonRecordingRules.accept(lesson, recordedAt: store.now(), state: store)
    guard var balance = try store.balance(ofEnrollment: lesson.enrollment) else {
      throw Rejection.enrollmentUnknown(lesson.enrollment)
    }
    try balance.recordLesson(hours: lesson.hours)
    let id = try store.nextID(.lesson)
    let event = LessonRecorded(
      lesson: id, enrollment: lesson.enrollment, hours: lesson.hours, taughtAt: lesson.taught.description)
    return Appended(id: id, seq: try store.append(.lessonRecorded(event)))
  }
}

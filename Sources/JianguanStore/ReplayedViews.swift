import JianguanCore
import JianguanLedger

/// The views a store without projection tables (PostgreSQL) shows, computed from the replay's
/// state (`LedgerState`): the same records, fields, order and refusals as the SQLite store's
/// tables give, so that a command prints the same on either store.
public enum ReplayedViews {
  /// `refund-request show`: one application.
  public static func refundRequest(_ request: String, in state: LedgerState) throws -> RefundRequestView {
    let id = try AppDatabase.validateID(request, field: "refund request", prefix: "RA")
    guard let found = state.parentFlows.requests[id] else { throw unknown(.refundRequests, id) }
    return RefundRequestView(
      id: id, enrollment: found.enrollment, hours: found.hours, allRemaining: found.allRemaining,
      reason: found.reason, requestedAt: found.requestedAt, answerDue: found.answerDue,
      paymentBankRef: state.enrollmentSlot(found.enrollment).map {
        state.bankRef(of: state.enrollmentRecords[Int($0)])
      }
        ?? "",
      status: found.status, basis: found.basis, answerReason: found.answerReason,
      answeredOn: found.answeredOn,
      escalationReason: found.escalationReason, refusedReason: found.refusedReason,
      refusedOn: found.refusedOn,
      refund: found.refund, seq: found.lastSeq)
  }

  /// `refund-request list`: the applications in the order they were made, narrowed by `filter`
  /// (checked in the SQLite store's order, with its sentences), at most `limit` after `after`.
  public static func refundRequests(filter: ViewFilter, limit: Int, after: String?, in state: LedgerState)
    throws -> ViewPage
  {
    let kind = ViewKind.refundRequests
    guard (1...AppDatabase.viewPageLimitMax).contains(limit) else {
      throw Rejection(
        "limit_out_of_range", "limit \(limit) must be between 1 and \(AppDatabase.viewPageLimitMax)")
    }
    if let after { _ = try AppDatabase.validateID(after, field: "after", prefix: kind.idPrefix) }
    var keep: [(ParentFlowState.RequestState, LedgerState.EnrollmentRecord?) -> Bool] = []
    if let institution = filter.institution {
      guard state.institutions[institution] != nil else {
        throw Rejection(
          "institution_unknown", "institution \(Rejection.quote(institution)) is not registered")
      }
      keep.append { $1.map(state.institution(of:)) == institution }
    }
    if let course = filter.course {
      try require(.courses, course, exists: { state.courses[$0] != nil })
      throw Rejection("filter_not_applicable", "\(kind.rawValue) cannot be narrowed by course")
    }
    if let classID = filter.classID {
      try require(.classes, classID, exists: { state.classes[$0] != nil })
      keep.append { request, _ in
        state.enrollmentSlot(request.enrollment).flatMap(state.classID(ofEnrollment:)) == classID
      }
    }
    if let parent = filter.parent {
      try require(noun: "parent", prefix: "P", parent, exists: state.isParent)
      keep.append { $1.map { state.parentIDs.id($0.parent) } == parent }
    }
    if let student = filter.student {
      try require(
        noun: "student", prefix: "S", student, exists: { (try? state.parent(ofStudent: $0)) != nil })
      keep.append { $1.map(state.student(of:)) == student }
    }
    if let enrollment = filter.enrollment {
      try require(
        .enrollments, enrollment,
        exists: { id in
          state.enrollmentSlot(id).map { state.enrollmentRecords[Int($0)].exists } ?? false
        })
      keep.append { request, _ in request.enrollment == enrollment }
    }
    if let status = filter.status {
      guard kind.statuses.contains(status) else {
        throw Rejection(
          "status_unknown",
          "status \(Rejection.quote(status)) must be one of \(kind.statuses.joined(separator: ", "))")
      }
      keep.append { request, _ in request.status == status }
    }
    var start = 0
    if let after {
      try require(kind, after, exists: { state.parentFlows.requests[$0] != nil })
      start = number(after)
    }
    let requests = state.parentFlows.requests
    var records: [ViewRecord] = []
    // Applications are numbered in the order they were made (RA1, RA2, …), as the store's rows.
    for id in requests.keys.filter({ number($0) > start }).sorted(by: { number($0) < number($1) }) {
      let request = requests[id]!
      let record = state.enrollmentSlot(request.enrollment).map { state.enrollmentRecords[Int($0)] }
      guard keep.allSatisfy({ $0(request, record) }) else { continue }
      records.append(refundRequestRecord(id, request, record, state))
      if records.count > limit { break }
    }
    return ViewPage(records: Array(records.prefix(limit)), more: records.count > limit)
  }

  /// An application as `refund-request list` shows it (`ViewKind.refundRequests.select`).
  static func refundRequestRecord(
    _ id: String, _ request: ParentFlowState.RequestState, _ record: LedgerState.EnrollmentRecord?,
    _ state: LedgerState
  ) -> ViewRecord {
    let slot = state.enrollmentSlot(request.enrollment)
    return ViewRecord(
      id: id,
      fields: [
        ("id", .string(id)), ("enrollment", .string(request.enrollment)),
        ("class", slot.flatMap(state.classID(ofEnrollment:)).map(JSONValue.string)),
        ("student", record.map { .string(state.student(of: $0)) }), ("hours", .integer(request.hours)),
        ("status", .string(request.status)), ("basis", request.basis.map(JSONValue.string)),
        ("requestedAt", .string(request.requestedAt)), ("answerDue", .string(request.answerDue)),
        ("answeredOn", request.answeredOn.map(JSONValue.string)),
        ("refund", request.refund.map(JSONValue.string)),
        ("reason", .string(request.reason)), ("seq", .integer(request.lastSeq)),
      ])
  }

  /// The number of an id (`RA12` → 12); ids are checked well formed before.
  static func number(_ id: String) -> Int { Int(id.drop { !$0.isNumber }) ?? 0 }

  static func require(_ kind: ViewKind, _ id: String, exists: (String) -> Bool) throws {
    try require(noun: kind.noun, prefix: kind.idPrefix, id, exists: exists)
  }

  /// `id` is well formed and names a record, or the SQLite store's sentence says which it is not.
  static func require(noun: String, prefix: String, _ id: String, exists: (String) -> Bool) throws {
    _ = try AppDatabase.validateID(id, field: noun, prefix: prefix)
    guard exists(id) else { throw unknown(noun: noun, id) }
  }

  static func unknown(_ kind: ViewKind, _ id: String) -> Rejection { unknown(noun: kind.noun, id) }

  static func unknown(noun: String, _ id: String) -> Rejection {
    Rejection(
      "\(noun.replacingOccurrences(of: " ", with: "_"))_unknown",
      "\(noun) \(Rejection.quote(id)) does not exist")
  }
}

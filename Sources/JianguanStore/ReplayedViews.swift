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

  /// A record a list may show, with what its filters compare (`of`: the filter it matches
  /// exactly; nil where it has none of that) and its fields, built when shown.
  struct Listed {
    var id: String
    var of = ViewFilter()
    var record: () -> ViewRecord
  }

  /// The kinds `list` shows from the state.
  public static let listedKinds: [ViewKind] = [.courses, .classes, .refundRequests]

  /// `list`: the records of `kind` in the order they were recorded (their ids' numbers), narrowed
  /// by `filter` (checked in the SQLite store's order, with its sentences), at most `limit` after
  /// `after`.
  public static func list(
    _ kind: ViewKind, filter: ViewFilter, limit: Int, after: String?, in state: LedgerState
  ) throws -> ViewPage {
    guard (1...AppDatabase.viewPageLimitMax).contains(limit) else {
      throw Rejection(
        "limit_out_of_range", "limit \(limit) must be between 1 and \(AppDatabase.viewPageLimitMax)")
    }
    if let after { _ = try AppDatabase.validateID(after, field: "after", prefix: kind.idPrefix) }
    let ofEnrollment = kind == .refundRequests
    var keep: [(Listed) -> Bool] = []
    func narrow(_ name: String, allowed: Bool, _ value: String, _ field: KeyPath<ViewFilter, String?>) throws
    {
      guard allowed else {
        throw Rejection("filter_not_applicable", "\(kind.rawValue) cannot be narrowed by \(name)")
      }
      keep.append { $0.of[keyPath: field] == value }
    }
    if let institution = filter.institution {
      guard state.institutions[institution] != nil else {
        throw Rejection(
          "institution_unknown", "institution \(Rejection.quote(institution)) is not registered")
      }
      try narrow("institution", allowed: true, institution, \.institution)
    }
    if let course = filter.course {
      try require(.courses, course, exists: { state.courses[$0] != nil })
      try narrow("course", allowed: kind == .classes, course, \.course)
    }
    if let classID = filter.classID {
      try require(.classes, classID, exists: { state.classes[$0] != nil })
      try narrow("class", allowed: ofEnrollment, classID, \.classID)
    }
    if let parent = filter.parent {
      try require(noun: "parent", prefix: "P", parent, exists: state.isParent)
      try narrow("parent", allowed: ofEnrollment, parent, \.parent)
    }
    if let student = filter.student {
      try require(
        noun: "student", prefix: "S", student, exists: { (try? state.parent(ofStudent: $0)) != nil })
      try narrow("student", allowed: ofEnrollment, student, \.student)
    }
    if let enrollment = filter.enrollment {
      try require(
        .enrollments, enrollment,
        exists: { id in state.enrollmentSlot(id).map { state.enrollmentRecords[Int($0)].exists } ?? false })
      try narrow("enrollment", allowed: ofEnrollment, enrollment, \.enrollment)
    }
    if let status = filter.status {
      try narrow("status", allowed: !kind.statuses.isEmpty, status, \.status)
      guard kind.statuses.contains(status) else {
        throw Rejection(
          "status_unknown",
          "status \(Rejection.quote(status)) must be one of \(kind.statuses.joined(separator: ", "))")
      }
    }
    let all = listed(kind, in: state)
    var start = 0
    if let after {
      try require(kind, after, exists: { id in all.contains { $0.id == id } })
      start = number(after)
    }
    var records: [ViewRecord] = []
    for item in all where number(item.id) > start && keep.allSatisfy({ $0(item) }) {
      records.append(item.record())
      if records.count > limit { break }
    }
    return ViewPage(records: Array(records.prefix(limit)), more: records.count > limit)
  }

  /// `show` of a course (`ViewShow`), as on a file.
  public static func show(_ kind: ViewKind, _ id: String, in state: LedgerState) throws -> ViewRecord {
    _ = try AppDatabase.validateID(id, field: kind.noun, prefix: kind.idPrefix)
    guard let found = listed(kind, in: state).first(where: { $0.id == id }) else { throw unknown(kind, id) }
    return found.record()
  }

  /// The records of `kind` in the order of their ids' numbers.
  static func listed(_ kind: ViewKind, in state: LedgerState) -> [Listed] {
    switch kind {
    case .courses:
      return state.courses.values.sorted { number($0.id) < number($1.id) }.map { course in
        Listed(id: course.id, of: filter { $0.institution = course.institution }) {
          courseRecord(course, state)
        }
      }
    case .classes:
      return state.classes.keys.sorted { number($0) < number($1) }.map { id in
        let klass = state.classes[id]!
        let of = filter {
          $0.institution = klass.institution
          $0.course = klass.course
        }
        return Listed(id: id, of: of) { classRecord(id, klass, state) }
      }
    case .refundRequests:
      let requests = state.parentFlows.requests
      return requests.keys.sorted { number($0) < number($1) }.map { id in
        let request = requests[id]!
        let slot = state.enrollmentSlot(request.enrollment)
        let record = slot.map { state.enrollmentRecords[Int($0)] }
        let of = filter {
          $0.institution = record.map(state.institution(of:))
          $0.classID = slot.flatMap(state.classID(ofEnrollment:))
          $0.parent = record.map { state.parentIDs.id($0.parent) }
          $0.student = record.map(state.student(of:))
          $0.enrollment = request.enrollment
          $0.status = request.status
        }
        return Listed(id: id, of: of) { refundRequestRecord(id, request, record, state) }
      }
    default: return []
    }
  }

  static func filter(_ set: (inout ViewFilter) -> Void) -> ViewFilter {
    var filter = ViewFilter()
    set(&filter)
    return filter
  }

  /// A course as `course list` shows it (`ViewKind.courses.select`).
  static func courseRecord(_ course: CourseAdded, _ state: LedgerState) -> ViewRecord {
    ViewRecord(
      id: course.id,
      fields: [
        ("id", .string(course.id)), ("institution", .string(course.institution)),
        ("name", .string(course.name)),
        ("subject", course.subject.map(JSONValue.string)),
        ("category", course.category.map(JSONValue.string)),
        ("delivery", .string(course.delivery)), ("lessonMinutes", .integer(course.lessonMinutes)),
        ("hours", .integer(course.hours)), ("pricePerHourFen", .integer(course.pricePerHourFen)),
        ("classSize", course.classSize.map(JSONValue.string)),
        ("seq", .integer(state.courseSeqs[course.id] ?? 0)),
      ])
  }

  /// A class as `class list` and `class show` show it (`ViewKind.classes.select`).
  static func classRecord(_ id: String, _ klass: LedgerState.ClassRecord, _ state: LedgerState) -> ViewRecord
  {
    let standing = state.classStanding(id)
    return ViewRecord(
      id: id,
      fields: [
        ("id", .string(id)), ("course", .string(klass.course)), ("institution", .string(klass.institution)),
        ("venue", .string(klass.venue)), ("teacher", .string(klass.teacher)),
        ("capacity", .integer(klass.capacity)),
        ("starts", .string(klass.starts)), ("ends", .string(klass.ends)),
        ("schedule", .string(klass.schedule)),
        ("studentsHoldingHours", .integer(standing?.placesTaken ?? 0)), ("seq", .integer(standing?.seq ?? 0)),
      ])
  }

  /// `class show`: a class and its roster, each enrollment still holding hours in the order paid.
  public static func classWithRoster(_ classID: String, in state: LedgerState) throws -> (
    class: ViewRecord, roster: [ViewRecord]
  ) {
    let shown = try show(.classes, classID, in: state)
    var roster: [ViewRecord] = []
    for slot in state.enrollmentRecords.indices {
      let record = state.enrollmentRecords[slot]
      guard record.exists, state.classID(ofEnrollment: Int32(slot)) == classID else { continue }
      let balance = state.balance(Int32(slot))
      guard balance.hoursPaid > balance.hoursConsumed + balance.hoursRefunded else { continue }
      let enrollment = state.enrollmentIDs.id(Int32(slot))
      roster.append(
        ViewRecord(
          id: enrollment,
          fields: [
            ("student", .string(state.student(of: record))), ("enrollment", .string(enrollment)),
            ("hoursPaid", .integer(balance.hoursPaid)), ("hoursPending", .integer(balance.hoursPending)),
            ("hoursReserved", .integer(balance.hoursReserved)),
            ("hoursLeft", .integer(balance.hoursRemaining)),
          ]))
    }
    return (shown, roster)
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

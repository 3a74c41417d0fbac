/// What an entry records: its kind and its typed payload. Every write of Jianguan is one of these.
public enum Event: Equatable, Sendable {
  case genesis(Genesis)
  /// One year of the working-day calendar.
  case calendar(CalendarLoaded)
  /// The policy book in force from this entry on.
  case policy(PolicyLoaded)
  case institutionRegistered(InstitutionRegistered)
  case institutionStatusChanged(InstitutionStatusChanged)
  case venueAdded(VenueAdded)
  case teacherAdded(TeacherAdded)
  case courseAdded(CourseAdded)
  case classAdded(ClassAdded)
  case parentRegistered(ParentRegistered)
  case studentAdded(StudentAdded)
  case payment(Payment)
  case lessonRecorded(LessonRecorded)
  case lessonReleased(LessonReleased)
  case lessonDisputed(LessonDisputed)
  case lessonVoided(LessonVoided)
  case refund(Refund)
  case supervisionAction(SupervisionActionRecorded)
  case supervisionMeasure(SupervisionMeasureRecorded)
  case findingAdded(FindingAdded)
  case findingRectified(FindingFollowedUp)
  case findingVerified(FindingFollowedUp)
  case complaintFiled(ComplaintFiled)
  case complaintResolved(ComplaintResolved)
  /// Contracts, refund applications and ratings (see `ParentFlowEvent`).
  case parentFlow(ParentFlowEvent)
  /// The checkpoint key and signed checkpoints (see `TransparencyEvent`).
  case transparency(TransparencyEvent)
  /// Credentials of the platform service (see `CredentialEvent`).
  case credential(CredentialEvent)

  /// The entry kind string of this event.
  public var kind: String {
    switch self {
    case .genesis: "genesis"
    case .calendar: "calendar"
    case .policy: "policy"
    case .institutionRegistered: "institution.registered"
    case .institutionStatusChanged(let change): "institution.\(change.status.rawValue)"
    case .venueAdded: "venue.added"
    case .teacherAdded: "teacher.added"
    case .courseAdded: "course.added"
    case .classAdded: "class.added"
    case .parentRegistered: "parent.registered"
    case .studentAdded: "student.added"
    case .payment: "payment"
    case .lessonRecorded: "lesson.recorded"
    case .lessonReleased: "lesson.released"
    case .lessonDisputed: "lesson.disputed"
    case .lessonVoided: "lesson.voided"
    case .refund: "refund"
    case .supervisionAction: "supervision.action"
    case .supervisionMeasure: "supervision.measure"
    case .findingAdded: "finding.added"
    case .findingRectified: "finding.rectified"
    case .findingVerified: "finding.verified"
    case .complaintFiled: "complaint.filed"
    case .complaintResolved: "complaint.resolved"
    case .parentFlow(let flow): flow.kind
    case .transparency(let event): event.kind
    case .credential(let event): event.kind
    }
  }

  /// The payload as canonical JSON.
  public var payload: JSONValue {
    switch self {
    case .genesis(let body): JSONValueCoder.encode(body)
    case .calendar(let body): JSONValueCoder.encode(body)
    case .policy(let body): JSONValueCoder.encode(body)
    case .institutionRegistered(let body): JSONValueCoder.encode(body)
    case .institutionStatusChanged(let body): JSONValueCoder.encode(body)
    case .venueAdded(let body): JSONValueCoder.encode(body)
    case .teacherAdded(let body): JSONValueCoder.encode(body)
    case .courseAdded(let body): JSONValueCoder.encode(body)
    case .classAdded(let body): JSONValueCoder.encode(body)
    case .parentRegistered(let body): JSONValueCoder.encode(body)
    case .studentAdded(let body): JSONValueCoder.encode(body)
    case .payment(let body): JSONValueCoder.encode(body)
    case .lessonRecorded(let body): JSONValueCoder.encode(body)
    case .lessonReleased(let body): JSONValueCoder.encode(body)
    case .lessonDisputed(let body): JSONValueCoder.encode(body)
    case .lessonVoided(let body): JSONValueCoder.encode(body)
    case .refund(let body): JSONValueCoder.encode(body)
    case .supervisionAction(let body): JSONValueCoder.encode(body)
    case .supervisionMeasure(let body): JSONValueCoder.encode(body)
    case .findingAdded(let body): JSONValueCoder.encode(body)
    case .findingRectified(let body): JSONValueCoder.encode(body)
    case .findingVerified(let body): JSONValueCoder.encode(body)
    case .complaintFiled(let body): JSONValueCoder.encode(body)
    case .complaintResolved(let body): JSONValueCoder.encode(body)
    case .parentFlow(let flow): flow.payload
    case .transparency(let event): event.payload
    case .credential(let event): event.payload
    }
  }

  /// Decodes the event of an entry; throws when the kind is unknown or the payload malformed.
  public init(kind: String, payload: JSONValue) throws {
    func body<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueCoder.decode(type, from: payload) }
    switch kind {
    case "genesis": self = .genesis(try body(Genesis.self))
    case "calendar": self = .calendar(try body(CalendarLoaded.self))
    case "policy": self = .policy(try body(PolicyLoaded.self))
    case "institution.registered": self = .institutionRegistered(try body(InstitutionRegistered.self))
    case "institution.suspended", "institution.reinstated", "institution.revoked":
      let change = try body(InstitutionStatusChanged.self)
      guard kind == "institution.\(change.status.rawValue)" else {
        throw Entry.FormatError(reason: "kind \(kind) does not match status \(change.status.rawValue)")
      }
      self = .institutionStatusChanged(change)
    case "venue.added": self = .venueAdded(try body(VenueAdded.self))
    case "teacher.added": self = .teacherAdded(try body(TeacherAdded.self))
    case "course.added": self = .courseAdded(try body(CourseAdded.self))
    case "class.added": self = .classAdded(try body(ClassAdded.self))
    case "parent.registered": self = .parentRegistered(try body(ParentRegistered.self))
    case "student.added": self = .studentAdded(try body(StudentAdded.self))
    case "payment": self = .payment(try body(Payment.self))
    case "lesson.recorded": self = .lessonRecorded(try body(LessonRecorded.self))
    case "lesson.released": self = .lessonReleased(try body(LessonReleased.self))
    case "lesson.disputed": self = .lessonDisputed(try body(LessonDisputed.self))
    case "lesson.voided": self = .lessonVoided(try body(LessonVoided.self))
    case "refund": self = .refund(try body(Refund.self))
    case _ where Event.supervisionKinds.contains(kind):
      self = try Event.supervision(kind: kind, payload: payload)!
    case _ where ParentFlowEvent.kinds.contains(kind):
      self = .parentFlow(try ParentFlowEvent(kind: kind, payload: payload))
    case _ where TransparencyEvent.kinds.contains(kind):
      self = .transparency(try TransparencyEvent(kind: kind, payload: payload))
    case _ where CredentialEvent.kinds.contains(kind):
      self = .credential(try CredentialEvent(kind: kind, payload: payload))
    default: throw Entry.FormatError(reason: "unknown entry kind \"\(kind)\"")
    }
  }

  /// The postings of a money event (empty for the others).
  public var postings: [Posting] {
    switch self {
    case .payment(let body): body.postings
    case .lessonReleased(let body): body.postings
    case .refund(let body): body.postings
    default: []
    }
  }
}

/// One leg of a double-entry movement: `amountFen` into `account` (negative = out of it).
public struct Posting: Codable, Equatable, Sendable {
  public let account: String
  public let amountFen: Int64
  public init(account: String, amountFen: Int64) {
    self.account = account
    self.amountFen = amountFen
  }

  public static func parent(_ id: String) -> String { "parent:\(id)" }
  public static func escrow(_ enrollment: String) -> String { "escrow:\(enrollment)" }
  public static func institution(_ uscc: String) -> String { "institution:\(uscc)" }

  /// `amountFen` moved from `from` to `to`.
  public static func transfer(_ amountFen: Int64, from: String, to: String) -> [Posting] {
    [Posting(account: from, amountFen: -amountFen), Posting(account: to, amountFen: amountFen)]
  }
}

public struct Genesis: Codable, Equatable, Sendable {
  public var authority: String
  public var region: String
  public var origin: String
  /// The continuity record of a log converted from format version 1 by `jianguan upgrade`: the
  /// v1 log's size, its RFC 6962 Merkle root and its last entry's hash (64 lower-case hex digits
  /// each). Absent in a log begun in version 2.
  public var v1Size: Int64?
  public var v1Root: String?
  public var v1Head: String?

  public init(
    authority: String, region: String, origin: String, v1Size: Int64? = nil, v1Root: String? = nil,
    v1Head: String? = nil
  ) {
    self.authority = authority
    self.region = region
    self.origin = origin
    self.v1Size = v1Size
    self.v1Root = v1Root
    self.v1Head = v1Head
  }

  /// Why the continuity record is malformed: its three members go together, the size is at least
  /// 1 and the hashes are 64 lower-case hex digits.
  public var continuityProblem: String? {
    if v1Size == nil && v1Root == nil && v1Head == nil { return nil }
    guard let v1Size, let v1Root, let v1Head else {
      return "genesis: v1Size, v1Root and v1Head go together"
    }
    func isHash(_ text: String) -> Bool {
      text.utf8.count == 64
        && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
    guard v1Size >= 1, isHash(v1Root), isHash(v1Head) else {
      return "genesis: v1Size must be at least 1 and v1Root, v1Head 64 lower-case hex digits"
    }
    return nil
  }
}

public enum InstitutionStatus: String, Codable, Sendable {
  case active, suspended, revoked
  /// Status changes are named by the act: suspended, reinstated (back to active), revoked.
  case reinstated
}

public struct InstitutionRegistered: Codable, Equatable, Sendable {
  public var uscc: String
  public var name: String
  public var region: String
  public var kind: String
  public var category: String?
  public var nonprofit: Bool
  public var licence: String
  public var licenceExpires: String
  public var escrowBank: String
  public var escrowAccount: String
  public var mode: String
  /// Set when a USCC with a wrong check character was accepted on purpose.
  public var checksumOverrideReason: String?
  public init(
    uscc: String, name: String, region: String, kind: String, category: String?, nonprofit: Bool,
    licence: String, licenceExpires: String, escrowBank: String, escrowAccount: String, mode: String,
    checksumOverrideReason: String?
  ) {
    self.uscc = uscc
    self.name = name
    self.region = region
    self.kind = kind
    self.category = category
    self.nonprofit = nonprofit
    self.licence = licence
    self.licenceExpires = licenceExpires
    self.escrowBank = escrowBank
    self.escrowAccount = escrowAccount
    self.mode = mode
    self.checksumOverrideReason = checksumOverrideReason
  }
}

public struct InstitutionStatusChanged: Codable, Equatable, Sendable {
  public var uscc: String
  public var status: InstitutionStatus
  public var reason: String
  public init(uscc: String, status: InstitutionStatus, reason: String) {
    self.uscc = uscc
    self.status = status
    self.reason = reason
  }
}

public struct VenueAdded: Codable, Equatable, Sendable {
  public var id: String
  public var institution: String
  public var address: String
  public var areaM2: Int64
  public init(id: String, institution: String, address: String, areaM2: Int64) {
    self.id = id
    self.institution = institution
    self.address = address
    self.areaM2 = areaM2
  }
}

public struct TeacherAdded: Codable, Equatable, Sendable {
  public var id: String
  public var institution: String
  public var name: String
  public var certificate: String
  public init(id: String, institution: String, name: String, certificate: String) {
    self.id = id
    self.institution = institution
    self.name = name
    self.certificate = certificate
  }
}

public struct CourseAdded: Codable, Equatable, Sendable {
  public var id: String
  public var institution: String
  public var name: String
  public var subject: String?
  public var category: String?
  public var delivery: String
  public var lessonMinutes: Int64
  public var hours: Int64
  public var pricePerHourFen: Int64
  public var classSize: String?
  public init(
    id: String, institution: String, name: String, subject: String?, category: String?, delivery: String,
    lessonMinutes: Int64, hours: Int64, pricePerHourFen: Int64, classSize: String?
  ) {
    self.id = id
    self.institution = institution
    self.name = name
    self.subject = subject
    self.category = category
    self.delivery = delivery
    self.lessonMinutes = lessonMinutes
    self.hours = hours
    self.pricePerHourFen = pricePerHourFen
    self.classSize = classSize
  }
}

public struct ClassAdded: Codable, Equatable, Sendable {
  public var id: String
  public var course: String
  public var institution: String
  public var venue: String
  public var teacher: String
  public var capacity: Int64
  public var starts: String
  public var ends: String
  public var schedule: String
  public init(
    id: String, course: String, institution: String, venue: String, teacher: String, capacity: Int64,
    starts: String, ends: String, schedule: String
  ) {
    self.id = id
    self.course = course
    self.institution = institution
    self.venue = venue
    self.teacher = teacher
    self.capacity = capacity
    self.starts = starts
    self.ends = ends
    self.schedule = schedule
  }
}

/// A parent: the ledger holds only a keyed commitment (HMAC-SHA256) of the ID number.
public struct ParentRegistered: Codable, Equatable, Sendable {
  public var id: String
  public var commitment: String
  public init(id: String, commitment: String) {
    self.id = id
    self.commitment = commitment
  }
}

public struct StudentAdded: Codable, Equatable, Sendable {
  public var id: String
  public var parent: String
  public var commitment: String
  public var grade: Int64
  public init(id: String, parent: String, commitment: String, grade: Int64) {
    self.id = id
    self.parent = parent
    self.commitment = commitment
    self.grade = grade
  }
}

/// A parent's payment into the escrow of a new enrollment.
public struct Payment: Codable, Equatable, Sendable {
  public var enrollment: String
  public var bankRef: String
  public var student: String
  public var parent: String
  public var classID: String
  public var institution: String
  public var hours: Int64
  public var amountFen: Int64
  public var paidAt: String
  public var postings: [Posting]
  public init(
    enrollment: String, bankRef: String, student: String, parent: String, classID: String,
    institution: String,
    hours: Int64, amountFen: Int64, paidAt: String, postings: [Posting]
  ) {
    self.enrollment = enrollment
    self.bankRef = bankRef
    self.student = student
    self.parent = parent
    self.classID = classID
    self.institution = institution
    self.hours = hours
    self.amountFen = amountFen
    self.paidAt = paidAt
    self.postings = postings
  }

  enum CodingKeys: String, CodingKey {
    case enrollment, bankRef, student, parent, classID = "class", institution, hours, amountFen, paidAt,
      postings
  }
}

public struct LessonRecorded: Codable, Equatable, Sendable {
  public var lesson: String
  public var enrollment: String
  public var hours: Int64
  public var taughtAt: String
  public init(lesson: String, enrollment: String, hours: Int64, taughtAt: String) {
    self.lesson = lesson
    self.enrollment = enrollment
    self.hours = hours
    self.taughtAt = taughtAt
  }
}

/// How a pending lesson came to release its money.
public enum ReleaseBasis: String, Codable, Sendable {
  /// The parent confirmed it.
  case confirmed
  /// The confirmation window passed without a reply.
  case deemed
  /// A dispute was resolved in the institution's favour.
  case resolved
}

public struct LessonReleased: Codable, Equatable, Sendable {
  public var lesson: String
  public var enrollment: String
  public var basis: ReleaseBasis
  public var amountFen: Int64
  public var postings: [Posting]
  public init(lesson: String, enrollment: String, basis: ReleaseBasis, amountFen: Int64, postings: [Posting])
  {
    self.lesson = lesson
    self.enrollment = enrollment
    self.basis = basis
    self.amountFen = amountFen
    self.postings = postings
  }
}

public struct LessonDisputed: Codable, Equatable, Sendable {
  public var lesson: String
  public var reason: String
  public init(lesson: String, reason: String) {
    self.lesson = lesson
    self.reason = reason
  }
}

public struct LessonVoided: Codable, Equatable, Sendable {
  public var lesson: String
  public var reason: String
  public init(lesson: String, reason: String) {
    self.lesson = lesson
    self.reason = reason
  }
}

public struct Refund: Codable, Equatable, Sendable {
  public var refund: String
  public var enrollment: String
  public var bankRef: String
  public var hours: Int64
  public var amountFen: Int64
  public var reason: String
  /// True when the request was for all remaining hours (`--all`), so that a repeat compares as such.
  public var allRemaining: Bool
  public var postings: [Posting]
  /// The refund application this refund executes, when it executes one.
  public var request: String?
  public init(
    refund: String, enrollment: String, bankRef: String, hours: Int64, amountFen: Int64, reason: String,
    allRemaining: Bool, postings: [Posting], request: String? = nil
  ) {
    self.refund = refund
    self.enrollment = enrollment
    self.bankRef = bankRef
    self.hours = hours
    self.amountFen = amountFen
    self.reason = reason
    self.allRemaining = allRemaining
    self.postings = postings
    self.request = request
  }
}

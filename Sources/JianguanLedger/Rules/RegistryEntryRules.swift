import JianguanCore

/// A registered institution as the registry's rules see it.
public struct RegisteredInstitution: Sendable {
  public let uscc: String
  public let status: String
  public let kind: String
  public let region: String
  /// The non-subject category it is licensed for (nil for a subject-type institution).
  public let category: String?

  public init(uscc: String, status: String, kind: String, region: String, category: String?) {
    self.uscc = uscc
    self.status = status
    self.kind = kind
    self.region = region
    self.category = category
  }
}

/// A class as the clash rule sees it: who teaches it, where, and when.
public struct ScheduledClass: Sendable {
  public let id: String
  public let teacher: String
  public let venue: String
  public let starts: String
  public let ends: String
  public let schedule: String

  public init(id: String, teacher: String, venue: String, starts: String, ends: String, schedule: String) {
    self.id = id
    self.teacher = teacher
    self.venue = venue
    self.starts = starts
    self.ends = ends
    self.schedule = schedule
  }
}

/// What the registry's rules ask of the ledger's state. The SQLite store answers from its tables,
/// the replay (`LedgerState`) from what it has replayed: the same rules run on both.
public protocol RegistryState {
  /// The region code of the bureau (its genesis): institutions register inside it.
  func bureauRegion() throws -> String
  func registeredInstitution(_ uscc: String) throws -> RegisteredInstitution?
  /// The institution a licence number is registered to.
  func licenceHolder(_ licence: String) throws -> String?
  /// The institution whose supervised account has these digits (hyphens removed).
  func escrowAccountHolder(digits: String) throws -> String?
  /// The teacher registered with a certificate, and their institution.
  func certificateHolder(_ certificate: String) throws -> (teacher: String, institution: String)?
  /// The number of an institution's enrollments holding escrow, and the fen they hold.
  func escrowHeld(byInstitution uscc: String) throws -> (count: Int64, fen: Int64)
  func owner(ofVenue id: String) throws -> String?
  func owner(ofTeacher id: String) throws -> String?
  func registeredCourse(_ id: String) throws -> CourseAdded?
  /// The classes of `teacher` or of `venue` whose terms overlap `starts...ends`, oldest first.
  func classes(ofTeacher teacher: String, orVenue venue: String, overlapping starts: String, _ ends: String)
    throws -> [ScheduledClass]
  func policy(forRegion region: String) throws -> Policy
  func schedule(_ text: String) throws -> Schedule
}

/// The registry's rules that depend on the ledger's state (the ones that do not, the shape of a
/// field, are checked where the form is read). The write path checks an entry here before it
/// appends it, and the replay checks every registry entry of the log here, against the state the
/// entries before it left: one set of rules, with the same sentences.
public enum RegistryEntryRules {
  /// The replay's fault for a registry entry the rules refuse; nil when they accept it.
  public static func fault(of event: Event, state: some RegistryState) -> String? {
    RuleFault.of(event.kind) { try check(event, state: state) }
  }

  /// Refuses `event` if the state does not allow it; other kinds of entries pass.
  public static func check(_ event: Event, state: some RegistryState) throws {
    switch event {
    case .institutionRegistered(let body): try checkRegistration(body, state)
    case .institutionStatusChanged(let body): try checkStatusChange(body, state)
    case .venueAdded(let body): _ = try listingInstitution(body.institution, state)
    case .teacherAdded(let body):
      _ = try listingInstitution(body.institution, state)
      if let holder = try state.certificateHolder(body.certificate) {
        throw Rejection(
          "certificate_already_registered",
          "certificate \(Rejection.quote(body.certificate)) is already registered as teacher \(holder.teacher) of institution \(holder.institution); one certificate is one person"
        )
      }
    case .courseAdded(let body): try checkCourse(body, state)
    case .classAdded(let body): try checkClass(body, state)
    default: return
    }
  }

  static func institution(_ uscc: String, _ state: some RegistryState) throws -> RegisteredInstitution {
    guard let institution = try state.registeredInstitution(uscc) else {
      throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
    }
    return institution
  }

  /// An institution that may list a venue or a teacher: registered and not revoked.
  static func listingInstitution(_ uscc: String, _ state: some RegistryState) throws -> RegisteredInstitution
  {
    let owner = try institution(uscc, state)
    guard owner.status != "revoked" else {
      throw Rejection("institution_revoked", "institution \(uscc) is revoked and can list nothing")
    }
    return owner
  }

  static func checkRegistration(_ body: InstitutionRegistered, _ state: some RegistryState) throws {
    if try state.registeredInstitution(body.uscc) != nil {
      throw Rejection("institution_exists", "uscc \(Rejection.quote(body.uscc)) is already registered")
    }
    // An institution is registered with the bureau of its region: inside the genesis region.
    let bureau = try state.bureauRegion()
    guard Region.code(body.region, isInside: bureau) else {
      throw Rejection(
        "region_outside_jurisdiction",
        "region \(Rejection.quote(body.region)) is outside this bureau's jurisdiction (\(bureau)); an institution registers with the bureau of its own region"
      )
    }
    // A licence number belongs to one institution, and so does a supervised escrow account
    // (hyphens as the bank prints them do not make another account).
    if let holder = try state.licenceHolder(body.licence) {
      throw Rejection(
        "licence_already_registered",
        "license \(Rejection.quote(body.licence)) is already registered to institution \(holder); a licence number belongs to one institution"
      )
    }
    let digits = body.escrowAccount.filter { $0 != "-" }
    if !digits.isEmpty, let holder = try state.escrowAccountHolder(digits: digits) {
      throw Rejection(
        "escrow_account_already_registered",
        "escrow-account \(Rejection.quote(body.escrowAccount)) is already the supervised account of institution \(holder); each institution has its own"
      )
    }
  }

  static func checkStatusChange(_ body: InstitutionStatusChanged, _ state: some RegistryState) throws {
    let current = try institution(body.uscc, state).status
    func refusal(_ act: String, _ rule: String) -> Rejection {
      Rejection(
        "status_\(current)_cannot_be_\(act)", "institution \(body.uscc) is \(current); \(rule) can be \(act)")
    }
    switch body.status {
    case .suspended:
      guard current == "active" else { throw refusal("suspended", "only an active institution") }
    case .reinstated, .active:
      guard current == "suspended" else { throw refusal("reinstated", "only a suspended institution") }
    case .revoked:
      guard current != "revoked" else { throw refusal("revoked", "an institution not yet revoked") }
      try requireNoEscrow(body.uscc, state)
    }
  }

  /// An institution is revoked only once no enrollment of it holds escrow.
  public static func requireNoEscrow(_ uscc: String, _ state: some RegistryState) throws {
    let held = try state.escrowHeld(byInstitution: uscc)
    if held.count > 0 {
      throw Rejection(
        "revoke_with_escrow",
        "institution \(uscc) still holds \(Money.formatYuan(held.fen)) yuan of escrow in \(held.count) enrollments; refund them first or use `institution close`"
      )
    }
  }

  /// An institution that may list a course or open a class: registered and active.
  static func activeInstitution(_ uscc: String, _ state: some RegistryState, _ act: String) throws
    -> RegisteredInstitution
  {
    let owner = try institution(uscc, state)
    guard owner.status == "active" else {
      throw Rejection(
        "institution_not_active", "institution \(owner.uscc) is \(owner.status) and cannot \(act)")
    }
    return owner
  }

  static func checkCourse(_ body: CourseAdded, _ state: some RegistryState) throws {
    let owner = try activeInstitution(body.institution, state, "list courses")
    if let subject = body.subject, owner.kind != "subject" {
      throw Rejection(
        "subject_course_needs_subject_institution",
        "subject \(Rejection.quote(subject)) needs a subject-type institution; \(owner.uscc) is non-subject")
    }
    if let category = body.category {
      guard owner.kind == "non-subject" else {
        throw Rejection(
          "category_course_needs_non_subject_institution",
          "category \(Rejection.quote(category)) needs a non-subject institution; \(owner.uscc) is subject-type"
        )
      }
      // A non-subject course's category is the one the institution is licensed for.
      guard owner.category == category else {
        throw Rejection(
          "category_not_licensed",
          "category \(Rejection.quote(category)) is not what institution \(owner.uscc) is licensed for (\(owner.category ?? "none"))"
        )
      }
    }
    try ClassRules.checkPrice(
      pricePerHourFen: body.pricePerHourFen,
      classSize: ClassSize(rawValue: body.classSize ?? "") ?? .from10To35,
      delivery: try Delivery.parse(body.delivery, field: "delivery"), isSubject: body.subject != nil,
      policy: try state.policy(forRegion: owner.region))
  }

  static func checkClass(_ body: ClassAdded, _ state: some RegistryState) throws {
    guard let course = try state.registeredCourse(body.course) else {
      throw Rejection("course_unknown", "course \(Rejection.quote(body.course)) does not exist")
    }
    let owner = try activeInstitution(course.institution, state, "open classes")
    try requireOwned("venue", body.venue, owner: try state.owner(ofVenue: body.venue), course.institution)
    try requireOwned(
      "teacher", body.teacher, owner: try state.owner(ofTeacher: body.teacher), course.institution)
    let schedule = try state.schedule(body.schedule)
    let starts = try CalendarDate.parse(body.starts, field: "starts")
    let ends = try CalendarDate.parse(body.ends, field: "ends")
    let policy = try state.policy(forRegion: owner.region)
    let isSubject = course.subject != nil
    try ClassRules.check(
      schedule: schedule, delivery: try Delivery.parse(course.delivery, field: "delivery"),
      isSubject: isSubject,
      lessonMinutes: Int(course.lessonMinutes), policy: policy)
    try RegistryRules.checkCapacity(
      body.capacity, classSize: ClassSize(rawValue: course.classSize ?? "") ?? .from10To35)
    try ClassRules.checkSchoolCalendar(
      schedule: schedule, starts: starts, ends: ends, isSubject: isSubject, policy: policy)
    // One teacher, or one venue, is in one class at a time: a new class may not meet another of
    // the same teacher or venue on a day both terms hold, at overlapping times.
    let timetable = RegistryRules.Timetable(starts: starts, ends: ends, schedule: schedule)
    for other in try state.classes(
      ofTeacher: body.teacher, orVenue: body.venue, overlapping: body.starts, body.ends)
    {
      let otherTimetable = RegistryRules.Timetable(
        starts: try CalendarDate.parse(other.starts, field: "starts"),
        ends: try CalendarDate.parse(other.ends, field: "ends"), schedule: try state.schedule(other.schedule))
      guard let clash = RegistryRules.clash(timetable, otherTimetable) else { continue }
      let what = other.teacher == body.teacher ? "teacher \(body.teacher)" : "venue \(body.venue)"
      throw Rejection(
        "class_time_clash",
        "schedule slot \(Rejection.quote(clash.slot.description)) puts \(what) in two classes at once: class \(other.id) meets \(clash.otherSlot.description), first on \(clash.day)"
      )
    }
  }

  static func requireOwned(_ what: String, _ id: String, owner: String?, _ institution: String) throws {
    guard let owner else {
      throw Rejection("\(what)_unknown", "\(what) \(Rejection.quote(id)) does not exist")
    }
    guard owner == institution else {
      throw Rejection(
        "\(what)_of_other_institution",
        "\(what) \(id) belongs to institution \(owner), not to the course's institution \(institution)")
    }
  }
}

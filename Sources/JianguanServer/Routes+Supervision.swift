import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// Supervision over HTTP, as `action record`, `measure add`, `finding add|rectify|verify` and
/// `complaint file|resolve` do it, with their rules and sentences (suspensions and revocations are
/// `POST /v1/institutions/{uscc}/suspend|revoke`).
///
/// Who may: the regulator everything; an institution reads its own findings and reports one
/// rectified (the regulator verifies); a parent files complaints as themself and reads their
/// own; the auditor reads findings and complaints (the log holds them anyway); a bank none.
/// A finding or complaint outside the scope answers exactly as one that is not recorded.
extension Routes {
  func registerSupervision(on v1: RouterGroup<ServerRequestContext>) {
    v1.post("actions") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/actions")
      let body = try await request.decode(ActionBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("action")) { database in
        let today = database.clock().date
        return Self.json(try database.recordAction(body.form(today: today), today: today))
      }
    }
    v1.post("measures") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/measures")
      let body = try await request.decode(MeasureBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("measure")) { database in
        let today = database.clock().date
        return Self.json(try database.addMeasure(body.form(today: today), today: today))
      }
    }
    registerFindings(on: v1)
    registerComplaints(on: v1)
  }

  func registerFindings(on v1: RouterGroup<ServerRequestContext>) {
    v1.post("findings") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/findings")
      let body = try await request.decode(FindingBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("finding")) { database in
        let today = database.clock().date
        return Self.json(try database.addFinding(body.form(today: today), today: today))
      }
    }
    for (act, roles) in [
      ("rectify", Set<CredentialRole>([.regulator, .institution])), ("verify", [.regulator]),
    ] {
      v1.post("findings/{id}/\(act)") { request, context in
        let principal = Self.principal(context)
        try Scope.require(principal, roles, route: "POST /v1/findings/{id}/\(act)")
        let id = try context.parameters.require("id")
        let body = try await request.decode(FollowUpBody.self, context: context)
        return try await write(request, context, fingerprint: body.fingerprint("\(act) \(id)")) { database in
          _ = try Self.finding(id, for: principal, in: database)
          let today = database.clock().date
          let date = body.date ?? today.description
          return Self.json(
            act == "rectify"
              ? try database.rectifyFinding(id, date: date, note: body.note, today: today)
              : try database.verifyFinding(id, date: date, note: body.note, today: today))
        }
      }
    }
    v1.get("findings") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, Self.findingReaders, route: "GET /v1/findings")
      try Self.requireQuery(request, only: ["institution", "status", "limit", "after"])
      let query = request.uri.queryParameters
      var institution = query.get("institution")
      if principal.role == .institution {
        // Another institution, registered or not, is answered as one that is not registered.
        if let asked = institution, asked != principal.institution {
          throw AppDatabase.unknownInstitution(asked)
        }
        institution = principal.institution
      }
      return try reader.readTogether {
        // Any role that gets here may see that an institution is registered (the institution itself only).
        if let asked = institution { _ = try reader.institution(asked) }
        if let after = query.get("after") { _ = try Self.finding(after, for: principal, in: reader) }
        return try Self.page(
          reader.findings(
            institution: institution, status: query.get("status"),
            limit: Int(clamping: try Self.integer(request, "limit") ?? 100), after: query.get("after")))
      }
    }
    v1.get("findings/{id}") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, Self.findingReaders, route: "GET /v1/findings/{id}")
      let id = try context.parameters.require("id")
      return JSONResponse.make(try Self.finding(id, for: principal, in: reader).json)
    }
  }

  func registerComplaints(on v1: RouterGroup<ServerRequestContext>) {
    v1.post("complaints") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .parent], route: "POST /v1/complaints")
      let body = try await request.decode(ComplaintBody.self, context: context)
      var form = body.form(today: reader.clock().date)
      if principal.role == .parent {
        // A parent complains as themself: naming another parent is answered as naming none registered.
        if let named = form.parent, named != principal.parent {
          throw Rejection("parent_unknown", "--parent \(Rejection.quote(named)) is not a registered parent")
        }
        form.parent = principal.parent
      }
      return try await write(request, context, fingerprint: body.fingerprint("complaint")) {
        [form] database in
        Self.json(try database.fileComplaint(form, today: database.clock().date))
      }
    }
    v1.post("complaints/{id}/resolve") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/complaints/{id}/resolve")
      let id = try context.parameters.require("id")
      let body = try await request.decode(ComplaintResolutionBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("resolve \(id)")) { database in
        let today = database.clock().date
        return Self.json(
          try database.resolveComplaint(
            id, date: body.date ?? today.description, outcome: body.outcome, note: body.note,
            refundsYuan: body.refundsFen.map(Money.formatYuan), today: today))
      }
    }
    v1.get("complaints") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, Self.complaintReaders, route: "GET /v1/complaints")
      try Self.requireQuery(request, only: ["parent", "status", "limit", "after"])
      let query = request.uri.queryParameters
      var parent = query.get("parent")
      if principal.role == .parent {
        if let asked = parent, asked != principal.parent {
          throw Rejection("parent_unknown", "parent \(Rejection.quote(asked)) does not exist")
        }
        parent = principal.parent
      }
      return try reader.readTogether {
        if let after = query.get("after") { _ = try Self.complaint(after, for: principal, in: reader) }
        return try Self.page(
          reader.complaints(
            parent: parent, status: query.get("status"),
            limit: Int(clamping: try Self.integer(request, "limit") ?? 100), after: query.get("after")))
      }
    }
    v1.get("complaints/{id}") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, Self.complaintReaders, route: "GET /v1/complaints/{id}")
      let id = try context.parameters.require("id")
      return JSONResponse.make(try Self.complaint(id, for: principal, in: reader).json)
    }
  }

  static let findingReaders: Set<CredentialRole> = [.regulator, .institution, .auditor]
  static let complaintReaders: Set<CredentialRole> = [.regulator, .parent, .auditor]

  /// Finding `id` if `principal` may see it: an institution only its own; else "not recorded".
  static func finding(_ id: String, for principal: Principal, in database: AppDatabase) throws -> ViewRecord {
    let record = try database.finding(id)
    if principal.role == .institution, record.text("institution") != principal.institution {
      throw AppDatabase.unknownFinding(id)
    }
    return record
  }

  /// Complaint `id` if `principal` may see it: a parent only their own; else "not recorded".
  static func complaint(_ id: String, for principal: Principal, in database: AppDatabase) throws -> ViewRecord
  {
    let record = try database.complaint(id)
    if principal.role == .parent, record.text("parent") != principal.parent {
      throw AppDatabase.unknownComplaint(id)
    }
    return record
  }

  static func page(_ page: ViewPage) -> Response {
    var json: [String: JSONValue] = ["records": .array(page.records.map(\.json)), "more": .bool(page.more)]
    if let next = page.next { json["next"] = .string(next) }
    return JSONResponse.make(.object(json))
  }
}

/// `POST /v1/actions`: the options of `action record`, camel-cased; amounts in fen.
struct ActionBody: RequestBody {
  static let fieldNames = [
    "date", "region", "title", "departments", "departmentCount", "personVisits", "teams",
    "institutionsChecked", "problems", "refundsFen", "finesFen", "studentsRedistributed", "figures", "text",
    "experience", "headline",
  ]
  let date: String?
  let region: String
  let title: String?
  let departments: String?
  let departmentCount: Int64?
  let personVisits: Int64?
  let teams: Int64?
  let institutionsChecked: Int64?
  let problems: [String]?
  let refundsFen: Int64?
  let finesFen: Int64?
  let studentsRedistributed: Int64?
  let figures: [String]?
  let text: String?
  let experience: Bool?
  let headline: String?

  func form(today: CalendarDate) -> ActionForm {
    var form = ActionForm()
    form.date = date ?? today.description
    form.region = region
    form.title = title
    form.departments = departments
    form.departmentCount = departmentCount.map(String.init)
    form.personVisits = personVisits.map(String.init)
    form.teams = teams.map(String.init)
    form.institutionsChecked = institutionsChecked.map(String.init)
    form.problems = problems ?? []
    form.refundsYuan = refundsFen.map(Money.formatYuan)
    form.finesYuan = finesFen.map(Money.formatYuan)
    form.studentsRedistributed = studentsRedistributed.map(String.init)
    form.figures = figures ?? []
    form.text = text
    form.experience = experience ?? false
    form.headline = headline
    return form
  }
}

/// `POST /v1/measures`: the options of `measure add`.
struct MeasureBody: RequestBody {
  static let fieldNames = [
    "date", "region", "kind", "title", "departments", "departmentCount", "figures", "text", "experience",
    "headline",
  ]
  let date: String?
  let region: String
  let kind: String
  let title: String?
  let departments: String?
  let departmentCount: Int64?
  let figures: [String]?
  let text: String?
  let experience: Bool?
  let headline: String?

  func form(today: CalendarDate) -> MeasureForm {
    var form = MeasureForm()
    form.date = date ?? today.description
    form.region = region
    form.kind = kind
    form.title = title
    form.departments = departments
    form.departmentCount = departmentCount.map(String.init)
    form.figures = figures ?? []
    form.text = text
    form.experience = experience ?? false
    form.headline = headline
    return form
  }
}

/// `POST /v1/findings`: the options of `finding add`; amounts in fen.
struct FindingBody: RequestBody {
  static let fieldNames = [
    "date", "institution", "operatorName", "operatorAddress", "region", "category", "actions", "deadline",
    "fineFen", "refundsFen", "studentsRedistributed", "inspection", "note",
  ]
  let date: String?
  let institution: String?
  let operatorName: String?
  let operatorAddress: String?
  let region: String?
  let category: String
  let actions: String
  let deadline: String?
  let fineFen: Int64?
  let refundsFen: Int64?
  let studentsRedistributed: Int64?
  let inspection: String?
  let note: String?

  func form(today: CalendarDate) -> FindingForm {
    var form = FindingForm()
    form.date = date ?? today.description
    form.institution = institution
    form.operatorName = operatorName
    form.operatorAddress = operatorAddress
    form.region = region
    form.category = category
    form.actions = actions
    form.deadline = deadline
    form.fineYuan = fineFen.map(Money.formatYuan)
    form.refundsYuan = refundsFen.map(Money.formatYuan)
    form.studentsRedistributed = studentsRedistributed.map(String.init)
    form.inspection = inspection
    form.note = note
    return form
  }
}

/// `POST /v1/findings/{id}/rectify|verify`.
struct FollowUpBody: RequestBody {
  static let fieldNames = ["date", "note"]
  let date: String?
  let note: String
}

/// `POST /v1/complaints`: the options of `complaint file`.
struct ComplaintBody: RequestBody {
  static let fieldNames = [
    "date", "channel", "institution", "operatorName", "region", "category", "summary", "parent", "channelRef",
  ]
  let date: String?
  let channel: String
  let institution: String?
  let operatorName: String?
  let region: String?
  let category: String?
  let summary: String
  let parent: String?
  let channelRef: String?

  func form(today: CalendarDate) -> ComplaintForm {
    var form = ComplaintForm()
    form.date = date ?? today.description
    form.channel = channel
    form.institution = institution
    form.operatorName = operatorName
    form.region = region
    form.category = category
    form.summary = summary
    form.parent = parent
    form.channelRef = channelRef
    return form
  }
}

/// `POST /v1/complaints/{id}/resolve`: the options of `complaint resolve`; refunds in fen.
struct ComplaintResolutionBody: RequestBody {
  static let fieldNames = ["date", "outcome", "note", "refundsFen"]
  let date: String?
  let outcome: String
  let note: String
  let refundsFen: Int64?
}

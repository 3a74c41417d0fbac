import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// The registry: institutions, and the records the views list (venues … refund applications).
extension Routes {
  /// The path segment of each kind.
  static let kindPaths: [(path: String, kind: ViewKind)] = [
    ("venues", .venues), ("teachers", .teachers), ("courses", .courses), ("classes", .classes),
    ("enrollments", .enrollments), ("lessons", .lessons), ("refunds", .refunds),
    ("refund-requests", .refundRequests),
  ]

  /// Roles that may read records of `kind` at all (each sees only its own).
  static func readers(_ kind: ViewKind) -> Set<CredentialRole> {
    switch kind {
    case .venues, .teachers, .courses, .classes: [.regulator, .institution, .bank]
    case .enrollments, .refunds: [.regulator, .institution, .parent, .bank]
    case .lessons, .refundRequests: [.regulator, .institution, .parent]
    }
  }

  func registerRegistry(on v1: RouterGroup<ServerRequestContext>) {
    v1.get("institutions") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .institution, .bank], route: "GET /v1/institutions")
      try Self.requireQuery(request, only: ["region", "status"])
      let list = try reader.institutions(
        region: request.uri.queryParameters.get("region"), status: request.uri.queryParameters.get("status"))
      return JSONResponse.make(
        .object([
          "institutions": .array(
            list.filter { AppDatabase.isVisible($0, to: principal) }.map { JSONValueCoder.encode($0) })
        ]))
    }
    v1.get("institutions/{uscc}") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .institution, .bank], route: "GET /v1/institutions/{uscc}")
      let uscc = try context.parameters.require("uscc")
      return JSONResponse.make(JSONValueCoder.encode(try reader.institution(uscc, for: principal)))
    }
    for (act, status) in [
      ("suspend", InstitutionStatus.suspended), ("reinstate", .reinstated), ("revoke", .revoked),
    ] {
      v1.post("institutions/{uscc}/\(act)") { request, context in
        try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/institutions/{uscc}/\(act)")
        let uscc = try context.parameters.require("uscc")
        let body = try await request.decode(ReasonBody.self, context: context)
        return try await write(request, context, fingerprint: body.fingerprint("\(act) \(uscc)")) {
          database in
          Self.json(try database.changeInstitutionStatus(uscc: uscc, to: status, reason: body.reason))
        }
      }
    }
    for (path, kind) in Self.kindPaths {
      v1.get(RouterPath(path)) { request, context in
        try list(kind, request, context, route: "GET /v1/\(path)")
      }
      v1.get(RouterPath(path + "/{id}")) { request, context in
        let principal = Self.principal(context)
        try Scope.require(principal, Self.readers(kind), route: "GET /v1/\(path)/{id}")
        let id = try context.parameters.require("id")
        return JSONResponse.make(try reader.record(kind, id, for: principal).json)
      }
    }
  }

  /// A page of records of `kind`, narrowed to the principal's own: an institution's, a parent's.
  func list(_ kind: ViewKind, _ request: Request, _ context: ServerRequestContext, route: String) throws
    -> Response
  {
    let principal = Self.principal(context)
    // A bank reads single records it holds the escrow of, never lists.
    try Scope.require(principal, Self.readers(kind).subtracting([.bank]), route: route)
    let query = request.uri.queryParameters
    // Filters that could tell whether someone else's record exists are not offered to a role.
    let allowed: [String] =
      switch principal.role {
      case .institution: ["institution", "course", "class", "enrollment", "status", "limit", "after"]
      case .parent: ["parent", "enrollment", "status", "limit", "after"]
      default:
        ["institution", "course", "class", "parent", "student", "enrollment", "status", "limit", "after"]
      }
    try Self.requireQuery(request, only: allowed)
    var filter = ViewFilter()
    filter.institution = query.get("institution")
    filter.course = query.get("course")
    filter.classID = query.get("class")
    filter.parent = query.get("parent")
    filter.student = query.get("student")
    filter.enrollment = query.get("enrollment")
    filter.status = query.get("status")
    switch principal.role {
    case .institution:
      if let asked = filter.institution, asked != principal.institution {
        throw AppDatabase.unknownInstitution(asked)
      }
      filter.institution = principal.institution
      try narrowOwned(&filter, principal)
    case .parent:
      if let asked = filter.parent, asked != principal.parent {
        throw Rejection("parent_unknown", "parent \(Rejection.quote(asked)) does not exist")
      }
      filter.parent = principal.parent
      try narrowOwned(&filter, principal)
    default: break
    }
    let limit = try Self.integer(request, "limit") ?? 100
    let page = try reader.list(
      kind, filter: filter, limit: Int(clamping: limit), after: query.get("after"))
    var json: [String: JSONValue] = ["records": .array(page.records.map(\.json)), "more": .bool(page.more)]
    if let next = page.next { json["next"] = .string(next) }
    return JSONResponse.make(.object(json))
  }

  /// A filter naming a class or enrollment of someone else's is refused as if it did not exist.
  private func narrowOwned(_ filter: inout ViewFilter, _ principal: Principal) throws {
    if let classID = filter.classID, principal.role == .institution {
      _ = try reader.record(.classes, classID, for: principal)
    }
    if let course = filter.course, principal.role == .institution {
      _ = try reader.record(.courses, course, for: principal)
    }
    if let enrollment = filter.enrollment {
      _ = try reader.record(.enrollments, enrollment, for: principal)
    }
  }
}

/// `{"reason": "…"}`.
struct ReasonBody: RequestBody {
  static let fieldNames = ["reason"]
  let reason: String
}

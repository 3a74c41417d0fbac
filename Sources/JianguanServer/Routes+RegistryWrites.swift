import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// The registry's writes and the regulator's daily `settle`: the store operations that
/// `institution register|close`, `venue add`, `teacher add`, `course add`, `class add`,
/// `parent register`, `parent erase`, `student add` and `settle` call, with their rules and sentences. The scope
/// is checked inside the batch of the write it guards, before the operation.
///
/// Who may: the regulator everything; an institution its own venues, teachers, courses and
/// classes; parents and students are registered by the regulator alone (the bureau verifies a
/// real name, and the once-per-person rule tells whoever registers whether an ID number is
/// already known, which only the bureau may learn); a bank and an auditor none of these.
extension Routes {
  func registerRegistryWrites(on v1: RouterGroup<ServerRequestContext>) {
    v1.post("institutions") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/institutions")
      let body = try await request.decode(InstitutionBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("institution")) { database in
        Self.json(try database.registerInstitution(body.form, today: database.clock().date))
      }
    }
    v1.post("institutions/{uscc}/close") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/institutions/{uscc}/close")
      let uscc = try context.parameters.require("uscc")
      let body = try await request.decode(CloseBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("close \(uscc)")) { database in
        let recorded = try database.closeInstitution(
          uscc: uscc, reason: body.reason, bankRefPrefix: body.bankRefPrefix)
        return .object([
          "id": .string(uscc), "seq": .integer(recorded.last!.seq),
          "entries": .array(recorded.map(Self.json)),
        ])
      }
    }
    registerCatalogWrites(on: v1)
    v1.post("parents") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/parents")
      let body = try await request.decode(ParentBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("parent")) { database in
        Self.json(
          try database.registerParent(
            name: body.name, idNumber: body.idNumber, phone: body.phone, today: database.clock().date))
      }
    }
    v1.post("students") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/students")
      let body = try await request.decode(StudentBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("student")) { database in
        Self.json(
          try database.addStudent(
            parent: body.parent, name: body.name, idNumber: body.idNumber, grade: String(body.grade),
            today: database.clock().date))
      }
    }
    v1.post("parents/{id}/erase") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/parents/{id}/erase")
      let parent = try context.parameters.require("id")
      let body = try await request.decode(EraseBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("erase \(parent)")) { database in
        Self.json(try database.eraseParent(parent, reason: body.reason, confirmed: body.confirm ?? false))
      }
    }
    v1.post("settle") { request, context in
      try Scope.require(Self.principal(context), [.regulator], route: "POST /v1/settle")
      let body = try await request.decode(SettleBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("settle")) { database in
        let day = try body.asOf.map { try CalendarDate.parse($0, field: "as-of") } ?? database.clock().date
        return try database.settle(asOf: day).json(asOf: day, recorded: Self.json)
      }
    }
  }

  /// Venues, teachers, courses and classes: the regulator's for any institution, an
  /// institution's for itself. Another institution's records answer as records that do not exist.
  func registerCatalogWrites(on v1: RouterGroup<ServerRequestContext>) {
    registerCatalogWrite(on: v1, "venues", VenueBody.self)
    registerCatalogWrite(on: v1, "teachers", TeacherBody.self)
    registerCatalogWrite(on: v1, "courses", CourseBody.self)
    registerCatalogWrite(on: v1, "classes", ClassBody.self)
  }

  private func registerCatalogWrite<Body: CatalogRequestBody>(
    on v1: RouterGroup<ServerRequestContext>, _ path: String, _: Body.Type
  ) {
    v1.post(RouterPath(path)) { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .institution], route: "POST /v1/\(path)")
      let body = try await request.decode(Body.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint(path)) { database in
        if principal.role == .institution { try body.requireOwned(by: principal, in: database) }
        return Self.json(try body.record(in: database))
      }
    }
  }
}

/// A body of `venue add`, `teacher add`, `course add` or `class add`.
protocol CatalogRequestBody: RequestBody {
  /// Refuses, as if it did not exist, whatever the body names of another institution than the
  /// principal's.
  func requireOwned(by principal: Principal, in database: AppDatabase) throws
  /// The store's operation, as the command calls it.
  func record(in database: AppDatabase) throws -> Recorded
}

extension VenueBody: CatalogRequestBody {
  func requireOwned(by principal: Principal, in database: AppDatabase) throws {
    try Scope.requireOwn(institution: institution, principal)
  }
  func record(in database: AppDatabase) throws -> Recorded {
    try database.addVenue(institution: institution, address: address, areaM2: String(areaM2))
  }
}

extension TeacherBody: CatalogRequestBody {
  func requireOwned(by principal: Principal, in database: AppDatabase) throws {
    try Scope.requireOwn(institution: institution, principal)
  }
  func record(in database: AppDatabase) throws -> Recorded {
    try database.addTeacher(
      institution: institution, name: name, certificate: certificate, inService: inService ?? false)
  }
}

extension CourseBody: CatalogRequestBody {
  func requireOwned(by principal: Principal, in database: AppDatabase) throws {
    try Scope.requireOwn(institution: institution, principal)
  }
  func record(in database: AppDatabase) throws -> Recorded { try database.addCourse(form) }
}

extension ClassBody: CatalogRequestBody {
  /// Another institution's course, venue or teacher "does not exist", before any rule of the
  /// store could name its owner.
  func requireOwned(by principal: Principal, in database: AppDatabase) throws {
    _ = try database.record(.courses, course, for: principal)
    _ = try database.record(.venues, venue, for: principal)
    _ = try database.record(.teachers, teacher, for: principal)
  }
  func record(in database: AppDatabase) throws -> Recorded { try database.addClass(form) }
}

extension Scope {
  /// An institution lists records for itself only: another institution, registered or not, is
  /// answered as one that is not registered.
  static func requireOwn(institution uscc: String, _ principal: Principal) throws {
    if principal.role == .institution, uscc != principal.institution {
      throw AppDatabase.unknownInstitution(uscc)
    }
  }
}

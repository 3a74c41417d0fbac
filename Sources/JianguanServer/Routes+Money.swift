import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// Payments, lessons, refunds and refund applications, and balances: every write goes through
/// the group commit, and every scope check runs inside the same batch as the write it guards.
extension Routes {
  func registerMoney(on v1: RouterGroup<ServerRequestContext>) {
    v1.post("payments") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .bank], route: "POST /v1/payments")
      let body = try await request.decode(PaymentBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("payment")) { database in
        // A bank pays only into the escrow accounts it holds: another bank's class "does not exist".
        if principal.role == .bank {
          _ = try database.record(.classes, body.classID, for: principal)
        }
        return Self.json(try database.pay(body.form, now: database.clock()))
      }
    }
    v1.post("lessons") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .institution], route: "POST /v1/lessons")
      let body = try await request.decode(LessonBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("lesson")) { database in
        _ = try database.record(.enrollments, body.enrollment, for: principal)
        return Self.json(
          try database.recordLesson(
            enrollment: body.enrollment, hours: String(body.hours), taughtAt: body.taughtAt,
            now: database.clock()))
      }
    }
    v1.post("class-sessions") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .institution], route: "POST /v1/class-sessions")
      let body = try await request.decode(ClassSessionBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("class-session")) { database in
        _ = try database.record(.classes, body.classID, for: principal)
        let session = try database.recordClassSession(
          classID: body.classID, hours: String(body.hours), taughtAt: body.taughtAt,
          absent: body.absent ?? [],
          now: database.clock())
        return .object([
          "class": .string(session.classID), "absent": .array(session.absent.map { .string($0) }),
          "lessons": .array(
            zip(session.lessons, session.enrollments).map { recorded, enrollment in
              .object([
                "id": .string(recorded.id), "seq": .integer(recorded.seq), "enrollment": .string(enrollment),
              ])
            }),
        ])
      }
    }
    v1.post("lessons/{id}/confirm") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .parent], route: "POST /v1/lessons/{id}/confirm")
      let lesson = try context.parameters.require("id")
      return try await write(request, context, fingerprint: "confirm \(lesson)") { database in
        _ = try database.record(.lessons, lesson, for: principal)
        return Self.json(try database.confirmLesson(lesson))
      }
    }
    v1.post("lessons/{id}/dispute") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .parent], route: "POST /v1/lessons/{id}/dispute")
      let lesson = try context.parameters.require("id")
      let body = try await request.decode(ReasonBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("dispute \(lesson)")) {
        database in
        _ = try database.record(.lessons, lesson, for: principal)
        return Self.json(try database.disputeLesson(lesson, reason: body.reason))
      }
    }
    registerRefunds(on: v1)
    v1.get("balance") { request, context in
      // The scope check and the figures from one snapshot, in one read transaction.
      try reader.readTogether { try balance(request, context) }
    }
  }

  func registerRefunds(on v1: RouterGroup<ServerRequestContext>) {
    v1.post("refunds") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .bank], route: "POST /v1/refunds")
      let body = try await request.decode(RefundBody.self, context: context)
      guard (body.hours == nil) == (body.all == true) else {
        throw APIError.badRequest("hours_or_all", "give exactly one of field \"hours\" or \"all\": true")
      }
      return try await write(request, context, fingerprint: body.fingerprint("refund")) { database in
        _ = try database.record(.enrollments, body.enrollment, for: principal)
        return Self.json(
          try database.refund(
            enrollment: body.enrollment, hours: body.hours.map(String.init), reason: body.reason,
            bankRef: body.bankRef))
      }
    }
    v1.post("refund-requests") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .parent], route: "POST /v1/refund-requests")
      let body = try await request.decode(RefundRequestBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("refund-request")) { database in
        _ = try database.record(.enrollments, body.enrollment, for: principal)
        return Self.json(
          try database.createRefundRequest(
            enrollment: body.enrollment, hours: body.hours.map(String.init), reason: body.reason,
            now: database.clock()))
      }
    }
    for (act, roles) in [
      ("answer", Set<CredentialRole>([.regulator, .institution])), ("decide", [.regulator]),
    ] {
      v1.post("refund-requests/{id}/\(act)") { request, context in
        let principal = Self.principal(context)
        try Scope.require(principal, roles, route: "POST /v1/refund-requests/{id}/\(act)")
        let id = try context.parameters.require("id")
        let body = try await request.decode(AnswerBody.self, context: context)
        return try await write(request, context, fingerprint: body.fingerprint("\(act) \(id)")) { database in
          _ = try database.record(.refundRequests, id, for: principal)
          let today = database.clock().date
          let outcome =
            act == "answer"
            ? try database.answerRefundRequest(id, agree: body.agree, reason: body.reason, today: today)
            : try database.decideRefundRequest(id, agree: body.agree, reason: body.reason, today: today)
          return outcome.json
        }
      }
    }
  }

  static let balanceReaders: Set<CredentialRole> = [.regulator, .institution, .parent, .bank]

  /// The balance of the first given of `?enrollment=E1`, `?institution=USCC` and
  /// `?region=340104`, within the scope; of everything without one (`?all=true` may say so).
  func balance(_ request: Request, _ context: ServerRequestContext) throws -> Response {
    let principal = Self.principal(context)
    try Scope.require(principal, Self.balanceReaders, route: "GET /v1/balance")
    let query = request.uri.queryParameters
    try Self.requireQuery(query, only: ["enrollment", "institution", "region", "all"])
    // An empty value is as good as none.
    func given(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : $0 } }
    let scope: BalanceScope
    if let enrollment = given("enrollment") {
      // The scope check and the figures from one row.
      return JSONResponse.make(try reader.balance(ofEnrollment: enrollment, for: principal))
    } else if let institution = given("institution") {
      try Scope.require(principal, [.regulator, .institution, .bank], route: "GET /v1/balance?institution=")
      _ = try reader.institution(institution, for: principal)
      scope = .institution(institution)
    } else if let region = given("region") {
      try Scope.require(principal, [.regulator], route: "GET /v1/balance?region=")
      scope = .region(region)
    } else {
      try Scope.require(principal, [.regulator], route: "GET /v1/balance?all=true")
      if let all = query.get("all"), all != "true" {
        throw APIError.badRequest("query_invalid", "query parameter all \(Rejection.quote(all)) must be true")
      }
      scope = .all
    }
    return JSONResponse.make(try reader.balance(scope).json)
  }
}

struct PaymentBody: RequestBody {
  static let fieldNames = ["student", "class", "hours", "amountFen", "bankRef", "paidAt"]
  let student: String
  let classID: String
  let hours: Int64
  let amountFen: Int64
  let bankRef: String
  let paidAt: String?
  enum CodingKeys: String, CodingKey {
    case student, classID = "class", hours, amountFen, bankRef, paidAt
  }

  var form: PaymentForm {
    var form = PaymentForm()
    form.student = student
    form.classID = classID
    form.hours = String(hours)
    // The store parses yuan as typed; a negative or zero amount is refused there by its rule.
    form.amountYuan = Money.formatYuan(amountFen)
    form.bankRef = bankRef
    form.paidAt = paidAt
    return form
  }
}

struct LessonBody: RequestBody {
  static let fieldNames = ["enrollment", "hours", "taughtAt"]
  let enrollment: String
  let hours: Int64
  let taughtAt: String
}

struct ClassSessionBody: RequestBody {
  static let fieldNames = ["class", "hours", "taughtAt", "absent"]
  let classID: String
  let hours: Int64
  let taughtAt: String
  let absent: [String]?
  enum CodingKeys: String, CodingKey {
    case classID = "class", hours, taughtAt, absent
  }
}

struct RefundBody: RequestBody {
  static let fieldNames = ["enrollment", "hours", "all", "reason", "bankRef"]
  let enrollment: String
  let hours: Int64?
  let all: Bool?
  let reason: String
  let bankRef: String
}

struct RefundRequestBody: RequestBody {
  static let fieldNames = ["enrollment", "hours", "reason"]
  let enrollment: String
  let hours: Int64?
  let reason: String
}

struct AnswerBody: RequestBody {
  static let fieldNames = ["agree", "reason"]
  let agree: Bool
  let reason: String
}

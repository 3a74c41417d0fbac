import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// The rest of the parent flows: the e-contract, a rating, taking a refused application to the
/// regulator, and the regulator's decision on a disputed lesson. The same store operations and
/// sentences as `contract show`, `rating add`, `refund-request escalate` and `lesson resolve`.
extension Routes {
  func registerParentFlows(on v1: RouterGroup<ServerRequestContext>) {
    v1.get("contracts/{enrollment}") { request, context in
      let principal = Self.principal(context)
      try Scope.require(
        principal, [.regulator, .institution, .parent], route: "GET /v1/contracts/{enrollment}")
      try Self.requireQuery(request, only: [])
      let enrollment = try context.parameters.require("enrollment")
      _ = try reader.record(.enrollments, enrollment, for: principal)
      let document = try reader.contract(enrollment: enrollment)
      return JSONResponse.make(
        .object([
          "seq": .integer(document.seq), "terms": JSONValueCoder.encode(document.terms),
          "text": .string(ContractText.render(document)),
        ]))
    }
    v1.post("ratings") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.parent], route: "POST /v1/ratings")
      let body = try await request.decode(RatingBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("rating")) { database in
        _ = try database.record(.enrollments, body.enrollment, for: principal)
        return Self.json(
          try database.addRating(
            enrollment: body.enrollment, score: String(body.score), comment: body.comment,
            today: database.clock().date))
      }
    }
    v1.post("refund-requests/{id}/escalate") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.parent], route: "POST /v1/refund-requests/{id}/escalate")
      let id = try context.parameters.require("id")
      let body = try await request.decode(ReasonBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("escalate \(id)")) { database in
        _ = try database.record(.refundRequests, id, for: principal)
        return Self.json(
          try database.escalateRefundRequest(id, reason: body.reason, today: database.clock().date))
      }
    }
    v1.post("lessons/{id}/resolve") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator], route: "POST /v1/lessons/{id}/resolve")
      let lesson = try context.parameters.require("id")
      let body = try await request.decode(ResolveBody.self, context: context)
      return try await write(request, context, fingerprint: body.fingerprint("resolve \(lesson)")) {
        database in
        _ = try database.record(.lessons, lesson, for: principal)
        return Self.json(try database.resolveLesson(lesson, release: body.release, reason: body.reason))
      }
    }
  }
}

struct RatingBody: RequestBody {
  static let fieldNames = ["enrollment", "score", "comment"]
  let enrollment: String
  let score: Int64
  let comment: String?
}

struct ResolveBody: RequestBody {
  static let fieldNames = ["release", "reason"]
  let release: Bool
  let reason: String
}

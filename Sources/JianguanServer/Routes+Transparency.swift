import Hummingbird
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore

/// The log and what proves it (ledger pages, proofs, checkpoints) and the reports: the regulator
/// and the auditor read them; nobody writes here.
extension Routes {
  static let overseers: Set<CredentialRole> = [.regulator, .auditor]

  func registerTransparency(on v1: RouterGroup<ServerRequestContext>) {
    v1.get("ledger") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/ledger")
      try Self.requireQuery(request, only: ["from", "limit"])
      let from = try Self.position(request, "from") ?? 1
      let limit = try Self.position(request, "limit") ?? 100
      guard limit <= 1000 else {
        throw APIError.badRequest("limit_out_of_range", "limit \(limit) must be between 1 and 1000")
      }
      var lines: [LedgerLine] = []
      try reader.entries(fromSeq: from, limit: limit + 1) { lines.append($0) }
      let more = Int64(lines.count) > limit
      if more { lines.removeLast() }
      var json: [String: JSONValue] = [
        "entries": .array(
          lines.map(\.json)),
        "more": .bool(more),
      ]
      if more, let last = lines.last { json["next"] = .integer(last.seq + 1) }
      return JSONResponse.make(.object(json))
    }
    v1.get("proofs/inclusion") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/proofs/inclusion")
      try Self.requireQuery(request, only: ["seq", "size"])
      guard let seq = try Self.position(request, "seq") else {
        throw APIError.badRequest("query_missing", "query parameter seq is missing")
      }
      return Self.rawJSON(
        try reader.inclusionProof(seq: seq, size: try Self.position(request, "size")).jsonText())
    }
    v1.get("proofs/consistency") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/proofs/consistency")
      try Self.requireQuery(request, only: ["old", "new"])
      guard let old = try Self.position(request, "old"), let new = try Self.position(request, "new") else {
        throw APIError.badRequest("query_missing", "query parameters old and new are both needed")
      }
      return Self.rawJSON(try reader.consistencyProof(oldSize: old, newSize: new).jsonText())
    }
    v1.get("checkpoints") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/checkpoints")
      try Self.requireQuery(request, only: [])
      return JSONResponse.make(
        .object([
          "checkpoints": .array(
            try reader.checkpoints().map { checkpoint in
              .object([
                "id": .integer(checkpoint.id), "size": .integer(checkpoint.size),
                "rootHash": .string(Hex.encode(checkpoint.rootHash)), "note": .string(checkpoint.note),
                "verifierKey": .string(checkpoint.verifierKey), "signedAt": .string(checkpoint.signedAt),
              ])
            })
        ]))
    }
    registerReports(on: v1)
    // A receipt signs a new checkpoint (an entry), so it is a write: through the group commit.
    v1.post("receipts") { request, context in
      let principal = Self.principal(context)
      try Scope.require(principal, [.regulator, .institution, .parent], route: "POST /v1/receipts")
      let body = try await request.decode(ReceiptBody.self, context: context)
      guard let signer else {
        throw APIError(
          .serviceUnavailable, "signing_key_missing",
          "the service was started without the bureau's checkpoint key (serve --key FILE); it cannot sign receipts"
        )
      }
      let given = [
        body.seq.map { _ in "seq" }, body.enrollment.map { _ in "enrollment" },
        body.lesson.map { _ in "lesson" }, body.refund.map { _ in "refund" },
      ].compactMap { $0 }
      guard given.count == 1 else {
        throw APIError.badRequest(
          "receipt_target",
          "give exactly one of seq, enrollment, lesson or refund (given: \(given.joined(separator: ", ")))")
      }
      let signedAt = reader.clock().description
      let value = try await commit.submit { database in
        let seq: Int64
        if let seq0 = body.seq {
          // Any entry: only the regulator's receipts name entries by seq.
          try Scope.require(principal, [.regulator], route: "POST /v1/receipts by seq")
          seq = seq0
        } else if let id = body.enrollment {
          _ = try database.record(.enrollments, id, for: principal)
          seq = try database.seq(of: .enrollments, id)
        } else if let id = body.lesson {
          _ = try database.record(.lessons, id, for: principal)
          seq = try database.seq(of: .lessons, id)
        } else {
          let id = body.refund ?? ""
          _ = try database.record(.refunds, id, for: principal)
          seq = try database.seq(of: .refunds, id)
        }
        return .string(try database.receipt(seq: seq, signer: signer, signedAt: signedAt).jsonText())
      }
      guard case .string(let text) = value else {
        throw APIError(.internalServerError, "internal_error", "the server failed; nothing was written")
      }
      return Self.rawJSON(text)
    }
  }

  func registerReports(on v1: RouterGroup<ServerRequestContext>) {
    v1.get("reports/summary") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/reports/summary")
      try Self.requireQuery(request, only: ["from", "to", "region"])
      let query = request.uri.queryParameters
      guard let from = query.get("from"), let to = query.get("to") else {
        throw APIError.badRequest(
          "query_missing", "query parameters from and to (YYYY-MM-DD) are both needed")
      }
      let summary = try reader.supervisionSummary(
        from: from, to: to, region: query.get("region"), today: reader.clock().date)
      return JSONResponse.make(JSONValueCoder.encode(summary))
    }
    v1.get("reports/coverage") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/reports/coverage")
      try Self.requireQuery(request, only: ["region", "asOf"])
      let query = request.uri.queryParameters
      let day = try query.get("asOf").map { try CalendarDate.parse($0, field: "asOf") } ?? reader.clock().date
      let (rows, gaps) = try reader.coverage(region: query.get("region"), asOf: day)
      return JSONResponse.make(
        .object([
          "asOf": .string(day.description), "rows": .array(rows.map { JSONValueCoder.encode($0) }),
          "gaps": .array(gaps.map { JSONValueCoder.encode($0) }),
        ]))
    }
    v1.get("reports/bulletin") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/reports/bulletin")
      try Self.requireQuery(request, only: ["date"])
      let day =
        try request.uri.queryParameters.get("date").map { try CalendarDate.parse($0, field: "date") }
        ?? reader.clock().date
      let bulletin = try reader.bulletin(Bulletin.Header(date: day, issuer: try reader.identity().authority))
      return JSONResponse.make(
        .object([
          "date": .string(day.description),
          "items": .integer(
            Int64(bulletin.news.reduce(0) { $0 + $1.items.count } + bulletin.experiences.count)),
          "html": .string(bulletin.html()), "markdown": .string(bulletin.markdown()),
        ]))
    }
    v1.get("reports/risk") { request, context in
      try Scope.require(Self.principal(context), Self.overseers, route: "GET /v1/reports/risk")
      try Self.requireQuery(request, only: ["asOf"])
      let day =
        try request.uri.queryParameters.get("asOf").map { try CalendarDate.parse($0, field: "asOf") }
        ?? reader.clock().date
      return JSONResponse.make(
        .object([
          "asOf": .string(day.description),
          "alerts": .array(try reader.riskAlerts(asOf: day).map { JSONValueCoder.encode($0) }),
        ]))
    }
  }

  /// A JSON text the ledger layer already wrote (proofs).
  static func rawJSON(_ text: String) -> Response {
    Response(
      status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
      body: .init(byteBuffer: ByteBuffer(string: text.hasSuffix("\n") ? text : text + "\n")))
  }
}

struct ReceiptBody: RequestBody {
  static let fieldNames = ["seq", "enrollment", "lesson", "refund"]
  let seq: Int64?
  let enrollment: String?
  let lesson: String?
  let refund: String?
}

import Hummingbird
import JianguanCore
import JianguanLedger
import JianguanStore

/// A refusal as the API answers it: a status and `{"error": {"rule": …, "message": …}}`, the
/// rule and sentence being the CLI's own.
public struct APIError: Error, Sendable {
  public let status: HTTPResponse.Status
  public let rule: String
  public let message: String
  public var headers: HTTPFields = [:]

  public init(_ status: HTTPResponse.Status, _ rule: String, _ message: String) {
    self.status = status
    self.rule = rule
    self.message = message
  }

  static func badRequest(_ rule: String, _ message: String) -> APIError {
    APIError(.badRequest, rule, message)
  }

  /// A rule of the store refused the request: 422, or 404 when the record named does not exist.
  static func refused(_ rejection: Rejection) -> APIError {
    let missing = recordUnknownCodes.contains(rejection.code)
    return APIError(missing ? .notFound : .unprocessableContent, rejection.code, rejection.message)
  }

  /// The codes of "that record does not exist" refusals (404), as opposed to an unknown value
  /// of an enumerated field (`status_unknown`, 422).
  static let recordUnknownCodes: Set<String> = Set(
    [
      "class", "course", "enrollment", "institution", "lesson", "parent", "student", "refund_request",
      "refund", "venue", "teacher", "complaint", "finding", "inspection",
    ].map { $0 + "_unknown" })

  /// The body every refusal carries.
  var json: JSONValue {
    .object(["error": .object(["rule": .string(rule), "message": .string(message)])])
  }

  func response() -> Response {
    var response = JSONResponse.make(json, status: status)
    for field in headers { response.headers.append(field) }
    return response
  }
}

/// JSON responses: canonical JSON (sorted keys), every amount in fen given in yuan beside it.
enum JSONResponse {
  static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    var bytes = withYuan(value).canonicalBytes
    bytes.append(UInt8(ascii: "\n"))
    return Response(
      status: status, headers: [.contentType: "application/json; charset=utf-8"],
      body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// A balance, byte for byte what `make(summary.json)` answers (canonical JSON, keys sorted,
  /// yuan beside fen), written directly: the service's most frequent answer.
  static func make(_ summary: BalanceSummary) -> Response {
    Response(
      status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
      body: .init(byteBuffer: ByteBuffer(string: text(summary))))
  }

  static func text(_ summary: BalanceSummary) -> String {
    func yuan(_ fen: Int64) -> String { "\"" + Money.formatYuan(fen) + "\"" }
    let text =
      "{\"enrollments\":\(summary.enrollments),\"escrowFen\":\(summary.escrowFen),\"escrowYuan\":\(yuan(summary.escrowFen)),"
      + "\"hoursConsumed\":\(summary.hoursConsumed),\"hoursPaid\":\(summary.hoursPaid),\"hoursPending\":\(summary.hoursPending),"
      + "\"hoursRefunded\":\(summary.hoursRefunded),\"hoursRemaining\":\(summary.hoursRemaining),"
      + "\"hoursReserved\":\(summary.hoursReserved),\"paidFen\":\(summary.paidFen),\"paidYuan\":\(yuan(summary.paidFen)),"
      + "\"refundedFen\":\(summary.refundedFen),\"refundedYuan\":\(yuan(summary.refundedFen)),"
      + "\"releasedFen\":\(summary.releasedFen),\"releasedYuan\":\(yuan(summary.releasedFen))}\n"
    return text
  }

  /// Beside every integer member named `…Fen`, the same amount as yuan text named `…Yuan`.
  static func withYuan(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let items): return .array(items.map(withYuan))
    case .object(let members):
      var out: [String: JSONValue] = [:]
      for (key, member) in members {
        out[key] = withYuan(member)
        if key.hasSuffix("Fen"), case .integer(let fen) = member {
          out[String(key.dropLast(3)) + "Yuan"] = .string(Money.formatYuan(fen))
        }
      }
      return .object(out)
    default: return value
    }
  }
}

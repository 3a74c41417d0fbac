import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import JianguanCore
import JianguanLedger
import JianguanStore

/// What every handler has at hand: the database to read (its own connection, never inside a
/// batch) and the writer queue every write goes through.
struct Routes: Sendable {
  let readers: ReaderPool
  /// The connection this request reads on (`ReaderPool`).
  var reader: AppDatabase { readers.reader }
  let commit: GroupCommit
  let idempotency: IdempotencyCache
  /// The bureau's checkpoint key (`serve --key`): receipts are signed with it.
  var signer: NoteSigner? = nil

  /// The principal `AuthenticationMiddleware` set.
  static func principal(_ context: ServerRequestContext) -> Principal { context.principal! }

  /// One record, as the store's write produced it. A repeat (same bank reference or same
  /// content) is the same answer as the first time.
  static func json(_ recorded: Recorded) -> JSONValue {
    var members: [String: JSONValue] = ["id": .string(recorded.id), "seq": .integer(recorded.seq)]
    if let masked = recorded.maskedIDNumber { members["idNumberMasked"] = .string(masked) }
    return .object(members)
  }

  /// Runs a write through the group commit; answers once its commit is on disk. With an
  /// `Idempotency-Key`, a retry of the same request by the same credential gets the first answer
  /// (`fingerprint` is worked out only then: a request without the header does not pay for it).
  func write(
    _ request: Request, _ context: ServerRequestContext,
    fingerprint makeFingerprint: @autoclosure () -> String,
    status: HTTPResponse.Status = .ok,
    _ operation: @escaping GroupCommit.Operation
  ) async throws -> Response {
    guard let key = request.headers[Self.idempotencyKey] else {
      return JSONResponse.make(try await commit.submit(operation), status: status)
    }
    let principal = Self.principal(context)
    let fingerprint = makeFingerprint()
    if let earlier = try idempotency.answer(
      credential: principal.credential, key: key, fingerprint: fingerprint)
    {
      return JSONResponse.make(earlier, status: status)
    }
    let value = try await commit.submit(operation)
    idempotency.remember(credential: principal.credential, key: key, fingerprint: fingerprint, value)
    return JSONResponse.make(value, status: status)
  }

  static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

  /// A query parameter parsed as a whole number, or a 400 naming it.
  static func integer(_ request: Request, _ name: String) throws -> Int64? {
    guard let text = request.uri.queryParameters.get(name) else { return nil }
    guard let value = Int64(text) else {
      throw APIError.badRequest(
        "query_invalid", "query parameter \(name) \(Rejection.quote(text)) must be a whole number")
    }
    return value
  }

  /// A query parameter that is a position in the log (a seq or a tree size), parsed as the
  /// command line parses it; a bad one is 400 with the command line's rule and sentence.
  static func position(_ request: Request, _ name: String) throws -> Int64? {
    guard let text = request.uri.queryParameters.get(name) else { return nil }
    do { return try AppDatabase.parsePosition(text, field: name) } catch let rejection as Rejection {
      throw APIError.badRequest(rejection.code, rejection.message)
    }
  }

  /// 400 when the query names a parameter the route does not take.
  static func requireQuery(_ request: Request, only names: [String]) throws {
    try requireQuery(request.uri.queryParameters, only: names)
  }

  /// The same on a query already parsed (the list is a literal, not a set: nothing to build per request).
  static func requireQuery(_ query: FlatDictionary<Substring, Substring>, only names: [String]) throws {
    for (name, _) in query where !names.contains(where: { $0 == name }) {
      throw APIError.badRequest(
        "query_unknown",
        "query parameter \(Rejection.quote(String(name))) is not taken by this route"
          + (names.isEmpty ? "" : " (it takes: \(names.sorted().joined(separator: ", ")))"))
    }
  }

  func register(on router: RouterGroup<ServerRequestContext>) {
    let v1 = router.group("v1")
    registerRegistry(on: v1)
    registerRegistryWrites(on: v1)
    registerMoney(on: v1)
    registerTransparency(on: v1)
    registerParentFlows(on: v1)
    registerSupervision(on: v1)
  }
}

/// Answers already given to requests carrying an `Idempotency-Key`, per credential, kept in
/// memory (a restart forgets them; payments stay idempotent by bank reference in the log).
final class IdempotencyCache: @unchecked Sendable {
  private let lock = NSLock()
  private var answers: [String: (fingerprint: String, value: JSONValue)] = [:]
  private var order: [String] = []
  static let keysMax = 100_000

  func answer(credential: String, key: String, fingerprint: String) throws -> JSONValue? {
    lock.lock()
    defer { lock.unlock() }
    guard let earlier = answers[credential + "\u{0}" + key] else { return nil }
    guard earlier.fingerprint == fingerprint else {
      throw APIError(
        .unprocessableContent, "idempotency_key_reused",
        "Idempotency-Key \(Rejection.quote(key)) was used before for a different request")
    }
    return earlier.value
  }

  func remember(credential: String, key: String, fingerprint: String, _ value: JSONValue) {
    lock.lock()
    defer { lock.unlock() }
    let slot = credential + "\u{0}" + key
    if answers[slot] == nil { order.append(slot) }
    answers[slot] = (fingerprint, value)
    if order.count > Self.keysMax { answers[order.removeFirst()] = nil }
  }
}

import Foundation
import Hummingbird
import JianguanCore
import JianguanStore
import Logging

/// The outermost layer: one structured log line and the metrics per request. It names the route
/// pattern (`/v1/enrollments/{id}`), never the path as sent, and never a body or a header.
struct RequestLogMiddleware: RouterMiddleware {
  typealias Context = ServerRequestContext
  let metrics: ServerMetrics
  let routes: RouteTable

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
    async throws -> Response
  {
    let start = DispatchTime.now().uptimeNanoseconds
    let response: Response
    do {
      response = try await next(request, context)
    } catch let error as HTTPError where error.status == .notFound {
      let allowed = routes.methods(forPath: request.uri.path)
      var refusal =
        allowed.isEmpty
        ? APIError(.notFound, "route_unknown", "no such route")
        : APIError(
          .methodNotAllowed, "method_not_allowed",
          "this route takes \(allowed.joined(separator: ", ")), not \(request.method.rawValue)")
      if !allowed.isEmpty { refusal.headers[.allow] = allowed.joined(separator: ", ") }
      response = refusal.response()
    } catch {
      response = ErrorMiddleware.response(for: error, logger: context.logger)
    }
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    let route = context.endpointPath ?? "unmatched"
    metrics.record(
      route: route, method: request.method.rawValue, status: Int(response.status.code), nanoseconds: elapsed)
    context.logger.info(
      "request",
      metadata: [
        "method": .string(request.method.rawValue), "route": .string(route),
        "status": .stringConvertible(response.status.code),
        "duration_ms": .string(Self.milliseconds(nanoseconds: elapsed)),
        "credential": .string(context.principal?.credential ?? context.logNote.credential ?? "-"),
      ])
    return response
  }
}

extension RequestLogMiddleware {
  /// `nanoseconds` as milliseconds with three decimals (`1.234`), rounded to the microsecond:
  /// what `String(format: "%.3f", …)` writes, without Foundation's formatter (a few percent of a
  /// served request's time, measured with perf).
  static func milliseconds(nanoseconds: UInt64) -> String {
    let microseconds = nanoseconds / 1000 + (nanoseconds % 1000 >= 500 ? 1 : 0)
    let fraction = String(microseconds % 1000)
    return String(microseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.utf8.count)
      + fraction
  }
}

/// Turns every error into the API's JSON refusal.
struct ErrorMiddleware: RouterMiddleware {
  typealias Context = ServerRequestContext

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
    async throws -> Response
  {
    do { return try await next(request, context) } catch {
      return Self.response(for: error, logger: context.logger)
    }
  }

  static func response(for error: any Error, logger: Logger) -> Response {
    switch error {
    case let error as APIError: return error.response()
    case let rejection as Rejection: return APIError.refused(rejection).response()
    case let error as HTTPError:
      switch error.status {
      case .notFound: return APIError(.notFound, "route_unknown", "no such route").response()
      case .contentTooLarge:
        return APIError(
          .contentTooLarge, "body_too_large",
          "the request body is larger than \(ServerLimits.bodyBytesMax) bytes"
        ).response()
      case .methodNotAllowed:
        return APIError(.methodNotAllowed, "method_not_allowed", "this route does not take that method")
          .response()
      default: return APIError(error.status, "http_error", error.body ?? "the request was refused").response()
      }
    case let error as any StoreFailure:
      // The store's sentence names the database file and the failure, never a person.
      logger.error("database failure", metadata: ["code": .string(error.code)])
      return APIError(.serviceUnavailable, error.code, error.message).response()
    default:
      logger.error("internal error", metadata: ["type": .string(String(describing: type(of: error)))])
      return APIError(.internalServerError, "internal_error", "the server failed; nothing was written")
        .response()
    }
  }
}

/// `Authorization: Bearer TOKEN` → the principal, or 401; then the per-credential rate limit. A
/// GET gets a read connection of its own from the pool for the whole request (`ReaderPool`).
struct AuthenticationMiddleware: RouterMiddleware {
  typealias Context = ServerRequestContext
  let readers: ReaderPool
  let limiter: RateLimiter
  let catchUp: CatchUpGate

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
    async throws -> Response
  {
    // A write looks its credential up on a connection of its own, then gives it back before it
    // waits for its commit.
    guard request.method == .get || request.method == .head else {
      let reader = readers.checkOut()
      let admitted: Context
      do {
        defer { readers.checkIn(reader) }
        admitted = try await authenticatedCatchingUp(request, context, on: reader, snapshot: false)
      }
      return try await next(request, admitted)
    }
    // A GET reads on a connection of its own, in one transaction with its credential's lookup.
    let reader = readers.checkOut()
    defer { readers.checkIn(reader) }
    // The shared first connection cannot hold a transaction for one request.
    guard reader !== readers.primary else {
      return try await next(
        request, try await authenticatedCatchingUp(request, context, on: reader, snapshot: false))
    }
    try reader.beginSnapshot()
    defer { reader.endSnapshot() }
    let context = try await authenticatedCatchingUp(request, context, on: reader, snapshot: true)
    return try await ReaderPool.$current.withValue(reader) { try await next(request, context) }
  }

  /// `authenticated`, and on the cache of a PostgreSQL bureau once more after the cache caught up
  /// with the log when the credential was unknown: one issued by the command line since the
  /// writer's last catch-up is not in the cache yet (`CatchUpGate` bounds how often).
  private func authenticatedCatchingUp(
    _ request: Request, _ context: Context, on reader: AppDatabase, snapshot: Bool
  ) async throws -> Context {
    do { return try authenticated(request, context, on: reader) } catch let error as APIError
      where error.rule == "credential_invalid"
    {
      guard try await catchUp.ifDue() else { throw error }
      if snapshot {
        reader.endSnapshot()
        try reader.beginSnapshot()
      }
      return try authenticated(request, context, on: reader)
    }
  }

  /// The context with the request's principal, looked up on `reader`; or 401, or 429.
  private func authenticated(_ request: Request, _ context: Context, on reader: AppDatabase) throws -> Context
  {
    guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
      case let token = String(header.dropFirst("Bearer ".count)), !token.isEmpty
    else {
      throw APIError(
        .unauthorized, "credential_missing", "this route needs a credential: Authorization: Bearer TOKEN")
    }
    guard let principal = try reader.principal(bearerToken: token) else {
      throw APIError(.unauthorized, "credential_invalid", "the credential is unknown or revoked")
    }
    if let retryAfterSeconds = limiter.admit(principal.credential) {
      var error = APIError(
        .tooManyRequests, "rate_limited",
        "credential \(principal.credential) sent more than \(limiter.rateText) requests a second; retry after \(retryAfterSeconds) s"
      )
      error.headers[.retryAfter] = String(retryAfterSeconds)
      throw error
    }
    var context = context
    context.principal = principal
    context.logNote.credential = principal.credential
    return context
  }
}

/// The route patterns and their methods, filled once the routes are registered: it tells a path
/// that exists with other methods (405) from one that does not (404).
final class RouteTable: @unchecked Sendable {
  private var routes: [(segments: [Substring], method: String)] = []

  func fill(_ descriptions: [(path: String, method: String)]) {
    routes = descriptions.map { (path, method) in (path.split(separator: "/"), method) }
  }

  func methods(forPath path: String) -> [String] {
    let segments = path.split(separator: "/")
    return Set(
      routes.filter { route in
        route.segments.count == segments.count
          && zip(route.segments, segments).allSatisfy { pattern, segment in
            pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == segment
          }
      }.map(\.method)
    ).sorted()
  }
}

/// Lets a request make the writer bring the cache of a PostgreSQL bureau up to the log (a group
/// commit that writes nothing), at most once every `interval`: an unknown credential must not
/// cost a PostgreSQL round trip each. On a SQLite file it never does anything.
final class CatchUpGate: @unchecked Sendable {
  let commit: GroupCommit
  let interval: TimeInterval = 0.1
  private let lock = NSLock()
  private var last = Date.distantPast

  init(commit: GroupCommit) { self.commit = commit }

  /// Whether this call may catch up now (none did in the last `interval`).
  private func takeTurn() -> Bool {
    lock.withLock {
      let due = Date().timeIntervalSince(last) >= interval
      if due { last = Date() }
      return due
    }
  }

  /// Whether a catch-up ran (and finished) for this call.
  func ifDue() async throws -> Bool {
    guard commit.cachesAnotherStore, takeTurn() else { return false }
    _ = try await commit.submit { _ in .object([:]) }
    return true
  }
}

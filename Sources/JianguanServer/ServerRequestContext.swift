import Foundation
import Hummingbird
import JianguanStore
import Logging

/// What a request carries through the middleware to its handler: who is asking.
public struct ServerRequestContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  /// Set by `AuthenticationMiddleware` for every route that needs a credential.
  public var principal: Principal?
  /// What the request log line says of the request, filled by the middleware inside it.
  let logNote = RequestLogNote()

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
  }

  /// Bodies are small JSON forms: anything larger is refused with 413 before it is parsed.
  public var maxUploadSize: Int { ServerLimits.bodyBytesMax }
}

/// The credential a request was admitted with, for its log line: the logging middleware runs
/// outside the one that admits it, and sees only the context it passed on, so the inner one
/// writes it here. Written before the handler runs and read after it returned.
final class RequestLogNote: @unchecked Sendable {
  var credential: String?
}

/// The limits a request is held to.
public enum ServerLimits {
  public static let bodyBytesMax = 64 * 1024
  /// Operations one group commit holds at most.
  public static let batchOperationsMax = 512
  /// On a PostgreSQL URL, how long the writer waits without a request before it brings the
  /// bureau's cache up to the log (the entries other processes appended).
  public static let cacheCatchUpSeconds: TimeInterval = 1
}

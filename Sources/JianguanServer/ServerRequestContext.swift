import Foundation
import Hummingbird
import JianguanStore
import Logging

/// What a request carries through the middleware to its handler: who is asking.
public struct ServerRequestContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  /// Set by `AuthenticationMiddleware` for every route that needs a credential.
  public var principal: Principal?

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
  }

  /// Bodies are small JSON forms: anything larger is refused with 413 before it is parsed.
  public var maxUploadSize: Int { ServerLimits.bodyBytesMax }
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

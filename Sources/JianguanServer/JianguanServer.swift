import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JianguanCore
import JianguanLedger
import JianguanStore
import JianguanWeb
import Logging
import ServiceLifecycle

/// How `jianguan serve` listens.
public struct ServerOptions: Sendable {
  public var host = "127.0.0.1"
  public var port = 8080
  public var tlsCertificatePath: String?
  public var tlsKeyPath: String?
  public var insecurePublic = false
  /// Requests a second one credential may send on average…
  public var requestsPerSecond: Double = 2000
  /// …and at once (default: twice the rate).
  public var rateLimitBurst: Int?
  /// The bureau's checkpoint key (`--key`): the pages' plaques and receipts are signed with it.
  public var signer: NoteSigner?
  public init() {}

  public var tls: Bool { tlsCertificatePath != nil }

  /// Refuses a public address without TLS unless `--insecure-public`, and half a TLS pair.
  public func validate() throws {
    guard (tlsCertificatePath == nil) == (tlsKeyPath == nil) else {
      throw Rejection("tls_pair_incomplete", "give both --tls-cert and --tls-key, or neither")
    }
    guard requestsPerSecond > 0 else {
      throw Rejection(
        "rate_limit_not_positive", "rate limit \(requestsPerSecond) must be more than 0 requests a second")
    }
    guard (1...65535).contains(port) || port == 0 else {
      throw Rejection("port_out_of_range", "port \(port) must be between 0 and 65535")
    }
    let loopback = ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    guard tls || loopback || insecurePublic else {
      throw Rejection(
        "public_without_tls",
        "host \(Rejection.quote(host)) is not a loopback address: without --tls-cert and --tls-key the service listens on loopback only, unless --insecure-public is given"
      )
    }
  }

  /// The line the service says at start: where it listens and whether TLS is on.
  public func startLine(port actualPort: Int) -> String {
    "jianguan serve: listening on \(tls ? "https" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(actualPort) (TLS \(tls ? "on" : "off")"
      + (tls ? "" : ", plain HTTP") + ")"
  }
}

/// The platform service for one bureau: builds the application that `jianguan serve` runs and
/// the tests start.
public enum JianguanService {
  /// `reader` answers reads on its own connection; `writer` is used only by the group commit.
  /// Both are the same database file, opened twice.
  public static func application(
    reader: AppDatabase, writer: AppDatabase, options: ServerOptions, logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
  ) throws -> some ApplicationProtocol {
    try options.validate()
    // Everything that can fail is done before the writer thread starts (`stop()` ends it).
    let server: HTTPServerBuilder =
      if let certificate = options.tlsCertificatePath, let key = options.tlsKeyPath {
        try .tls(tlsConfiguration: tlsConfiguration(certificate: certificate, key: key))
      } else { .http1() }
    let commit = GroupCommit(database: writer)
    let routes = Self.router(reader: reader, commit: commit, options: options)
    return Application(
      router: routes, server: server,
      configuration: .init(address: .hostname(options.host, port: options.port), serverName: "jianguan"),
      services: [GroupCommitService(commit: commit)],
      onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
      logger: logger)
  }

  /// Every route of the service, with its middleware; `commit` is the writer every write goes to.
  public static func router(reader: AppDatabase, commit: GroupCommit, options: ServerOptions)
    -> Router<ServerRequestContext>
  {
    let metrics = ServerMetrics()
    let router = Router(context: ServerRequestContext.self)
    let table = RouteTable()
    router.add(middleware: RequestLogMiddleware(metrics: metrics, routes: table))
    router.get("health") { _, _ in JSONResponse.make(.object(["status": .string("ok")])) }
    router.get("metrics") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
        body: .init(byteBuffer: ByteBuffer(bytes: metrics.text())))
    }
    router.get("openapi.yaml") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "application/yaml"],
        body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text + "\n")))
    }
    let readers = ReaderPool(primary: reader)
    let authenticated = router.group()
      .add(middleware: ErrorMiddleware())
      .add(
        middleware: AuthenticationMiddleware(
          readers: readers,
          limiter: RateLimiter(requestsPerSecond: options.requestsPerSecond, burst: options.rateLimitBurst),
          catchUp: CatchUpGate(commit: commit)))
    Routes(readers: readers, commit: commit, idempotency: IdempotencyCache(), signer: options.signer)
      .register(on: authenticated)
    PageRoutes(
      reader: reader, commit: commit, sessions: WebSessions(), signer: options.signer,
      secureCookies: options.tls
    ).register(on: router)
    table.fill(router.routes.map { ("/" + $0.path.description, $0.method.rawValue) })
    return router
  }

  static func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
    do {
      let chain = try NIOSSLCertificate.fromPEMFile(certificate)
      let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
      return TLSConfiguration.makeServerConfiguration(
        certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    } catch {
      throw Rejection(
        "tls_files_unreadable",
        "the TLS certificate \(Rejection.quote(certificate)) or key \(Rejection.quote(key)) cannot be read as PEM"
      )
    }
  }
}

/// Stops the writer after the server has stopped: the HTTP server is shut down first (its
/// requests finish, each answered after its commit), then every queued operation is committed.
struct GroupCommitService: Service {
  let commit: GroupCommit

  func run() async throws {
    try? await gracefulShutdown()
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      Thread.detachNewThread {
        commit.stop()
        continuation.resume()
      }
    }
  }
}

import ArgumentParser
import Foundation
import JianguanServer
import JianguanStore
import Logging

struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the platform service (HTTP, JSON) on this database until SIGTERM or SIGINT.",
    discussion: """
      Without --tls-cert and --tls-key the service listens on loopback only, unless \
      --insecure-public is given. Requests carry a credential: Authorization: Bearer TOKEN.
      """)
  @OptionGroup var global: GlobalOptions
  @Option(help: "The address to listen on.") var host = "127.0.0.1"
  @Option(help: "The port (0: any free port, said at start).") var port = 8080
  @Option(help: "TLS certificate chain, PEM.") var tlsCert: String?
  @Option(help: "TLS private key, PEM.") var tlsKey: String?
  @Flag(help: "Listen on a non-loopback address without TLS.") var insecurePublic = false
  @Option(help: "Requests a second one credential may send on average.") var rateLimit = 2000
  @Option(help: "The bureau's checkpoint key file: compliance plaques (/plaque/USCC) are signed with it.")
  var key: String?

  func run() throws {
    var options = ServerOptions()
    options.host = host
    options.port = port
    options.tlsCertificatePath = tlsCert
    options.tlsKeyPath = tlsKey
    options.insecurePublic = insecurePublic
    options.requestsPerSecond = Double(rateLimit)
    options.signer = try key.map(TextFile.signer)
    try options.validate()
    let listening = options
    LoggingSystem.bootstrap { label in
      var handler = ServiceLogHandler.standardError(label: label)
      handler.logLevel = .info
      return handler
    }
    // Two connections to the one file: reads on one, the group commit's writer on the other. On a
    // PostgreSQL URL the file is the bureau's cache: the writer appends to the bureau's log.
    let writer = try Environment.open(global)
    let reader = try Environment.open(global, reader: true)
    let application = try JianguanService.application(
      reader: reader, writer: writer, options: options, logger: Logger(label: "jianguan"),
      onRunning: { actualPort in
        FileHandle.standardOutput.write(Data((listening.startLine(port: actualPort) + "\n").utf8))
      })
    let finished = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var failure: (any Error)?
    Task {
      do { try await application.runService() } catch { failure = error }
      finished.signal()
    }
    finished.wait()
    if let failure { throw failure }
  }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import HummingbirdTesting
import JianguanCore
import JianguanServer
import JianguanTestSupport
import Testing

/// `--tls-cert` and `--tls-key`: the service speaks HTTPS (a self-signed certificate made with
/// the openssl command, which .ci/run installs).
@Suite struct TLSTests {
  @Test func withACertificateAndKeyTheServiceSpeaksHTTPS() async throws {
    let fixture = try ServerFixture()
    let certificate = fixture.directory.appendingPathComponent("cert.pem").path
    let key = fixture.directory.appendingPathComponent("key.pem").path
    let openssl = ChildProcess()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    openssl.arguments = [
      "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-subj", "/CN=localhost", "-days", "1", "-keyout", key, "-out", certificate,
    ]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")
    var options = ServerOptions()
    options.tlsCertificatePath = certificate
    options.tlsKeyPath = key
    options.host = "0.0.0.0"
    try options.validate()
    #expect(
      options.startLine(port: 443).contains("https://") && options.startLine(port: 443).contains("TLS on"))
    options.host = "127.0.0.1"
    var client = TLSConfiguration.makeClientConfiguration()
    client.certificateVerification = .none
    // The fixture's patient client, speaking HTTPS: the suite's blocking tests can hold the pool
    // the server runs on for longer than a test client's default deadline.
    try await fixture.serve(options: options, tls: client) { client in
      let health = try await client.send(.get, "/health", token: nil)
      #expect(health.status == .ok)
      let ledger = try await client.send(.get, "/v1/ledger?limit=1", token: fixture.tokens["auditor"])
      #expect(ledger.status == .ok)
    }
  }

  @Test func anUnreadableCertificateIsOneSentence() throws {
    let fixture = try ServerFixture()
    var options = ServerOptions()
    options.tlsCertificatePath = fixture.directory.appendingPathComponent("missing.pem").path
    options.tlsKeyPath = options.tlsCertificatePath
    #expect(throws: Rejection.self) { _ = try fixture.application(options: options) }
  }
}

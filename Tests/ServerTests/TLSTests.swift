import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JianguanCore
import JianguanServer
import Testing

/// `--tls-cert` and `--tls-key`: the service speaks HTTPS (a self-signed certificate made with
/// the openssl command, which .ci/run installs).
@Suite struct TLSTests {
  @Test func withACertificateAndKeyTheServiceSpeaksHTTPS() async throws {
    let fixture = try ServerFixture()
    let certificate = fixture.directory.appendingPathComponent("cert.pem").path
    let key = fixture.directory.appendingPathComponent("key.pem").path
    let openssl = Process()
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
    try await fixture.application(options: options).test(.ahc(.https)) { client in
      let health = try await Self.patiently {
        try await client.executeRequest(uri: "/health", method: .get, headers: [:], body: nil)
      }
      #expect(health.status == .ok)
      let ledger = try await Self.patiently {
        try await client.executeRequest(
          uri: "/v1/ledger?limit=1", method: .get,
          headers: [.authorization: "Bearer \(fixture.tokens["auditor"]!)"],
          body: nil)
      }
      #expect(ledger.status == .ok)
    }
  }

  /// The test client gives a request 15 seconds. When the whole suite runs on two cores, the
  /// long synchronous tests beside this one can hold every thread of the concurrency pool for
  /// longer than that, and the server, on the same pool, cannot answer: a deadline passed is
  /// tried again (four times in all), anything else fails at once.
  static func patiently(_ request: () async throws -> TestResponse) async throws -> TestResponse {
    var attempt = 1
    while true {
      do { return try await request() } catch  where attempt < 4 && "\(error)".contains("deadlineExceeded") {
        attempt += 1
      }
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

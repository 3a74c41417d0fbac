import Foundation
import Hummingbird
import HummingbirdTesting
import JianguanServer
import JianguanStore
import Testing

/// The OpenAPI document and the routes agree, both ways; the served copy is the file's.
@Suite struct OpenAPITests {
  /// "METHOD /path/{param}" of every operation in docs/openapi.yaml, read line by line: paths
  /// are the two-space-indented keys under `paths:`, methods the four-space-indented ones.
  static func documentedRoutes(_ text: String) -> Set<String> {
    var routes: Set<String> = []
    var inPaths = false
    var path: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "paths:" {
        inPaths = true
        continue
      }
      guard inPaths else { continue }
      if line.hasPrefix("  /"), line.hasSuffix(":") {
        path = String(line.dropFirst(2).dropLast())
      } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
        let method = line.trimmingCharacters(in: .whitespaces).dropLast()
        if ["get", "post", "put", "delete", "patch"].contains(String(method)) {
          routes.insert("\(method.uppercased()) \(path)")
        }
      } else if !line.hasPrefix(" "), !line.isEmpty {
        inPaths = false
      }
    }
    return routes
  }

  @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
    let fixture = try ServerFixture()
    let writer = try AppDatabase.open(
      path: fixture.path, keyPath: fixture.path + ".key", reference: ServerFixture.reference)
    let commit = GroupCommit(database: writer)
    defer { commit.stop() }
    let router = JianguanService.router(reader: fixture.database, commit: commit, options: ServerOptions())
    let registered = Set(
      router.routes.map { route in
        "\(route.method.rawValue) " + ("/" + route.path.description).replacingOccurrences(of: "//", with: "/")
      })
    let file = try String(
      contentsOf: ServerFixture.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
    let documented = Self.documentedRoutes(file)
    #expect(documented.count > 30)
    #expect(
      registered.subtracting(documented).isEmpty,
      "not documented: \(registered.subtracting(documented).sorted())")
    #expect(
      documented.subtracting(registered).isEmpty,
      "not registered: \(documented.subtracting(registered).sorted())")
  }

  @Test func theServedDocumentIsTheFile() async throws {
    let fixture = try ServerFixture()
    let file = try String(
      contentsOf: ServerFixture.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
    try await fixture.application().test(.live) { client in
      let served = try await client.send(.get, "/openapi.yaml", token: nil)
      #expect(served.status == .ok)
      #expect(served.text == file, "run Tools/embed-openapi.py after editing docs/openapi.yaml")
    }
  }
}

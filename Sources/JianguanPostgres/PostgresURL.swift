import JianguanCore

/// Where a bureau's ledger lives in PostgreSQL: `postgres://USER@HOST:PORT/DBNAME?bureau=340104`.
/// Parsed strictly: every part present, nothing else. A password, when the server asks for one, is
/// taken from `PGPASSWORD`, never from the URL (it would land in shell histories and process lists).
public struct PostgresURL: Equatable, Sendable, CustomStringConvertible {
  public let user: String
  public let host: String
  public let port: Int
  public let database: String
  /// The bureau's region code (GB/T 2260, 6 digits): the `region` of its log's genesis.
  public let bureau: String

  /// Whether `text` names a PostgreSQL store at all (then `parse` says what is wrong with it).
  public static func isURL(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?bureau=\(bureau)" }

  /// The bureau's lock key for `pg_advisory_xact_lock(class, bureau)`: appends to one bureau wait
  /// for each other, never for another bureau's.
  var lockKey: Int32 { Int32(bureau)! }

  /// Parses `text`; `field` names the option it came from in the one-sentence rejection.
  public static func parse(_ text: String, field: String = "db") throws -> PostgresURL {
    let form = "postgres://USER@HOST:PORT/DBNAME?bureau=REGION"
    func refuse(_ part: String, _ rule: String) -> Rejection {
      Rejection(
        "postgres_url_\(part)",
        "\(field) \(Rejection.quote(text)): \(rule) (the form is \(form))")
    }
    guard text.utf8.count <= 1000 else { throw refuse("too_long", "a URL is at most 1000 bytes") }
    var rest: Substring
    if text.hasPrefix("postgres://") {
      rest = text.dropFirst("postgres://".count)
    } else if text.hasPrefix("postgresql://") {
      rest = text.dropFirst("postgresql://".count)
    } else {
      throw refuse("scheme", "the scheme must be postgres://")
    }
    guard let at = rest.firstIndex(of: "@") else {
      throw refuse("user", "the user is missing (USER@ before the host)")
    }
    let user = String(rest[..<at])
    guard Self.isName(user) else {
      throw refuse(
        "user",
        user.contains(":")
          ? "the user must come without a password (set PGPASSWORD)"
          : "the user must be 1 to 63 letters, digits, _ or -")
    }
    rest = rest[rest.index(after: at)...]
    guard let slash = rest.firstIndex(of: "/") else {
      throw refuse("database", "the database name is missing (/DBNAME after the port)")
    }
    let hostPort = rest[..<slash]
    guard let colon = hostPort.lastIndex(of: ":") else {
      throw refuse("port", "the port is missing (HOST:PORT)")
    }
    let host = String(hostPort[..<colon])
    guard !host.isEmpty, host.utf8.count <= 253,
      host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
    else { throw refuse("host", "the host must be a host name or an IPv4 address") }
    let portText = hostPort[hostPort.index(after: colon)...]
    guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
      let port = Int(portText), (1...65535).contains(port)
    else { throw refuse("port", "the port must be a number from 1 to 65535") }
    rest = rest[rest.index(after: slash)...]
    guard let question = rest.firstIndex(of: "?") else {
      throw refuse("bureau", "the bureau is missing (?bureau=REGION, the region code given to init)")
    }
    let database = String(rest[..<question])
    guard Self.isName(database) else {
      throw refuse("database", "the database name must be 1 to 63 letters, digits, _ or -")
    }
    let query = rest[rest.index(after: question)...]
    guard query.hasPrefix("bureau=") else {
      throw refuse("bureau", "the only query part is bureau=REGION")
    }
    let bureau = String(query.dropFirst("bureau=".count))
    guard bureau.utf8.count == 6, bureau.allSatisfy({ $0.isASCII && $0.isNumber }), bureau != "000000" else {
      throw refuse("bureau", "the bureau must be a region code of 6 digits, e.g. 340104")
    }
    return PostgresURL(user: user, host: host, port: port, database: database, bureau: bureau)
  }

  private static func isName(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.count <= 63
      && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
  }
}

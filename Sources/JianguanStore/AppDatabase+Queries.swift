import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// An institution as the registry shows it.
public struct InstitutionSummary: Codable, Sendable {
  public let uscc: String
  public let name: String
  public let region: String
  public let kind: String
  public let category: String?
  public let nonprofit: Bool
  public let licence: String
  public let licenceExpires: String
  public let escrowBank: String
  public let escrowAccount: String
  public let mode: String
  public let status: String
  public let statusReason: String?
  public let checksumOverrideReason: String?
  public let seq: Int64
}

/// Money and hours summed over a set of enrollments.
public struct BalanceSummary: Codable, Sendable, Equatable {
  public var enrollments: Int64 = 0
  public var paidFen: Int64 = 0
  public var releasedFen: Int64 = 0
  public var refundedFen: Int64 = 0
  public var escrowFen: Int64 = 0
  public var hoursPaid: Int64 = 0
  public var hoursConsumed: Int64 = 0
  public var hoursRefunded: Int64 = 0
  public var hoursPending: Int64 = 0
  /// Held by open refund applications.
  public var hoursReserved: Int64 = 0
  public var hoursRemaining: Int64 = 0

  public init() {}

  /// Paid, less taught, refunded, pending and reserved.
  var computedHoursRemaining: Int64 {
    hoursPaid - hoursConsumed - hoursRefunded - hoursPending - hoursReserved
  }

  /// The summary as JSON, member for member its `Codable` form, built without an encoder (the
  /// service answers it thousands of times a second).
  public var json: JSONValue {
    .object([
      "enrollments": .integer(enrollments), "paidFen": .integer(paidFen),
      "releasedFen": .integer(releasedFen),
      "refundedFen": .integer(refundedFen), "escrowFen": .integer(escrowFen),
      "hoursPaid": .integer(hoursPaid),
      "hoursConsumed": .integer(hoursConsumed), "hoursRefunded": .integer(hoursRefunded),
      "hoursPending": .integer(hoursPending), "hoursReserved": .integer(hoursReserved),
      "hoursRemaining": .integer(hoursRemaining),
    ])
  }
}

/// One entry as `ledger list` and `ledger export` show it.
public struct LedgerLine: Sendable {
  public let seq: Int64
  public let kind: String
  public let entryBytes: [UInt8]
  public let previousHash: [UInt8]
  public let hash: [UInt8]

  /// The entry decoded, as JSON for people (`Entry.json`); nil when its bytes do not decode.
  public var entryJSON: JSONValue? { (try? Entry.parse(entryBytes))?.json }

  /// The line as `ledger export` and the API print it: the bytes in hex and the decoded view.
  public var json: JSONValue {
    var members: [String: JSONValue] = [
      "seq": .integer(seq), "kind": .string(kind), "entryHex": .string(Hex.encode(entryBytes)),
      "prevHash": .string(Hex.encode(previousHash)), "hash": .string(Hex.encode(hash)),
    ]
    members["entry"] = entryJSON
    return .object(members)
  }
}

/// Which enrollments a balance sums.
public enum BalanceScope: Sendable {
  case all
  case institution(String)
  case enrollment(String)
  case region(String)
}

extension AppDatabase {
  public func institutions(region: String?, status: String?) throws -> [InstitutionSummary] {
    let prefix = try Self.institutionFilter(region: region, status: status, regions: reference.regions)
    return try read { db in
      var sql = "SELECT * FROM institutions WHERE 1"
      var arguments: [any DatabaseValueConvertible] = []
      if let prefix {
        sql += " AND region LIKE ?"
        arguments.append(prefix + "%")
      }
      if let status {
        sql += " AND status = ?"
        arguments.append(status)
      }
      return try Row.fetchAll(
        db, sql: sql + " ORDER BY region, uscc", arguments: StatementArguments(arguments)!
      )
      .map(Self.institutionSummary)
    }
  }

  /// The filter of `institution list` checked, on any store: the prefix of the region's codes.
  public static func institutionFilter(region: String?, status: String?, regions: RegionTable) throws
    -> String?
  {
    if let status, !["active", "suspended", "revoked"].contains(status) {
      throw Rejection(
        "status_unknown", "status \(Rejection.quote(status)) must be active, suspended or revoked")
    }
    guard let region else { return nil }
    _ = try regions.validateCurrent(region, field: "region")
    return regionPrefix(region)
  }

  public func institution(_ uscc: String) throws -> InstitutionSummary {
    try read { db in
      guard
        let row = try Row.fetchOne(
          try db.cachedStatement(sql: "SELECT * FROM institutions WHERE uscc = ?"), arguments: [uscc])
      else {
        throw Rejection("institution_unknown", "institution \(Rejection.quote(uscc)) is not registered")
      }
      return Self.institutionSummary(row)
    }
  }

  /// "340100" → "3401", "340000" → "34", "340104" → "340104": the prefix shared by a region's codes.
  static func regionPrefix(_ code: String) -> String { Region.codePrefix(code) }

  static func institutionSummary(_ row: Row) -> InstitutionSummary {
    InstitutionSummary(
      uscc: row["uscc"], name: row["name"], region: row["region"], kind: row["kind"],
      category: row["category"],
      nonprofit: row["nonprofit"], licence: row["licence"], licenceExpires: row["licence_expires"],
      escrowBank: row["escrow_bank"], escrowAccount: row["escrow_account"], mode: row["mode"],
      status: row["status"],
      statusReason: row["status_reason"], checksumOverrideReason: row["checksum_override_reason"],
      seq: row["seq"])
  }

  /// Paid, released, refunded and held money, and hours, over the enrollments of `scope`.
  public func balance(_ scope: BalanceScope) throws -> BalanceSummary {
    var filter = "1"
    var arguments: StatementArguments = []
    switch scope {
    case .all: break
    case .institution(let uscc):
      filter = "institution = ?"
      arguments = [uscc]
    case .enrollment(let id):
      filter = "id = ?"
      arguments = [id]
    case .region(let code):
      _ = try reference.regions.validateCurrent(code, field: "region")
      filter = "institution IN (SELECT uscc FROM institutions WHERE region LIKE ?)"
      arguments = [Self.regionPrefix(code) + "%"]
    }
    return try read { db in
      switch scope {
      case .institution(let uscc): _ = try requireInstitution(uscc, db: db)
      case .enrollment(let id): _ = try requireEnrollment(id, db: db)
      default: break
      }
      let row = try Row.fetchOne(
        try db.cachedStatement(
          sql: """
            SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS paid, COALESCE(SUM(released_fen), 0) AS released,
              COALESCE(SUM(refunded_fen), 0) AS refunded, COALESCE(SUM(escrow_fen), 0) AS escrow,
              COALESCE(SUM(hours_paid), 0) AS hp, COALESCE(SUM(hours_consumed), 0) AS hc,
              COALESCE(SUM(hours_refunded), 0) AS hr, COALESCE(SUM(hours_pending), 0) AS hpend,
              COALESCE(SUM(hours_reserved), 0) AS hres
            FROM enrollments WHERE \(filter)
            """), arguments: arguments)!
      var summary = BalanceSummary()
      summary.enrollments = row["n"]
      summary.paidFen = row["paid"]
      summary.releasedFen = row["released"]
      summary.refundedFen = row["refunded"]
      summary.escrowFen = row["escrow"]
      summary.hoursPaid = row["hp"]
      summary.hoursConsumed = row["hc"]
      summary.hoursRefunded = row["hr"]
      summary.hoursPending = row["hpend"]
      summary.hoursReserved = row["hres"]
      summary.hoursRemaining = summary.computedHoursRemaining
      return summary
    }
  }

  /// Entries from `fromSeq`, at most `limit` of them, in order; `each` is called per entry so that
  /// an export of millions streams in constant memory.
  public func entries(fromSeq: Int64, limit: Int64?, _ each: (LedgerLine) throws -> Void) throws {
    try read { db in
      let cursor = try Row.fetchCursor(
        try db.cachedStatement(
          sql: "SELECT seq, kind, entry FROM ledger WHERE seq >= ? ORDER BY seq LIMIT ?"),
        arguments: [fromSeq, limit ?? -1])
      while let row = try cursor.next() {
        let bytes = [UInt8](row["entry"] as Data)
        let previous = (try? Entry.parse(bytes).previousHash) ?? []
        try each(
          LedgerLine(
            seq: row["seq"], kind: row["kind"], entryBytes: bytes, previousHash: previous,
            hash: SHA256.hash(bytes)))
      }
    }
  }

  /// The number of entries in the log.
  public func size() throws -> Int64 { try read { db in try LedgerWriter.size(db) } }
}

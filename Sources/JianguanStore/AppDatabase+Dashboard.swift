import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// An institution with the escrow it holds and the day its status last changed: what the
/// regulator's dashboard and the public lists show.
public struct InstitutionHolding: Sendable {
  public let institution: InstitutionSummary
  public let escrowFen: Int64
  public let enrollments: Int64
  /// The China day of the entry that gave it its current status (its registration, or the last
  /// suspension, reinstatement or revocation).
  public let statusSince: String
}

/// One level of the region drill-down: institutions by status and the escrow they hold.
public struct RegionHolding: Sendable, Equatable {
  public let region: String
  public let name: String
  public let level: String
  public var active = 0
  public var suspended = 0
  public var revoked = 0
  public var escrowFen: Int64 = 0
}

/// The escrow an institution held at the end of a China day.
public struct EscrowPoint: Sendable, Equatable {
  public let day: String
  public let escrowFen: Int64
}

extension AppDatabase {
  /// Every institution within `region` (all when nil), with its escrow, in region then USCC order.
  public func institutionHoldings(region: String? = nil) throws -> [InstitutionHolding] {
    if let region { _ = try reference.regions.validateCurrent(region, field: "region") }
    let prefix = region.map { Self.regionPrefix($0) } ?? ""
    return try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT i.*, COALESCE(m.escrow, 0) AS held, COALESCE(m.enrollments, 0) AS enrollment_count,
            date(entry_time(l.entry), '+8 hours') AS status_day
          FROM institutions i
          LEFT JOIN (SELECT institution, SUM(escrow_fen) AS escrow, COUNT(*) AS enrollments
            FROM enrollments GROUP BY institution) m ON m.institution = i.uscc
          LEFT JOIN ledger l ON l.seq = i.seq
          WHERE i.region LIKE ? ORDER BY i.region, i.uscc
          """, arguments: [prefix + "%"]
      ).map { row in
        InstitutionHolding(
          institution: Self.institutionSummary(row), escrowFen: row["held"],
          enrollments: row["enrollment_count"],
          statusSince: row["status_day"] ?? "")
      }
    }
  }

  /// The public lists: the white list (`active`: licensed and active) or the black list
  /// (`revoked`), narrowed by a name or USCC fragment and a district (region code).
  public func publicRegistry(status: String, search: String?, district: String?) throws
    -> [InstitutionHolding]
  {
    guard ["active", "revoked"].contains(status) else {
      throw Rejection(
        "list_unknown", "list \(Rejection.quote(status)) must be active (white) or revoked (black)")
    }
    let search = search?.trimmingCharacters(in: .whitespaces) ?? ""
    if search.count > 50 {
      throw Rejection("q_too_long", "search \(Rejection.quote(search)) is longer than 50 characters")
    }
    let district = district.flatMap { $0.isEmpty ? nil : $0 }
    return try institutionHoldings(region: district).filter { holding in
      holding.institution.status == status
        && (search.isEmpty || holding.institution.name.contains(search)
          || holding.institution.uscc.contains(search.uppercased()))
    }
  }

  /// Institutions by status and escrow, summed per county, prefecture and province (GB/T 2260 order).
  public func regionHoldings(_ holdings: [InstitutionHolding]) -> [RegionHolding] {
    var rows: [String: RegionHolding] = [:]
    for holding in holdings {
      for level in reference.regions.ancestry(of: holding.institution.region) {
        var row =
          rows[level.code] ?? RegionHolding(region: level.code, name: level.name, level: level.level.rawValue)
        switch holding.institution.status {
        case "active": row.active += 1
        case "suspended": row.suspended += 1
        default: row.revoked += 1
        }
        row.escrowFen += holding.escrowFen
        rows[level.code] = row
      }
    }
    return rows.values.sorted { $0.region < $1.region }
  }

  /// The escrow `uscc` held at the end of each China day money moved: payments in, releases and
  /// refunds out, from the entries' own times.
  public func escrowSeries(institution uscc: String) throws -> [EscrowPoint] {
    _ = try institution(uscc)
    return try read { db in
      var running: Int64 = 0
      return try Row.fetchAll(
        db,
        sql: """
          SELECT day, SUM(change) AS change FROM (
            SELECT date(entry_time(l.entry), '+8 hours') AS day, e.amount_fen AS change
              FROM enrollments e JOIN ledger l ON l.seq = e.seq WHERE e.institution = ?1
            UNION ALL
            SELECT date(entry_time(l.entry), '+8 hours'), -x.released_fen
              FROM lessons x JOIN enrollments e ON e.id = x.enrollment JOIN ledger l ON l.seq = x.seq
              WHERE e.institution = ?1 AND x.status = 'released'
            UNION ALL
            SELECT date(entry_time(l.entry), '+8 hours'), -x.amount_fen
              FROM refunds x JOIN enrollments e ON e.id = x.enrollment JOIN ledger l ON l.seq = x.seq
              WHERE e.institution = ?1
          ) GROUP BY day ORDER BY day
          """, arguments: [uscc]
      ).map { row in
        let (sum, overflow) = running.addingReportingOverflow(row["change"])
        guard !overflow else { throw StoreIntegrityError("escrow of \(uscc) overflows Int64 fen") }
        running = sum
        return EscrowPoint(day: row["day"], escrowFen: running)
      }
    }
  }
}

import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// The figures of the supervision records of a period, summed.
public struct SupervisionSummary: Codable, Sendable, Equatable {
  public struct Count: Codable, Sendable, Equatable {
    public let name: String
    public let count: Int64
  }
  public var from = ""
  public var to = ""
  public var region: String?
  public var actions: Int64 = 0
  public var measures: Int64 = 0
  public var personVisits: Int64 = 0
  public var teams: Int64 = 0
  public var institutionsChecked: Int64 = 0
  public var problems: Int64 = 0
  public var problemsByCategory: [Count] = []
  /// Problems per enforcement action taken on them (a problem group with two actions counts under both).
  public var problemsByAction: [Count] = []
  public var problemsRectified: Int64 = 0
  /// Refunds coordinated by actions, findings and complaint resolutions, in fen.
  public var refundsFen: Int64 = 0
  public var finesFen: Int64 = 0
  public var studentsRedistributed: Int64 = 0
  public var findings: Int64 = 0
  public var findingsByCategory: [Count] = []
  public var findingsOpen: Int64 = 0
  public var findingsRectified: Int64 = 0
  public var findingsVerified: Int64 = 0
  /// Open findings whose deadline passed before the end of the period (or today, if earlier).
  public var findingsOverdue: Int64 = 0
  public var complaints: Int64 = 0
  public var complaintsByChannel: [Count] = []
  public var complaintsResolved: Int64 = 0
}

extension AppDatabase {
  /// The actions and measures of `date`, as the bulletin writes them.
  public func bulletinItems(date: CalendarDate) throws -> [BulletinItem] {
    try read { db in
      try Row.fetchAll(
        try db.cachedStatement(
          sql: "SELECT id, type, record FROM supervision_items WHERE date = ? ORDER BY seq"),
        arguments: [date.description]
      ).map { row in
        let payload = try CanonicalJSONParser.parse(Array((row["record"] as String).utf8))
        if (row["type"] as String) == "action" {
          let entry = try JSONValueCoder.decode(SupervisionActionRecorded.self, from: payload)
          return BulletinItem(id: entry.id, action: entry.body, regions: reference.regions)
        }
        let entry = try JSONValueCoder.decode(SupervisionMeasureRecorded.self, from: payload)
        return BulletinItem(id: entry.id, measure: entry.body, regions: reference.regions)
      }
    }
  }

  /// The bulletin of `header.date` from the records of that day.
  public func bulletin(_ header: Bulletin.Header) throws -> Bulletin {
    Bulletin(header: header, items: try bulletinItems(date: header.date), regions: reference.regions)
  }

  /// The supervision figures of `from`…`to` (inclusive), within `region` if given.
  public func supervisionSummary(from: String, to: String, region: String?, today: CalendarDate) throws
    -> SupervisionSummary
  {
    let start = try CalendarDate.parse(from, field: "from")
    let end = try CalendarDate.parse(to, field: "to")
    guard start <= end else {
      throw Rejection("period_reversed", "from \(start) is after to \(end); give the earlier date first")
    }
    if let region { _ = try reference.regions.validateCurrent(region, field: "region") }
    let prefix = region.map { Self.regionPrefix($0) } ?? ""
    let window: StatementArguments = [start.description, end.description, prefix + "%"]
    let overdueDate = min(end, today).description
    return try read { db in
      var summary = SupervisionSummary(from: start.description, to: end.description, region: region)
      let scope = "date BETWEEN ? AND ? AND region LIKE ?"
      let items = try Row.fetchOne(
        try db.cachedStatement(
          sql: """
            SELECT COALESCE(SUM(type = 'action'), 0) AS actions, COALESCE(SUM(type = 'measure'), 0) AS measures,
              COALESCE(SUM(person_visits), 0) AS visits, COALESCE(SUM(teams), 0) AS teams,
              COALESCE(SUM(institutions_checked), 0) AS checked, COALESCE(SUM(problems), 0) AS problems,
              COALESCE(SUM(refunds_fen), 0) AS refunds, COALESCE(SUM(fines_fen), 0) AS fines,
              COALESCE(SUM(students_redistributed), 0) AS students
            FROM supervision_items WHERE \(scope)
            """), arguments: window)!
      summary.actions = items["actions"]
      summary.measures = items["measures"]
      summary.personVisits = items["visits"]
      summary.teams = items["teams"]
      summary.institutionsChecked = items["checked"]
      summary.problems = items["problems"]
      summary.refundsFen = items["refunds"]
      summary.finesFen = items["fines"]
      summary.studentsRedistributed = items["students"]
      var byAction: [String: Int64] = [:]
      var byCategory: [String: Int64] = [:]
      for row in try Row.fetchAll(
        try db.cachedStatement(
          sql: """
            SELECT category, count, actions, follow_up FROM supervision_problems
            WHERE item IN (SELECT id FROM supervision_items WHERE \(scope))
            """), arguments: window)
      {
        let count: Int64 = row["count"]
        byCategory[row["category"], default: 0] += count
        for action in (row["actions"] as String).split(separator: ",") {
          byAction[String(action), default: 0] += count
        }
        if (row["follow_up"] as String) != "open" { summary.problemsRectified += count }
      }
      summary.problemsByCategory = Self.ordered(byCategory, FindingCategory.self)
      summary.problemsByAction = Self.ordered(byAction, EnforcementAction.self)
      let findings = try Row.fetchOne(
        try db.cachedStatement(
          sql: """
            SELECT COUNT(*) AS n, COALESCE(SUM(status = 'open'), 0) AS open, COALESCE(SUM(status = 'rectified'), 0) AS rectified,
              COALESCE(SUM(status = 'verified'), 0) AS verified,
              COALESCE(SUM(status = 'open' AND deadline IS NOT NULL AND deadline < ?), 0) AS overdue,
              COALESCE(SUM(refunds_fen), 0) AS refunds, COALESCE(SUM(fine_fen), 0) AS fines,
              COALESCE(SUM(students_redistributed), 0) AS students
            FROM findings WHERE \(scope)
            """), arguments: [overdueDate] + window)!
      summary.findings = findings["n"]
      summary.findingsOpen = findings["open"]
      summary.findingsRectified = findings["rectified"]
      summary.findingsVerified = findings["verified"]
      summary.findingsOverdue = findings["overdue"]
      summary.refundsFen += findings["refunds"] as Int64
      summary.finesFen += findings["fines"] as Int64
      summary.studentsRedistributed += findings["students"] as Int64
      summary.findingsByCategory = Self.ordered(
        try Self.counts(
          db, "SELECT category, COUNT(*) FROM findings WHERE \(scope) GROUP BY category", window),
        FindingCategory.self)
      let complaints = try Row.fetchOne(
        try db.cachedStatement(
          sql: """
            SELECT COUNT(*) AS n, COALESCE(SUM(status = 'resolved'), 0) AS resolved, COALESCE(SUM(refunds_fen), 0) AS refunds
            FROM complaints WHERE \(scope)
            """), arguments: window)!
      summary.complaints = complaints["n"]
      summary.complaintsResolved = complaints["resolved"]
      summary.refundsFen += complaints["refunds"] as Int64
      summary.complaintsByChannel = Self.ordered(
        try Self.counts(
          db, "SELECT channel, COUNT(*) FROM complaints WHERE \(scope) GROUP BY channel", window),
        ComplaintChannel.self)
      return summary
    }
  }

  static func counts(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [String: Int64]
  {
    var out: [String: Int64] = [:]
    for row in try Row.fetchAll(db, sql: sql, arguments: arguments) { out[row[0]] = row[1] }
    return out
  }

  /// Counts in the order the vocabulary lists its terms.
  static func ordered<Term: SupervisionTerm>(_ counts: [String: Int64], _ type: Term.Type)
    -> [SupervisionSummary.Count]
  {
    Term.allCases.compactMap { term in counts[term.rawValue].map { .init(name: term.rawValue, count: $0) } }
  }
}

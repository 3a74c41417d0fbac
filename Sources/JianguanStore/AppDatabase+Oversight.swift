import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// Full-process supervision (全流程监管) coverage of one region: how many active institutions
/// have each step done.
public struct CoverageRow: Codable, Sendable, Equatable {
  public let region: String
  public let name: String
  /// county, prefecture or province
  public let level: String
  public var active: Int64 = 0
  public var escrowAccount: Int64 = 0
  public var venues: Int64 = 0
  public var courses: Int64 = 0
  public var classes: Int64 = 0
  public var paidThroughEscrow: Int64 = 0
  public var fullyOnboarded: Int64 = 0
}

/// An active institution that is not yet fully onboarded, and what it lacks.
public struct CoverageGap: Codable, Sendable, Equatable {
  public let uscc: String
  public let name: String
  public let region: String
  public let lacks: [String]
}

/// One reason to look at an institution first, with its figures.
public struct RiskAlert: Codable, Sendable, Equatable {
  public let uscc: String
  public let name: String
  public let region: String
  /// escrow_months, dispute_share, complaints, escrow_while_closed, licence_expiring, findings_overdue
  public let reason: String
  public let detail: String
  /// The same, in Chinese, for the pages (issue 18).
  public let detailChinese: String
}

extension AppDatabase {
  /// Coverage per county, summed per prefecture and province, within `region` if given; payments
  /// count when made through escrow in the 30 days up to `asOf`.
  public func coverage(region: String?, asOf: CalendarDate) throws -> (
    rows: [CoverageRow], gaps: [CoverageGap]
  ) {
    if let region { _ = try reference.regions.validateCurrent(region, field: "region") }
    let prefix = region.map { Self.regionPrefix($0) } ?? ""
    let since = asOf.adding(days: -30).description
    return try read { db in
      let institutions = try Row.fetchAll(
        try db.cachedStatement(
          sql: """
            SELECT i.uscc, i.name, i.region, i.mode, i.escrow_account,
              EXISTS (SELECT 1 FROM venues v WHERE v.institution = i.uscc) AS has_venue,
              EXISTS (SELECT 1 FROM courses c WHERE c.institution = i.uscc) AS has_course,
              EXISTS (SELECT 1 FROM classes k WHERE k.institution = i.uscc) AS has_class,
              EXISTS (SELECT 1 FROM enrollments e WHERE e.institution = i.uscc
                AND substr(e.paid_at, 1, 10) BETWEEN ? AND ?) AS paid
            FROM institutions i WHERE i.status = 'active' AND i.region LIKE ? ORDER BY i.region, i.uscc
            """), arguments: [since, asOf.description, prefix + "%"])
      var rows: [String: CoverageRow] = [:]
      var gaps: [CoverageGap] = []
      for row in institutions {
        let code: String = row["region"]
        let escrow = (row["mode"] as String) == "escrow" && !(row["escrow_account"] as String).isEmpty
        let steps: [(Bool, String)] = [
          (escrow, "escrow account"), (row["has_venue"], "venue"), (row["has_course"], "course"),
          (row["has_class"], "class"), (row["paid"], "payment through escrow in 30 days"),
        ]
        let lacks = steps.filter { !$0.0 }.map(\.1)
        if !lacks.isEmpty {
          gaps.append(CoverageGap(uscc: row["uscc"], name: row["name"], region: code, lacks: lacks))
        }
        for level in reference.regions.ancestry(of: code) {
          var total =
            rows[level.code] ?? CoverageRow(region: level.code, name: level.name, level: level.level.rawValue)
          total.active += 1
          total.escrowAccount += escrow ? 1 : 0
          total.venues += steps[1].0 ? 1 : 0
          total.courses += steps[2].0 ? 1 : 0
          total.classes += steps[3].0 ? 1 : 0
          total.paidThroughEscrow += steps[4].0 ? 1 : 0
          total.fullyOnboarded += lacks.isEmpty ? 1 : 0
          rows[level.code] = total
        }
      }
      // Province, then its prefectures, each followed by its counties: GB/T 2260 order.
      return (rows.values.sorted { $0.region < $1.region }, gaps)
    }
  }

  /// The institutions regulators should look at first as of `asOf`, with the thresholds of
  /// `Data/policy.json` in force for each institution's region.
  public func riskAlerts(asOf: CalendarDate) throws -> [RiskAlert] {
    try read { db in
      var alerts: [RiskAlert] = []
      for row in try Row.fetchAll(
        try db.cachedStatement(
          sql: "SELECT uscc, name, region, status, licence_expires FROM institutions ORDER BY region, uscc"))
      {
        let uscc: String = row["uscc"]
        let policy = try ledgerPolicy(for: row["region"], db: db)
        func alert(_ reason: String, _ detail: String, chinese: String) {
          alerts.append(
            RiskAlert(
              uscc: uscc, name: row["name"], region: row["region"], reason: reason, detail: detail,
              detailChinese: chinese))
        }
        let money = try Row.fetchOne(
          try db.cachedStatement(
            sql: """
              SELECT COALESCE(SUM(escrow_fen), 0) AS escrow, COUNT(*) AS enrollments,
                COALESCE(SUM(EXISTS (SELECT 1 FROM lessons l WHERE l.enrollment = e.id
                  AND l.reason IS NOT NULL)), 0) AS troubled
              FROM enrollments e WHERE institution = ?
              """), arguments: [uscc])!
        let escrow: Int64 = money["escrow"]
        let status: String = row["status"]
        if status != "active" && escrow > 0 {
          alert(
            "escrow_while_closed", "\(status) while holding \(Money.formatYuan(escrow)) yuan of escrow",
            chinese: "\(status == "revoked" ? "已吊销" : "已暂停")，仍持有监管资金 \(Money.formatYuan(escrow)) 元")
        }
        let since90 = asOf.adding(days: -90).description
        let released90 =
          try Int64.fetchOne(
            try db.cachedStatement(
              sql: """
                SELECT COALESCE(SUM(l.released_fen), 0) FROM lessons l JOIN enrollments e ON e.id = l.enrollment
                WHERE e.institution = ? AND l.status = 'released' AND l.taught_on BETWEEN ? AND ?
                """), arguments: [uscc, since90, asOf.description]) ?? 0
        if status == "active" && escrow > 0 {
          let months = Int64(policy.riskEscrowMonthsOfLessons)
          if released90 == 0 {
            alert(
              "escrow_months",
              "holds \(Money.formatYuan(escrow)) yuan of escrow; no lessons consumed in 90 days",
              chinese: "持有监管资金 \(Money.formatYuan(escrow)) 元，90 天内没有消课")
          } else if escrow * 3 > released90 * months {
            let tenths = escrow * 30 / released90
            alert(
              "escrow_months",
              "holds \(Money.formatYuan(escrow)) yuan = \(tenths / 10).\(tenths % 10) months of lessons (consumed \(Money.formatYuan(released90)) yuan in 90 days; threshold \(months) months)",
              chinese:
                "持有监管资金 \(Money.formatYuan(escrow)) 元，相当于 \(tenths / 10).\(tenths % 10) 个月的课（90 天消课 \(Money.formatYuan(released90)) 元；上限 \(months) 个月）"
            )
          }
        }
        // A dispute is a disputed lesson: a lesson carries a reason once the parent disputed it,
        // and keeps it when the regulator releases or voids it. A refund is not a dispute. (A
        // closure also voids lessons with a reason, but a closed institution is revoked and not
        // looked at here.)
        let enrollments: Int64 = money["enrollments"]
        let troubled: Int64 = money["troubled"]
        if status != "revoked" && enrollments > 0
          && troubled * 100 > enrollments * Int64(policy.riskDisputeSharePercent)
        {
          alert(
            "dispute_share",
            "\(troubled) of \(enrollments) enrollments (\(troubled * 100 / enrollments)%) had a disputed lesson; threshold \(policy.riskDisputeSharePercent)%",
            chinese:
              "\(enrollments) 个报名中 \(troubled) 个（\(troubled * 100 / enrollments)%）有消课异议；阈值 \(policy.riskDisputeSharePercent)%"
          )
        }
        let complaintsSince = asOf.adding(days: -policy.riskComplaintsDays).description
        let complaints =
          try Int64.fetchOne(
            try db.cachedStatement(
              sql: "SELECT COUNT(*) FROM complaints WHERE institution = ? AND date > ? AND date <= ?"),
            arguments: [uscc, complaintsSince, asOf.description]) ?? 0
        if complaints > 0 {
          alert(
            "complaints", "\(complaints) complaints in the last \(policy.riskComplaintsDays) days",
            chinese: "近 \(policy.riskComplaintsDays) 天收到投诉 \(complaints) 件")
        }
        let expires = try CalendarDate.parse(row["licence_expires"], field: "licence_expires")
        if status != "revoked" && expires <= asOf.adding(days: policy.riskLicenceExpiryDays) {
          alert(
            "licence_expiring",
            expires <= asOf
              ? "licence expired on \(expires)"
              : "licence expires on \(expires), within \(policy.riskLicenceExpiryDays) days",
            chinese: expires <= asOf
              ? "办学许可证已于 \(expires) 到期" : "办学许可证将于 \(expires) 到期（\(policy.riskLicenceExpiryDays) 天内）")
        }
        let overdue = try Row.fetchAll(
          try db.cachedStatement(
            sql:
              "SELECT id, deadline FROM findings WHERE institution = ? AND status = 'open' AND deadline < ? ORDER BY id"
          ),
          arguments: [uscc, asOf.description])
        if !overdue.isEmpty {
          let list = overdue.map { "\($0["id"] as String) (deadline \($0["deadline"] as String))" }.joined(
            separator: ", ")
          let chineseList = overdue.map { "\($0["id"] as String)（期限 \($0["deadline"] as String)）" }.joined(
            separator: "、")
          alert(
            "findings_overdue", "\(overdue.count) findings overdue for rectification: \(list)",
            chinese: "\(overdue.count) 项问题逾期未整改：\(chineseList)")
        }
      }
      let reasonsPerInstitution = Dictionary(grouping: alerts, by: \.uscc).mapValues(\.count)
      return alerts.enumerated().sorted { lhs, rhs in
        let (left, right) = (
          reasonsPerInstitution[lhs.element.uscc]!, reasonsPerInstitution[rhs.element.uscc]!
        )
        return left != right ? left > right : lhs.offset < rhs.offset
      }.map(\.element)
    }
  }
}

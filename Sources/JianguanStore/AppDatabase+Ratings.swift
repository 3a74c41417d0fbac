import GRDB
import JianguanCore
import JianguanLedger

/// One rating as a report lists it.
public struct RatingLine: Codable, Sendable, Equatable {
  public let enrollment: String
  public let score: Int64
  public let comment: String?
  public let on: String
}

/// The satisfaction ratings (满意度测评) of one institution.
public struct RatingsReport: Codable, Sendable, Equatable {
  public let institution: String
  public let name: String
  public let count: Int64
  public let scoreSum: Int64
  /// The average in tenths, rounded half up with integers (43 = 4.3); nil without ratings.
  public let averageTenths: Int64?
  /// How many ratings gave 1, 2, 3, 4 and 5.
  public let distribution: [Int64]
  public let ratings: [RatingLine]

  /// "4.3", or "-" without ratings.
  public var averageText: String {
    guard let averageTenths else { return "-" }
    return "\(averageTenths / 10).\(averageTenths % 10)"
  }
}

extension AppDatabase {
  /// A parent rates an enrollment's class: once, after at least one of its lessons was released.
  public func addRating(enrollment: String, score: String, comment: String?, today: CalendarDate) throws
    -> Recorded
  {
    try write { db in
      Recorded(
        try Self.addRating(
          enrollment: enrollment, score: score, comment: comment, today: today,
          in: SQLTransaction(database: self, db: db)))
    }
  }

  /// The same on any store: the form read, then `RatingOperation`.
  public static func addRating(
    enrollment: String, score: String, comment: String?, today: CalendarDate,
    in transaction: some LedgerTransaction
  ) throws -> Appended {
    let id = try validateID(enrollment, field: "enrollment", prefix: "E")
    let value: Int64
    do { value = try Money.parseCount(score, field: "score", range: 1...5) } catch {
      throw Rejection(
        "rating_score_out_of_range",
        "score \(Rejection.quote(score)) is not a whole number from 1 (very dissatisfied) to 5 (very satisfied)"
      )
    }
    let commentText = try comment.map {
      try TextField.validateForLedger($0, field: "comment", maxLength: 200)
    }
    return try RatingOperation.rate(
      enrollment: id, score: value, comment: commentText, today: today, in: transaction)
  }

  /// Count, average, distribution and comments of an institution's ratings.
  public func ratingsReport(institution uscc: String) throws -> RatingsReport {
    try read { db in
      let institution = try requireInstitution(uscc, db: db)
      let lines = try Row.fetchAll(
        try db.cachedStatement(
          sql: "SELECT enrollment, score, comment, rated_on FROM ratings WHERE institution = ? ORDER BY seq"),
        arguments: [uscc]
      ).map {
        RatingLine(
          enrollment: $0["enrollment"], score: $0["score"], comment: $0["comment"], on: $0["rated_on"])
      }
      var distribution: [Int64] = [0, 0, 0, 0, 0]
      for line in lines { distribution[Int(line.score) - 1] += 1 }
      let count = Int64(lines.count)
      let sum = lines.reduce(0) { $0 + $1.score }
      let name = try String.fetchOne(
        try db.cachedStatement(sql: "SELECT name FROM institutions WHERE uscc = ?"),
        arguments: [institution.uscc])
      return RatingsReport(
        institution: uscc, name: name ?? "", count: count, scoreSum: sum,
        averageTenths: count == 0 ? nil : (sum * 20 + count) / (2 * count), distribution: distribution,
        ratings: lines)
    }
  }
}

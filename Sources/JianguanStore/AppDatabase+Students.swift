import GRDB
import JianguanCore
import JianguanLedger

/// One enrollment of a student: what was bought, taught, pending, refunded and held.
public struct StudentEnrollment: Codable, Sendable, Equatable {
  public let enrollment: String
  public let classID: String
  public let courseName: String
  public let institution: String
  public let paidAt: String
  public let amountFen: Int64
  public let escrowFen: Int64
  public let refundedFen: Int64
  public let hoursBought: Int64
  public let hoursTaught: Int64
  public let hoursPending: Int64
  public let hoursRefunded: Int64
  /// Held by open (or escalated) refund applications.
  public let hoursReserved: Int64
  public let hoursRemaining: Int64
  public let rating: Int64?
}

/// A student's enrollments and refund applications (`student show`). No name: the ID is masked.
public struct StudentHistory: Codable, Sendable, Equatable {
  public let student: String
  public let parent: String
  public let maskedID: String
  public let grade: Int64
  public let enrollments: [StudentEnrollment]
  public let refundRequests: [RefundRequestView]
}

extension AppDatabase {
  public func studentHistory(_ student: String) throws -> StudentHistory {
    let id = try Self.validateID(student, field: "student", prefix: "S")
    return try read { db in
      guard
        let row = try Row.fetchOne(
          try db.cachedStatement(
            sql:
              "SELECT s.parent, s.grade, p.masked_id FROM students s JOIN persons p ON p.commitment = s.commitment WHERE s.id = ?"
          ),
          arguments: [id])
      else { throw Rejection("student_unknown", "student \(Rejection.quote(id)) is not registered") }
      let enrollments = try Row.fetchAll(
        try db.cachedStatement(
          sql: """
            SELECT e.*, k.name AS course_name, r.score FROM enrollments e
            JOIN classes c ON c.id = e.class JOIN courses k ON k.id = c.course
            LEFT JOIN ratings r ON r.enrollment = e.id
            WHERE e.student = ? ORDER BY e.seq
            """), arguments: [id]
      ).map { row in
        let balance = Self.balance(of: row)
        return StudentEnrollment(
          enrollment: row["id"], classID: row["class"], courseName: row["course_name"],
          institution: row["institution"], paidAt: row["paid_at"], amountFen: balance.amountFen,
          escrowFen: balance.escrowFen, refundedFen: balance.refundedFen, hoursBought: balance.hoursPaid,
          hoursTaught: balance.hoursConsumed, hoursPending: balance.hoursPending,
          hoursRefunded: balance.hoursRefunded, hoursReserved: balance.hoursReserved,
          hoursRemaining: balance.hoursRemaining, rating: row["score"])
      }
      let requests = try Row.fetchAll(
        try db.cachedStatement(
          sql: """
            SELECT r.* FROM refund_requests r JOIN enrollments e ON e.id = r.enrollment
            WHERE e.student = ? ORDER BY r.rowid
            """), arguments: [id]
      ).map(Self.refundRequestView)
      return StudentHistory(
        student: id, parent: row["parent"], maskedID: row["masked_id"], grade: row["grade"],
        enrollments: enrollments, refundRequests: requests)
    }
  }
}

import GRDB

/// The places taken in each class, `classes.places_taken`: the distinct students who hold hours
/// there (an enrollment with hours paid > consumed + refunded), which is what the places rule
/// counts (`class_full`). Kept as a count as enrollments change, so that a payment reads one row
/// instead of scanning the class (a 1,000-student online class made every payment scan 1,000).
extension Projector {
  /// Enrollment `id` was just added with `hours` paid: a place is taken unless the student
  /// already held one in the class (a renewal).
  static func enrollmentAdded(_ id: String, classID: String, student: String, hours: Int64, db: Database)
    throws
  {
    guard hours > 0 else { return }
    try placeChanged(classID: classID, student: student, excluding: id, taken: true, db: db)
  }

  /// Enrollment `id` is about to have `consumed` more hours consumed and `refunded` more
  /// refunded: when that ends the hours it holds, and the student holds none in another
  /// enrollment of the class, the place is free again. Call before the update.
  static func heldHoursWillEnd(_ id: String, consumed: Int64, refunded: Int64, db: Database) throws {
    let statement = try RawStatement(
      "SELECT class, student, hours_paid - hours_consumed - hours_refunded FROM enrollments WHERE id = ?",
      db: db)
    guard
      let (classID, student, held) = try statement.first(
        .text(id), read: { ($0.text(0), $0.text(1), $0.integer(2)) })
    else { return }
    let heldAfter = held - consumed - refunded
    guard (held > 0) != (heldAfter > 0) else { return }
    try placeChanged(classID: classID, student: student, excluding: id, taken: heldAfter > 0, db: db)
  }

  private static func placeChanged(
    classID: String, student: String, excluding id: String, taken: Bool, db: Database
  ) throws {
    let heldElsewhere =
      try RawStatement(
        """
        SELECT EXISTS(SELECT 1 FROM enrollments WHERE class = ? AND student = ? AND id != ?
          AND hours_paid > hours_consumed + hours_refunded)
        """, db: db
      ).first(.text(classID), .text(student), .text(id)) { $0.integer(0) != 0 } ?? false
    guard !heldElsewhere else { return }
    try RawStatement("UPDATE classes SET places_taken = places_taken + ? WHERE id = ?", db: db).execute(
      .integer(taken ? 1 : -1), .text(classID))
  }
}

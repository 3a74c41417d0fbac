import GRDB
import JianguanCore
import JianguanLedger

/// The registry's state questions, answered from the tables (`RegistryEntryRules` asks them).
extension SQLTransaction: RegistryState {
  func bureauRegion() throws -> String {
    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'region'") ?? ""
  }

  func registeredInstitution(_ uscc: String) throws -> RegisteredInstitution? {
    try Row.fetchOne(
      try db.cachedStatement(
        sql: "SELECT uscc, status, kind, region, category FROM institutions WHERE uscc = ?"),
      arguments: [uscc]
    ).map {
      RegisteredInstitution(
        uscc: $0["uscc"], status: $0["status"], kind: $0["kind"], region: $0["region"],
        category: $0["category"])
    }
  }

  func licenceHolder(_ licence: String) throws -> String? {
    try String.fetchOne(
      db, sql: "SELECT uscc FROM institutions WHERE licence = ? LIMIT 1", arguments: [licence])
  }

  func escrowAccountHolder(digits: String) throws -> String? {
    try String.fetchOne(
      db, sql: "SELECT uscc FROM institutions WHERE REPLACE(escrow_account, '-', '') = ? LIMIT 1",
      arguments: [digits])
  }

  func certificateHolder(_ certificate: String) throws -> (teacher: String, institution: String)? {
    try Row.fetchOne(
      db, sql: "SELECT id, institution FROM teachers WHERE certificate = ? LIMIT 1", arguments: [certificate]
    ).map { ($0["id"], $0["institution"]) }
  }

  func escrowHeld(byInstitution uscc: String) throws -> (count: Int64, fen: Int64) {
    let row = try Row.fetchOne(
      try db.cachedStatement(
        sql:
          "SELECT COUNT(*) AS n, COALESCE(SUM(escrow_fen), 0) AS fen FROM enrollments WHERE institution = ? AND escrow_fen > 0"
      ),
      arguments: [uscc])!
    return (row["n"], row["fen"])
  }

  func owner(ofVenue id: String) throws -> String? {
    try String.fetchOne(
      try db.cachedStatement(sql: "SELECT institution FROM venues WHERE id = ?"), arguments: [id])
  }

  func owner(ofTeacher id: String) throws -> String? {
    try String.fetchOne(
      try db.cachedStatement(sql: "SELECT institution FROM teachers WHERE id = ?"), arguments: [id])
  }

  func registeredCourse(_ id: String) throws -> CourseAdded? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM courses WHERE id = ?"), arguments: [id]).map {
      CourseAdded(
        id: $0["id"], institution: $0["institution"], name: $0["name"], subject: $0["subject"],
        category: $0["category"], delivery: $0["delivery"], lessonMinutes: $0["lesson_minutes"],
        hours: $0["hours"],
        pricePerHourFen: $0["price_per_hour_fen"], classSize: $0["class_size"])
    }
  }

  func classes(ofTeacher teacher: String, orVenue venue: String, overlapping starts: String, _ ends: String)
    throws -> [ScheduledClass]
  {
    try Row.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT id, teacher, venue, starts, ends, schedule FROM classes
          WHERE (teacher = ? OR venue = ?) AND starts <= ? AND ends >= ? ORDER BY rowid
          """),
      arguments: [teacher, venue, ends, starts]
    ).map {
      ScheduledClass(
        id: $0["id"], teacher: $0["teacher"], venue: $0["venue"], starts: $0["starts"], ends: $0["ends"],
        schedule: $0["schedule"])
    }
  }
}

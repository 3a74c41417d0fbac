import GRDB
import JianguanCore

/// The registry's uniqueness and consistency rules that need the database (the rules that do
/// not are in `RegistryRules` and `ClassRules`). The single commands and `import registry` go
/// through the same operations, so both apply them.
extension AppDatabase {
  /// An institution is registered with the bureau of its region: inside the genesis region.
  func requireInJurisdiction(region: String, db: Database) throws {
    let bureau = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'region'") ?? ""
    guard Region.code(region, isInside: bureau) else {
      throw Rejection(
        "region_outside_jurisdiction",
        "region \(Rejection.quote(region)) is outside this bureau's jurisdiction (\(bureau)); an institution registers with the bureau of its own region"
      )
    }
  }

  /// A licence number belongs to one institution, and so does a supervised escrow account (each
  /// institution has its own; hyphens as the bank prints them do not make another account).
  func requireUnique(licence: String, escrowAccount: String, db: Database) throws {
    if let holder = try String.fetchOne(
      db, sql: "SELECT uscc FROM institutions WHERE licence = ? LIMIT 1", arguments: [licence])
    {
      throw Rejection(
        "licence_already_registered",
        "license \(Rejection.quote(licence)) is already registered to institution \(holder); a licence number belongs to one institution"
      )
    }
    let digits = escrowAccount.replacingOccurrences(of: "-", with: "")
    if let holder = try String.fetchOne(
      db, sql: "SELECT uscc FROM institutions WHERE REPLACE(escrow_account, '-', '') = ? LIMIT 1",
      arguments: [digits])
    {
      throw Rejection(
        "escrow_account_already_registered",
        "escrow-account \(Rejection.quote(escrowAccount)) is already the supervised account of institution \(holder); each institution has its own"
      )
    }
  }

  /// One teacher's certificate (教师资格证) is one person: it is registered once.
  func requireNewCertificate(_ certificate: String, db: Database) throws {
    if let row = try Row.fetchOne(
      db, sql: "SELECT id, institution FROM teachers WHERE certificate = ? LIMIT 1", arguments: [certificate])
    {
      throw Rejection(
        "certificate_already_registered",
        "certificate \(Rejection.quote(certificate)) is already registered as teacher \(row["id"] as String) of institution \(row["institution"] as String); one certificate is one person"
      )
    }
  }

  /// A non-subject course's category is the one the institution is licensed for.
  func requireLicensedCategory(_ category: NonSubjectCategory, uscc: String, db: Database) throws {
    let licensed = try String.fetchOne(
      db, sql: "SELECT category FROM institutions WHERE uscc = ?", arguments: [uscc])
    guard licensed == category.rawValue else {
      throw Rejection(
        "category_not_licensed",
        "category \(Rejection.quote(category.rawValue)) is not what institution \(uscc) is licensed for (\(licensed ?? "none"))"
      )
    }
  }

  /// One teacher, or one venue, is in one class at a time: a new class may not meet another of
  /// the same teacher or venue on a day both terms hold, at overlapping times.
  func requireNoClash(
    _ timetable: RegistryRules.Timetable, teacher: String, venue: String, db: Database
  ) throws {
    let rows = try Row.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT id, teacher, venue, starts, ends, schedule FROM classes
          WHERE (teacher = ? OR venue = ?) AND starts <= ? AND ends >= ? ORDER BY rowid
          """),
      arguments: [teacher, venue, timetable.ends.description, timetable.starts.description])
    for row in rows {
      let other = RegistryRules.Timetable(
        starts: try CalendarDate.parse(row["starts"], field: "starts"),
        ends: try CalendarDate.parse(row["ends"], field: "ends"),
        schedule: try Schedule.parse(row["schedule"], field: "schedule"))
      guard let clash = RegistryRules.clash(timetable, other) else { continue }
      let what = (row["teacher"] as String) == teacher ? "teacher \(teacher)" : "venue \(venue)"
      throw Rejection(
        "class_time_clash",
        "schedule slot \(Rejection.quote(clash.slot.description)) puts \(what) in two classes at once: class \(row["id"] as String) meets \(clash.otherSlot.description), first on \(clash.day)"
      )
    }
  }
}

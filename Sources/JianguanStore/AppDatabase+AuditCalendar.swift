import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// The `calendar_years` table holds exactly the years of the `calendar` entries: the rules read
  /// their working days from it, so a row changed behind the ledger would change deadlines.
  func compareCalendarProjection(_ state: LedgerState, db: Database) throws -> [AuditFault] {
    var faults: [AuditFault] = []
    var replayed: [Int: WorkingDayCalendar.Year] = [:]
    for year in state.timing.years { replayed[year.year] = year }
    var seen = Set<Int>()
    for row in try Row.fetchAll(
      db, sql: "SELECT year, weekdays_off, weekends_worked, seq FROM calendar_years")
    {
      let year: Int = row["year"]
      seen.insert(year)
      let table = try? Self.calendarYear(year, row["weekdays_off"], row["weekends_worked"])
      if table == nil || table != replayed[year] {
        faults.append(
          AuditFault(
            seq: row["seq"],
            "calendar_years: the row of \(year) is not the calendar entry the ledger holds for it"))
      }
    }
    for year in replayed.keys.sorted() where !seen.contains(year) {
      faults.append(
        AuditFault(seq: 0, "calendar_years: the ledger loads \(year), the table has no row for it"))
    }
    return faults
  }
}

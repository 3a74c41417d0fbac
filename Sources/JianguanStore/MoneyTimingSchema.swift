import GRDB

/// Migration "v5-money-timing": the day each lesson was recorded (its confirmation window runs
/// from it) and the working-day calendar the ledger holds (a projection of `calendar` entries).
enum MoneyTimingSchema {
  static let v5 = """
    -- The China day of the lesson.recorded entry's time; filled for lessons recorded before.
    ALTER TABLE lessons ADD COLUMN recorded_on TEXT NOT NULL DEFAULT '';
    UPDATE lessons SET recorded_on =
      (SELECT date(substr(l.entry, -28, 19), '+8 hours') FROM ledger l WHERE l.seq = lessons.seq);
    CREATE INDEX lessons_pending_recorded ON lessons(status, recorded_on);

    -- One row per calendar entry: the year's weekdays off and weekend working days, as
    -- comma-separated YYYY-MM-DD lists (empty text for none).
    CREATE TABLE calendar_years (
      year INTEGER PRIMARY KEY NOT NULL,
      weekdays_off TEXT NOT NULL,
      weekends_worked TEXT NOT NULL,
      seq INTEGER NOT NULL
    ) STRICT;
    """
}

/// The supervision tables of migration "v2-supervision": projections of the supervision entries.
enum SupervisionSchema {
  static let v2 = """
    -- Supervision actions and measures: the figures reports sum, and the record itself (canonical
    -- JSON of the entry's payload) from which the bulletin is written.
    CREATE TABLE supervision_items (
      id TEXT PRIMARY KEY NOT NULL,
      type TEXT NOT NULL CHECK (type IN ('action', 'measure')),
      date TEXT NOT NULL,
      region TEXT NOT NULL,
      kind TEXT,
      title TEXT,
      experience INTEGER NOT NULL,
      departments INTEGER NOT NULL,
      person_visits INTEGER,
      teams INTEGER,
      institutions_checked INTEGER,
      problems INTEGER NOT NULL,
      refunds_fen INTEGER,
      fines_fen INTEGER,
      students_redistributed INTEGER,
      record TEXT NOT NULL,
      seq INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX supervision_items_date ON supervision_items(date, region);

    CREATE TABLE supervision_problems (
      item TEXT NOT NULL REFERENCES supervision_items(id),
      category TEXT NOT NULL,
      count INTEGER NOT NULL CHECK (count > 0),
      actions TEXT NOT NULL,
      follow_up TEXT NOT NULL,
      PRIMARY KEY (item, category)
    ) STRICT;

    CREATE TABLE supervision_figures (
      item TEXT NOT NULL REFERENCES supervision_items(id),
      key TEXT NOT NULL,
      value INTEGER NOT NULL,
      label TEXT NOT NULL,
      PRIMARY KEY (item, key)
    ) STRICT;

    CREATE TABLE findings (
      id TEXT PRIMARY KEY NOT NULL,
      date TEXT NOT NULL,
      region TEXT NOT NULL,
      institution TEXT REFERENCES institutions(uscc),
      operator_name TEXT,
      operator_address TEXT,
      category TEXT NOT NULL,
      actions TEXT NOT NULL,
      deadline TEXT,
      fine_fen INTEGER,
      refunds_fen INTEGER,
      students_redistributed INTEGER,
      inspection TEXT REFERENCES supervision_items(id),
      note TEXT,
      status TEXT NOT NULL CHECK (status IN ('open', 'rectified', 'verified')),
      rectified_on TEXT,
      verified_on TEXT,
      seq INTEGER NOT NULL,
      last_seq INTEGER NOT NULL,
      CHECK (deadline IS NULL OR deadline >= date)
    ) STRICT;
    CREATE INDEX findings_institution ON findings(institution);
    CREATE INDEX findings_status ON findings(status, deadline);

    -- No names, phone or ID numbers: a parent by registry id, or the channel's own reference.
    CREATE TABLE complaints (
      id TEXT PRIMARY KEY NOT NULL,
      date TEXT NOT NULL,
      channel TEXT NOT NULL,
      region TEXT NOT NULL,
      institution TEXT REFERENCES institutions(uscc),
      operator_name TEXT,
      category TEXT,
      summary TEXT NOT NULL,
      parent TEXT REFERENCES parents(id),
      channel_ref TEXT,
      status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
      resolved_on TEXT,
      outcome TEXT,
      resolution_note TEXT,
      refunds_fen INTEGER,
      seq INTEGER NOT NULL,
      last_seq INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX complaints_institution ON complaints(institution, date);
    """
}

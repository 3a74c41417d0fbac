/// The PostgreSQL tables, in their own schema `jianguan`. Many bureaus share them: every table
/// has a `bureau` column (its region code) leading its primary key, and every statement names
/// the bureau (docs/POSTGRES.md says why a column and not a schema per bureau).
enum PostgresSchema {
  /// The advisory lock class of this program (`pg_advisory_xact_lock(class, key)`): key 0 guards
  /// the schema's creation, key = a bureau's region code guards that bureau's appends.
  static let lockClass: Int32 = 0x4A47_0017

  /// Each statement on its own (the extended protocol runs one at a time); all idempotent.
  static let statements: [String] = [
    "CREATE SCHEMA IF NOT EXISTS jianguan",
    """
    CREATE TABLE IF NOT EXISTS jianguan.bureaus (
      bureau TEXT PRIMARY KEY CHECK (bureau ~ '^[0-9]{6}$'),
      size BIGINT NOT NULL CHECK (size >= 0),
      head_hash BYTEA NOT NULL CHECK (length(head_hash) = 32),
      checkpoint_key TEXT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS jianguan.ledger (
      bureau TEXT NOT NULL REFERENCES jianguan.bureaus(bureau),
      seq BIGINT NOT NULL CHECK (seq >= 1),
      kind TEXT NOT NULL,
      entry BYTEA NOT NULL,
      hash BYTEA NOT NULL,
      PRIMARY KEY (bureau, seq)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS jianguan.merkle_tiles (
      bureau TEXT NOT NULL REFERENCES jianguan.bureaus(bureau),
      level INTEGER NOT NULL,
      idx BIGINT NOT NULL,
      width INTEGER NOT NULL CHECK (width BETWEEN 1 AND 256),
      hashes BYTEA NOT NULL CHECK (length(hashes) = 32 * width),
      levels BYTEA NOT NULL CHECK (length(levels) = 32 * (width / 16 + width / 32 + width / 64 + width / 128)),
      PRIMARY KEY (bureau, level, idx)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS jianguan.checkpoints (
      bureau TEXT NOT NULL REFERENCES jianguan.bureaus(bureau),
      id BIGINT NOT NULL,
      size BIGINT NOT NULL,
      root_hash BYTEA NOT NULL,
      note TEXT NOT NULL,
      verifier_key TEXT NOT NULL,
      signed_at TEXT NOT NULL,
      PRIMARY KEY (bureau, id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS jianguan.persons (
      bureau TEXT NOT NULL REFERENCES jianguan.bureaus(bureau),
      commitment TEXT NOT NULL,
      role TEXT NOT NULL,
      masked_id TEXT NOT NULL,
      sealed BYTEA,
      PRIMARY KEY (bureau, commitment)
    )
    """,
    """
    CREATE OR REPLACE FUNCTION jianguan.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'table jianguan.%: rows are append-only (% refused)', TG_TABLE_NAME, TG_OP;
    END $$
    """,
    """
    CREATE OR REPLACE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON jianguan.ledger
      FOR EACH ROW EXECUTE FUNCTION jianguan.refuse_change()
    """,
    """
    CREATE OR REPLACE TRIGGER merkle_tiles_no_delete BEFORE DELETE ON jianguan.merkle_tiles
      FOR EACH ROW EXECUTE FUNCTION jianguan.refuse_change()
    """,
  ]

  /// Creates the tables where they are missing. Two processes doing it at once would race in the
  /// catalog, so it runs under the schema's advisory lock.
  static func prepare(_ session: PostgresSession) throws {
    try session.transaction {
      try session.rows("SELECT pg_advisory_xact_lock(\(lockClass), 0)")
      for statement in statements { try session.execute(statement) }
    }
  }
}
